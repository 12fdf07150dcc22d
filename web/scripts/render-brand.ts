// Renders the TECHGURU brand files from brand/*.svg with the system Chromium:
//   static/techguru_logo.png       mark + word, for light backgrounds (2× for sharp display)
//   static/techguru_logo_dark.png  the same for dark backgrounds
//   static/techguru_icon.ico       the mark at 16, 32 and 48 px (PNG-compressed ICO entries)
// Run: node web/scripts/render-brand.ts (Node 24 strips the types).
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const dir = new URL('..', import.meta.url);
const mark = readFileSync(new URL('brand/mark.svg', dir), 'utf8');

function logo(tech: string, guru: string): string {
  const inner = mark.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 64" width="300" height="64">
  <g>${inner}</g>
  <text x="76" y="45" font-family="'DejaVu Sans', 'Liberation Sans', Arial, sans-serif" font-weight="700" font-size="34" letter-spacing="1">
    <tspan fill="${tech}">TECH</tspan><tspan fill="${guru}">GURU</tspan>
  </text>
</svg>`;
}

/** An .ico file whose entries are PNG images (supported by every current browser and OS). */
function ico(pngs: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = 6 + 16 * pngs.length;
  const entries = pngs.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0);
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt8(0, 2);
    e.writeUInt8(0, 3);
    e.writeUInt16LE(1, 4);
    e.writeUInt16LE(32, 6);
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.data)]);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const render = async (svg: string, width: number, height: number, scale: number) => {
    const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: scale });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg.replace(/width="\d+" height="\d+"/, `width="${width}" height="${height}"`)}</body></html>`,
    );
    const png = await page.locator('svg').screenshot({ omitBackground: true });
    await page.close();
    return png;
  };
  writeFileSync(new URL('static/techguru_logo.png', dir), await render(logo('#1d4ed8', '#6d28d9'), 300, 64, 2));
  writeFileSync(new URL('static/techguru_logo_dark.png', dir), await render(logo('#93c5fd', '#c4b5fd'), 300, 64, 2));
  const sizes = [16, 32, 48];
  const pngs = [];
  for (const size of sizes) pngs.push({ size, data: await render(mark, size, size, 1) });
  writeFileSync(new URL('static/techguru_icon.ico', dir), ico(pngs));
  writeFileSync(new URL('static/techguru_mark.png', dir), await render(mark, 64, 64, 2));
} finally {
  await browser.close();
}
