// The JavaScript a page loads in a real browser, measured from the production build:
//   node web/scripts/measure-first-page.ts http://127.0.0.1:3000/t/demo/auth/login
// Lists every .js response (entry, preloads and dynamic imports until the network is idle)
// with its raw, gzip (level 9) and brotli size, read from web/build/client.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const url = process.argv[2];
if (!url) throw new Error('usage: node web/scripts/measure-first-page.ts <url>');
const client = new URL('../build/client/', import.meta.url);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  const scripts = new Set<string>();
  page.on('response', (res) => {
    const path = new URL(res.url()).pathname;
    if (path.endsWith('.js')) scripts.add(path.slice(path.indexOf('/_app/') + 1));
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  let raw = 0;
  let gz = 0;
  let br = 0;
  const rows = [...scripts].sort().map((file) => {
    const data = readFileSync(new URL(file, client));
    const sizes = {
      file,
      raw: data.length,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data).length,
    };
    raw += sizes.raw;
    gz += sizes.gzip;
    br += sizes.brotli;
    return sizes;
  });
  for (const r of rows)
    console.log(
      `${String(r.raw).padStart(8)} ${String(r.gzip).padStart(7)} ${String(r.brotli).padStart(7)}  ${r.file}`,
    );
  console.log(
    `${String(raw).padStart(8)} ${String(gz).padStart(7)} ${String(br).padStart(7)}  total: ${rows.length} files (raw, gzip -9, brotli bytes)`,
  );
} finally {
  await browser.close();
}
