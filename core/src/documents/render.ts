import type { BusinessDocument, DocumentColumn, DocumentLine, DocumentParty } from '@elevate/sdk';
import PDFDocument from 'pdfkit';
import { formatDate, formatMoney, formatQuantity } from './format.ts';
import { DOCUMENT_LABELS, documentLanguage } from './labels.ts';

/** A template with the tenant's branding applied: what the layout needs, nothing to look up. */
export interface ResolvedTemplate {
  /** The tenant's own title for the kind; null: the kind's name in the document's language. */
  title: string | null;
  /** `#rrggbb`. */
  accent: string;
  /** PNG or JPEG bytes (pdfkit draws only these), or null. */
  logo: Buffer | null;
  columns: readonly DocumentColumn[];
  /** The template's footer, then the company's legal footer. */
  footer: readonly string[];
  /** Printed under the lines when the document brings no notes. */
  defaultNotes: string | null;
}

const A4 = { width: 595.28, height: 841.89 };
const M = 48; // page margin
const INK = '#1f2937';
const MUTED = '#6b7280';
const RULE = '#e5e7eb';
const BAND = '#f3f4f6';

const COLUMN: Record<DocumentColumn, { width: number; align: 'left' | 'right' }> = {
  quantity: { width: 44, align: 'right' },
  unit: { width: 40, align: 'left' },
  unitPrice: { width: 72, align: 'right' },
  discount: { width: 44, align: 'right' },
  taxes: { width: 62, align: 'left' },
  total: { width: 80, align: 'right' },
};

/** A light tint of the accent for table headers and bands. */
function tint(hex: string, amount: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(mix) as [number, number, number];
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, '0')}`;
}

type Doc = PDFKit.PDFDocument;

export function renderPdf(doc: BusinessDocument, t: ResolvedTemplate, seller: DocumentParty): Promise<Buffer> {
  const locale = doc.locale ?? 'en-US';
  const L = DOCUMENT_LABELS[documentLanguage(doc)];
  const docTitle = doc.title ?? t.title ?? L.titles[doc.kind];
  const money = (v: string | undefined) => (v === undefined ? '' : formatMoney(v, doc.currency, locale));
  const pdf: Doc = new PDFDocument({
    size: 'A4',
    margins: { top: M, bottom: M, left: M, right: M },
    bufferPages: true,
    info: {
      Title: `${docTitle} ${doc.number}`,
      Author: seller.name,
      Producer: 'ElevateCRM',
      Creator: 'ElevateCRM',
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const right = A4.width - M;
  const width = right - M;
  const bottom = A4.height - M - 34; // room for the footer

  // ---- header: accent bar, logo or name, title and meta ----
  const header = () => {
    pdf.rect(0, 0, A4.width, 6).fill(t.accent);
  };
  header();
  pdf.on('pageAdded', header);

  let y = M;
  let logoDrawn = false;
  if (t.logo) {
    try {
      pdf.image(t.logo, M, y, { fit: [150, 54] });
      logoDrawn = true;
    } catch {
      logoDrawn = false; // an image pdfkit cannot read: the name stands in
    }
  }
  if (!logoDrawn)
    pdf
      .font('Helvetica-Bold')
      .fontSize(18)
      .fillColor(t.accent)
      .text(seller.name, M, y + 8, { width: 260 });

  const title = docTitle.toLocaleUpperCase(locale);
  pdf
    .font('Helvetica-Bold')
    .fontSize(22)
    .fillColor(t.accent)
    .text(title, M + 260, y, { width: width - 260, align: 'right' });
  const meta: [string, string][] = [
    [L.number, doc.number],
    [L.date, formatDate(doc.date, locale)],
  ];
  if (doc.dueDate) meta.push([L.due[doc.kind], formatDate(doc.dueDate, locale)]);
  if (doc.reference) meta.push([L.reference, doc.reference]);
  let my = y + 30;
  for (const [k, v] of meta) {
    pdf
      .font('Helvetica')
      .fontSize(9)
      .fillColor(MUTED)
      .text(k, right - 200, my, { width: 90, align: 'right' });
    pdf
      .font('Helvetica-Bold')
      .fontSize(9)
      .fillColor(INK)
      .text(v, right - 104, my, { width: 104, align: 'right' });
    my += 13;
  }
  y = Math.max(my, y + 64) + 16;

  // ---- parties ----
  const parties: [string, DocumentParty][] = [
    [L.from, seller],
    [doc.kind === 'delivery' ? L.customer : L.billTo, doc.customer],
  ];
  if (doc.shipTo) parties.push([L.shipTo, doc.shipTo]);
  const colW = (width - 16 * (parties.length - 1)) / parties.length;
  let partiesBottom = y;
  parties.forEach(([label, p], i) => {
    const x = M + i * (colW + 16);
    pdf
      .font('Helvetica-Bold')
      .fontSize(8)
      .fillColor(t.accent)
      .text(label.toUpperCase(), x, y, { width: colW, characterSpacing: 0.6 });
    pdf
      .font('Helvetica-Bold')
      .fontSize(10)
      .fillColor(INK)
      .text(p.name, x, y + 13, { width: colW });
    pdf.font('Helvetica').fontSize(9).fillColor(INK);
    for (const line of p.address ?? []) pdf.text(line, { width: colW });
    pdf.fillColor(MUTED);
    if (p.taxId) pdf.text(`${L.taxId} ${p.taxId}`, { width: colW });
    if (p.email) pdf.text(p.email, { width: colW });
    if (p.phone) pdf.text(p.phone, { width: colW });
    partiesBottom = Math.max(partiesBottom, pdf.y);
  });
  y = partiesBottom + 22;

  // ---- lines ----
  const cols = t.columns.map((c) => ({ key: c, label: L.columns[c], ...COLUMN[c] }));
  const descW = width - cols.reduce((s, c) => s + c.width, 0) - 16;
  const colX: number[] = [];
  {
    let x = M + 8 + descW;
    for (const c of cols) {
      colX.push(x);
      x += c.width;
    }
  }
  const tableHeader = () => {
    pdf.rect(M, y, width, 20).fill(t.accent);
    pdf.font('Helvetica-Bold').fontSize(8.5).fillColor('#ffffff');
    pdf.text(L.description, M + 8, y + 6, { width: descW - 8 });
    cols.forEach((c, i) => {
      pdf.text(c.label, (colX[i] as number) + 4, y + 6, { width: c.width - 8, align: c.align });
    });
    y += 20;
  };
  const ensure = (h: number) => {
    if (y + h > bottom) {
      pdf.addPage();
      y = M;
      tableHeader();
    }
  };
  tableHeader();
  const cell = (line: DocumentLine, key: DocumentColumn): string => {
    switch (key) {
      case 'quantity':
        return line.quantity === undefined ? '' : formatQuantity(line.quantity, locale);
      case 'unit':
        return line.unit ?? '';
      case 'unitPrice':
        return money(line.unitPrice);
      case 'discount':
        return line.discount ?? '';
      case 'taxes':
        return (line.taxes ?? []).join(', ');
      case 'total':
        return money(line.total);
    }
  };
  let zebra = false;
  for (const line of doc.lines) {
    const kind = line.type ?? 'line';
    if (kind === 'section') {
      pdf.font('Helvetica-Bold').fontSize(9.5);
      const h = pdf.heightOfString(line.description, { width: width - 16 }) + 12;
      ensure(h);
      pdf.rect(M, y, width, h).fill(tint(t.accent, 0.88));
      pdf.fillColor(INK).text(line.description, M + 8, y + 6, { width: width - 16 });
      y += h;
      zebra = false;
      continue;
    }
    if (kind === 'note') {
      pdf.font('Helvetica-Oblique').fontSize(8.5);
      const h = pdf.heightOfString(line.description, { width: width - 16 }) + 10;
      ensure(h);
      pdf.fillColor(MUTED).text(line.description, M + 8, y + 5, { width: width - 16 });
      y += h;
      continue;
    }
    pdf.font('Helvetica').fontSize(9);
    const descH = pdf.heightOfString(line.description, { width: descW - 8 });
    pdf.fontSize(7.5);
    const detailH = line.detail ? pdf.heightOfString(line.detail, { width: descW - 8 }) + 2 : 0;
    pdf.fontSize(9);
    const cellH = Math.max(...cols.map((c) => pdf.heightOfString(cell(line, c.key) || ' ', { width: c.width - 8 })), 0);
    const h = Math.max(descH + detailH, cellH) + 12;
    ensure(h);
    if (zebra) pdf.rect(M, y, width, h).fill(BAND);
    zebra = !zebra;
    pdf
      .font('Helvetica')
      .fontSize(9)
      .fillColor(INK)
      .text(line.description, M + 8, y + 6, { width: descW - 8 });
    if (line.detail)
      pdf
        .fontSize(7.5)
        .fillColor(MUTED)
        .text(line.detail, M + 8, y + 7 + descH, { width: descW - 8 });
    pdf.fontSize(9).fillColor(INK);
    cols.forEach((c, i) => {
      const v = cell(line, c.key);
      if (!v) return;
      pdf.font(c.key === 'total' ? 'Helvetica-Bold' : 'Helvetica').text(v, (colX[i] as number) + 4, y + 6, {
        width: c.width - 8,
        align: c.align,
      });
    });
    y += h;
    pdf.moveTo(M, y).lineTo(right, y).lineWidth(0.5).strokeColor(RULE).stroke();
  }
  y += 14;

  // ---- tax summary (left) and totals (right) ----
  const totals = doc.totals;
  const rows: [string, string, boolean][] = [];
  if (totals) {
    rows.push([L.subtotal, money(totals.subtotal), false]);
    if (totals.discount !== undefined) rows.push([L.discount, money(totals.discount), false]);
    if (totals.tax !== undefined) rows.push([L.tax, money(totals.tax), false]);
    rows.push([`${L.total} ${doc.currency}`, money(totals.total), true]);
    if (totals.paid !== undefined) rows.push([L.paid, money(totals.paid), false]);
    if (totals.due !== undefined) rows.push([L.amountDue, money(totals.due), true]);
  }
  const summary = doc.taxSummary ?? [];
  const blockH = Math.max(rows.length * 18 + 8, summary.length ? summary.length * 15 + 30 : 0);
  ensureFree(blockH);
  const top = y;
  if (summary.length) {
    const sx = M;
    const sw = 250;
    pdf
      .font('Helvetica-Bold')
      .fontSize(8)
      .fillColor(t.accent)
      .text(L.taxSummary.toLocaleUpperCase(locale), sx, y, { characterSpacing: 0.6 });
    y += 14;
    pdf.font('Helvetica-Bold').fontSize(8).fillColor(MUTED);
    pdf.text(L.rate, sx, y, { width: 100 });
    pdf.text(L.base, sx + 100, y, { width: 75, align: 'right' });
    pdf.text(L.tax, sx + 175, y, { width: 75, align: 'right' });
    y += 12;
    pdf
      .moveTo(sx, y)
      .lineTo(sx + sw, y)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    y += 3;
    pdf.font('Helvetica').fontSize(8.5).fillColor(INK);
    for (const r of summary) {
      pdf.text(r.label, sx, y, { width: 100 });
      pdf.text(money(r.base), sx + 100, y, { width: 75, align: 'right' });
      pdf.text(money(r.amount), sx + 175, y, { width: 75, align: 'right' });
      y += 15;
    }
  }
  let ty = top;
  const tx = right - 230;
  rows.forEach(([label, value, strong]) => {
    if (strong) {
      pdf.rect(tx, ty - 4, 230, 20).fill(tint(t.accent, 0.85));
      pdf.font('Helvetica-Bold').fontSize(10).fillColor(INK);
    } else pdf.font('Helvetica').fontSize(9).fillColor(INK);
    pdf.text(label, tx + 8, ty + 1, { width: 110 });
    pdf.text(value, tx + 110, ty + 1, { width: 112, align: 'right' });
    ty += 20;
  });
  y = Math.max(y, ty) + 18;

  // ---- notes ----
  const notes = doc.notes?.length ? doc.notes : t.defaultNotes ? [t.defaultNotes] : [];
  for (const n of notes) {
    pdf.font('Helvetica').fontSize(8.5);
    const h = pdf.heightOfString(n, { width }) + 6;
    ensureFree(h);
    pdf.fillColor(INK).text(n, M, y, { width });
    y += h;
  }

  // ---- footer on every page ----
  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const fy = A4.height - M - 18;
    pdf
      .moveTo(M, fy - 6)
      .lineTo(right, fy - 6)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    const text = t.footer.join('  ·  ');
    // Below the bottom margin: lift it so pdfkit does not start a page for it.
    const keep = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf
      .font('Helvetica')
      .fontSize(7.5)
      .fillColor(MUTED)
      .text(text, M, fy, { width: width - 60, height: 30, ellipsis: true });
    pdf.text(
      L.page.replace('{page}', String(i - range.start + 1)).replace('{pages}', String(range.count)),
      right - 70,
      fy,
      { width: 70, align: 'right' },
    );
    pdf.page.margins.bottom = keep;
  }
  pdf.end();
  return done;

  /** A new page (without the table header) when `h` does not fit. */
  function ensureFree(h: number) {
    if (y + h > bottom) {
      pdf.addPage();
      y = M;
    }
  }
}
