import { inflateSync } from 'node:zlib';

/**
 * The text a pdfkit PDF shows, one entry per text-showing operator, decoded from its content
 * streams (standard fonts: WinAnsi glyph codes, here read as latin-1 with € mapped). For
 * assertions on what a rendered document says, without a PDF library.
 */
export function pdfText(pdf: Uint8Array): string[] {
  const buf = Buffer.from(pdf);
  const out: string[] = [];
  const raw = buf.toString('latin1');
  const re = /stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    let content: string;
    try {
      content = inflateSync(buf.subarray(start, end)).toString('latin1');
    } catch {
      continue; // an image or an uncompressed stream
    }
    for (const tj of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ/g)) {
      const hex = [...(tj[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('');
      out.push(Buffer.from(hex, 'hex').toString('latin1').replaceAll('\x80', '€'));
    }
    re.lastIndex = end;
  }
  return out;
}

/** The colours a PDF fills with (`r g b rg` or `scn`), as #rrggbb. */
export function pdfFillColours(pdf: Uint8Array): Set<string> {
  const buf = Buffer.from(pdf);
  const raw = buf.toString('latin1');
  const colours = new Set<string>();
  const re = /stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    try {
      const content = inflateSync(buf.subarray(start, end)).toString('latin1');
      for (const c of content.matchAll(/([\d.]+) ([\d.]+) ([\d.]+) (?:rg|scn|sc)\b/g)) {
        const hex = [c[1], c[2], c[3]]
          .map((v) =>
            Math.round(Number(v) * 255)
              .toString(16)
              .padStart(2, '0'),
          )
          .join('');
        colours.add(`#${hex}`);
      }
    } catch {
      // not a deflated content stream
    }
    re.lastIndex = end;
  }
  return colours;
}
