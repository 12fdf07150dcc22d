// Inventory operations in the browser (issue 10's e2e): create a product with a barcode, receive 10
// through the operation form (a bad line is named under its field first), scan it into a count with
// the keyboard-wedge scan field (Enter-terminated codes, focus kept), deliver 3 (a shortfall is named
// on the line first), and a second signed-in page on the product follows the stock live. The count's
// camera button with Chromium's fake camera: its test pattern (the dialog opens and cancels), a
// refused permission (said in the dialog), and a video of an EAN-13 (decoded into the count).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { toBuffer } from 'bwip-js/node';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pageChecker } from './check-pages.ts';
import {
  afterBrowserTest,
  createTenant,
  launchBrowser,
  newContext,
  open,
  type Platform,
  screenshot,
  signIn,
  startAll,
} from './platform.ts';

let platform: Platform;
let browser: Browser;
let page: Page | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ({ platform, browser } = await startAll());
}, 90_000);
afterEach(async ({ task }) => afterBrowserTest(task, page, contexts));
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function signedInPage(tenant: Awaited<ReturnType<typeof createTenant>>, width = 1280): Promise<Page> {
  const context = await newContext(browser, width);
  contexts.push(context);
  const p = await context.newPage();
  await signIn(p, tenant);
  return p;
}

const BARCODE = '4006381333931';

describe('inventory operations', { timeout: 180_000 }, () => {
  it('receives 10 with the operation form, scans them into a count, delivers 3, and a second page follows live', async () => {
    const tenant = await createTenant(platform, { prefix: 'invops', crm: false });
    await tenant.as('POST', '/api/v1/core/addons/inventory/enable', {});
    page = await signedInPage(tenant);
    const p = page;

    // A product with a barcode, from the products list.
    await open(p, tenant.app('/inventory'));
    await p.getByRole('button', { name: 'New product' }).click();
    const dialog = p.getByRole('dialog', { name: 'New product' });
    await dialog.getByLabel('SKU').fill('MUG-01');
    await dialog.getByLabel('Name').fill('Blue mug');
    await dialog.getByLabel('Barcode').fill(BARCODE);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await p.waitForURL(/\/inventory\/products\/[0-9a-f-]{36}$/);
    const productUrl = p.url();

    // A second signed-in page on the product, left alone.
    const watcher = await signedInPage(tenant);
    await open(watcher, productUrl);
    expect(await watcher.getByTestId('on-hand').textContent()).toContain('On hand: 0');

    // Receive 10 with the operation form: the product found by its barcode; 0 is refused on the line.
    await p.getByRole('link', { name: 'Operations', exact: true }).click();
    await p.waitForURL(tenant.app('/inventory/operations'));
    // Only the most specific menu entry is current: Products (the addon's root) is not lit here.
    const currentEntries = p.getByRole('navigation', { name: 'Main' }).locator('a[aria-current="page"]');
    await expect.poll(() => currentEntries.allTextContents()).toEqual([expect.stringContaining('Operations')]);
    await p.getByRole('link', { name: 'New receipt' }).click();
    await p.waitForURL(/operations\/new\?kind=receipt$/);
    await p.getByLabel('Reference').fill('PO-1');
    await p.getByLabel('Product, line 1').fill(BARCODE);
    await p.getByLabel('Quantity, line 1').fill('0');
    await p.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => p.getByText('Quantity must be more than 0').count()).toBe(1);
    expect(await p.getByLabel('Quantity, line 1').getAttribute('aria-invalid')).toBe('true');
    await p.getByLabel('Quantity, line 1').fill('10');
    await p.getByRole('button', { name: 'Validate' }).click();
    await p.waitForURL(/\/inventory\/operations\/[0-9a-f-]{36}$/);
    await expect.poll(() => p.getByTestId('operation-state').textContent()).toBe('done');
    expect(await p.getByRole('cell', { name: 'MUG-01 · Blue mug' }).count()).toBe(1);
    await expect.poll(() => watcher.getByTestId('on-hand').textContent(), { timeout: 15_000 }).toContain('On hand: 10');

    // A count of WH/Stock: the scanner types the code and Enter, twice in a row, then 8 at once.
    await open(p, tenant.app('/inventory/counts'));
    await p.getByRole('button', { name: 'New count' }).click();
    const start = p.getByRole('dialog', { name: 'New count' });
    await start.getByLabel('Location').selectOption({ label: 'WH/Stock' });
    await start.getByRole('button', { name: 'Start counting' }).click();
    await p.waitForURL(/\/inventory\/counts\/[0-9a-f-]{36}$/);
    const scan = p.getByLabel(/Scan a barcode/);
    await expect.poll(() => p.evaluate(() => document.activeElement?.id)).toBe('scan-code');
    await p.keyboard.type(`${BARCODE}\n${BARCODE}\n`);
    await expect.poll(() => p.getByTestId('scan-status').textContent()).toContain('counted 2');
    expect(await scan.inputValue()).toBe('');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('scan-code');
    await p.keyboard.type('NOPE-404\n');
    await expect
      .poll(() => p.getByTestId('scan-status').textContent())
      .toContain('no product, lot or serial has this code');
    await p.getByLabel('Quantity per scan').fill('8');
    await scan.focus();
    await p.keyboard.type(`${BARCODE}\n`);
    await expect.poll(() => p.getByTestId('scan-status').textContent()).toContain('counted 10');
    // The line: counted 10 against 10 on hand.
    const row = p.getByRole('row', { name: /MUG-01/ });
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator; innerText is the text as shown
    await expect.poll(() => row.innerText()).toMatch(/MUG-01.*Blue mug.*10.*10/s);
    await p.getByRole('button', { name: 'Validate' }).click();
    await p.getByRole('dialog', { name: 'Validate this count?' }).getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => p.getByText('WH/Stock · done').count()).toBe(1);
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator; innerText is the text as shown
    await expect.poll(() => row.innerText()).toMatch(/Blue mug\s*10\s*10\s*0\s*$/);
    const countUrl = p.url();

    // Deliver 3: first 30, refused on the line with the shortfall, then 3.
    await open(p, tenant.app('/inventory/operations/new?kind=delivery'));
    await p.getByLabel('Product, line 1').fill('MUG-01');
    await p.getByLabel('Quantity, line 1').fill('30');
    await p.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => p.getByText('Quantity is 20.0000 more than available').count()).toBe(1);
    await p.getByLabel('Quantity, line 1').fill('3');
    await p.getByRole('button', { name: 'Validate' }).click();
    await p.waitForURL(/\/inventory\/operations\/[0-9a-f-]{36}$/);
    await expect.poll(() => p.getByTestId('operation-state').textContent()).toBe('done');
    await expect.poll(() => watcher.getByTestId('on-hand').textContent(), { timeout: 15_000 }).toContain('On hand: 7');

    // A draft transfer, then cancelled: nothing moves.
    await tenant.as('POST', '/api/v1/inventory/locations', { name: 'Shelf A', parent: await stockId(tenant) });
    await open(p, tenant.app('/inventory/operations/new?kind=internal'));
    await p.locator('select[name="fromLocationId"]').selectOption({ label: 'WH/Stock' });
    await p.locator('select[name="toLocationId"]').selectOption({ label: 'WH/Stock/Shelf A' });
    await p.getByLabel('Product, line 1').fill('MUG-01');
    await p.getByLabel('Quantity, line 1').fill('2');
    await p.getByRole('button', { name: 'Save as draft' }).click();
    await p.waitForURL(/\/inventory\/operations\/[0-9a-f-]{36}$/);
    await expect.poll(() => p.getByTestId('operation-state').textContent()).toBe('draft');
    await p.getByRole('button', { name: 'Cancel operation' }).click();
    await p
      .getByRole('dialog', { name: 'Cancel this operation?' })
      .getByRole('button', { name: 'Cancel operation' })
      .click();
    await expect.poll(() => p.getByTestId('operation-state').textContent()).toBe('cancelled');
    const operationUrl = p.url();
    await open(watcher, productUrl);
    expect(await watcher.getByTestId('on-hand').textContent()).toContain('On hand: 7');

    // The crawl's checks on the new pages with data in them (the crawl's seeded tenant has no stock,
    // so it never reaches an operation or a count sheet), and screenshots.
    await checkPages(p, tenant, [
      ['operations', tenant.app('/inventory/operations')],
      ['operation-new', tenant.app('/inventory/operations/new?kind=receipt')],
      ['transfer-new', tenant.app('/inventory/operations/new?kind=internal')],
      ['counts', tenant.app('/inventory/counts')],
      ['count', countUrl],
      ['operation', operationUrl],
      ['product', productUrl],
    ]);
  });

  it('generates variants, raises and handles replenishment suggestions, and imports a CSV with progress and row errors', async () => {
    const tenant = await createTenant(platform, { prefix: 'invmore', crm: false });
    await tenant.as('POST', '/api/v1/core/addons/inventory/enable', {});
    const shirt = await tenant.as<{ id: string }>('POST', '/api/v1/inventory/products', {
      sku: 'SHIRT',
      name: 'Shirt',
    });
    page = await signedInPage(tenant);
    const p = page;

    // Variants: a value given twice is named on its attribute's field; then 2 × 2 combinations.
    await open(p, tenant.app(`/inventory/products/${shirt.id}`));
    await p.getByRole('button', { name: 'Generate variants' }).click();
    const gen = p.getByRole('dialog', { name: 'Generate variants' });
    await gen.getByLabel('Attribute 1', { exact: true }).fill('Size');
    await gen.getByLabel('Values of attribute 1').fill('S, S');
    await gen.getByLabel('Attribute 2', { exact: true }).fill('Colour');
    await gen.getByLabel('Values of attribute 2').fill('Red, Sky blue');
    await gen.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => gen.getByText('Values of attribute 1 is given twice').count()).toBe(1);
    await gen.getByLabel('Values of attribute 1').fill('S, M');
    expect(await gen.getByText('4 combinations').count()).toBe(1);
    await gen.getByRole('button', { name: 'Generate' }).click();
    const variants = p.getByRole('table', { name: 'Variants of this product' });
    await expect.poll(() => variants.getByRole('row').count()).toBe(5);
    expect(await variants.getByRole('cell', { name: 'SHIRT-M-SKYBLUE' }).count()).toBe(1);
    expect(await variants.getByRole('cell', { name: 'Shirt (S, Red)' }).count()).toBe(1);

    // Replenishment: two rules below min with nothing on hand; Check now raises one suggestion each.
    const wh = await tenant.as<{ data: { id: string }[] }>('GET', '/api/v1/inventory/warehouses');
    const cap = await tenant.as<{ id: string }>('POST', '/api/v1/inventory/products', { sku: 'CAP', name: 'Cap' });
    await tenant.as('POST', '/api/v1/inventory/reorder-rules', {
      product: cap.id,
      warehouse: wh.data[0]?.id,
      min: '5',
      max: '20',
      multiple: '6',
    });
    await open(p, tenant.app('/inventory/reorder'));
    // A rule whose max is below its min is refused, named on the field.
    await p.getByRole('button', { name: 'New rule' }).click();
    const rule = p.getByRole('dialog', { name: 'New reorder rule' });
    await rule.getByLabel('Product').selectOption({ label: 'SHIRT · Shirt' });
    await rule.getByLabel('Min').fill('10');
    await rule.getByLabel('Max').fill('2');
    await rule.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => rule.locator('[aria-invalid="true"][name="max"]').count()).toBe(1);
    await rule.getByLabel('Max').fill('12');
    await rule.getByRole('button', { name: 'Save' }).click();
    const rules = p.getByRole('table', { name: 'Reorder rules' });
    await expect.poll(() => rules.getByRole('row').count()).toBe(3);
    // Editing it: a multiple of 0 is named on the field, then 4 is saved.
    await p.getByRole('button', { name: 'Edit rule of SHIRT · Shirt' }).click();
    const edit = p.getByRole('dialog', { name: 'Edit reorder rule' });
    await edit.getByLabel('Multiple').fill('0');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => edit.locator('[aria-invalid="true"][name="multiple"]').count()).toBe(1);
    await edit.getByLabel('Multiple').fill('4');
    await edit.getByRole('button', { name: 'Save' }).click();
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator; innerText is the text as shown
    await expect.poll(() => rules.getByRole('row', { name: /SHIRT · Shirt/ }).innerText()).toMatch(/WH\s*10\s*12\s*4/);
    await p.getByRole('button', { name: 'Check now' }).click();
    const open_ = p.getByRole('table', { name: 'Open replenishment suggestions' });
    await expect.poll(() => open_.getByRole('row').count()).toBe(3);
    // forecast 0, max 20, multiple 6 → 24.
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator; innerText is the text as shown
    expect(await open_.getByRole('row', { name: /CAP · Cap/ }).innerText()).toMatch(/WH\s*0\s*24/);
    await p.getByRole('button', { name: 'Dismiss SHIRT · Shirt' }).click();
    await expect.poll(() => open_.getByRole('row').count()).toBe(2);
    await p.getByRole('button', { name: 'Accept CAP · Cap' }).click();
    await p.waitForURL(/\/inventory\/operations\/[0-9a-f-]{36}$/);
    await expect.poll(() => p.getByTestId('operation-state').textContent()).toBe('draft');
    expect(await p.getByRole('row', { name: /CAP · Cap/ }).textContent()).toContain('24');

    // Import: 3 rows, one with a wrong check digit; the progress and the row error are shown.
    await open(p, tenant.app('/inventory/import'));
    const csv = 'sku,name,barcode,quantity\nPEN,Pen,,5\nINK,Ink,4006381333932,2\nPAD,"Pad, A5",,3\n';
    await p.getByLabel('CSV file').setInputFiles({ name: 'stock.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await p.getByRole('button', { name: 'Import' }).click();
    await expect
      .poll(() => p.getByTestId('import-summary').textContent(), { timeout: 30_000 })
      .toMatch(/3 of 3 rows · 2 new products · 2 counted ·\s*1 failed/);
    expect(await p.getByRole('heading', { name: 'stock.csv: completed' }).count()).toBe(1);
    const failed = p.getByRole('table', { name: 'Rows not imported' });
    expect(await failed.getByRole('cell', { name: 'barcode' }).count()).toBe(1);
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator; innerText is the text as shown
    expect(await failed.getByRole('row').nth(1).innerText()).toMatch(/^2\s*barcode/);
    expect((await tenant.as<{ data: unknown[] }>('GET', '/api/v1/inventory/products?q=Pad')).data).toHaveLength(1);
    await checkPages(p, tenant, [
      ['import', p.url()],
      ['product-variants', tenant.app(`/inventory/products/${shirt.id}`)],
      ['reorder', tenant.app('/inventory/reorder')],
    ]);
  });

  it('scans an EAN-13 from the camera into a count, cancels the camera, and says so when it is refused', async () => {
    const tenant = await createTenant(platform, { prefix: 'invcam', crm: false });
    await tenant.as('POST', '/api/v1/core/addons/inventory/enable', {});
    const count = await tenant.as<{ id: string }>('POST', '/api/v1/inventory/counts', {
      locationId: await stockId(tenant),
    });
    const url = tenant.app(`/inventory/counts/${count.id}`);
    await tenant.as('POST', '/api/v1/inventory/products', {
      sku: 'CAM-1',
      name: 'Camera mug',
      barcode: '4006381333931',
    });
    const dir = mkdtempSync(join(tmpdir(), 'elevate-camera-'));
    const video = join(dir, 'ean13.y4m');
    writeFileSync(video, await y4mOf('4006381333931'));
    // A code in the picture: decoded, it is scanned into the count as the field's Enter would.
    const filmed = await launchBrowser([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    try {
      const context = await newContext(filmed, 1280);
      const p = await context.newPage();
      page = p;
      await signIn(p, tenant);
      await open(p, url);
      await p.getByRole('button', { name: 'Scan with camera' }).click();
      await expect
        .poll(() => p.getByTestId('scan-status').textContent(), { timeout: 15_000 })
        .toBe('CAM-1 · Camera mug: counted 1');
      expect(await p.getByRole('dialog', { name: 'Scan with camera' }).isVisible()).toBe(false);
      await expect.poll(() => p.getByRole('cell', { name: 'CAM-1' }).count()).toBe(1);
      // A receipt's product line takes the camera too: the decoded barcode picks the product.
      await open(p, tenant.app('/inventory/operations/new?kind=receipt'));
      await p.getByRole('button', { name: 'Scan with camera, line 1' }).click();
      await expect
        .poll(() => p.getByLabel('Product, line 1', { exact: true }).inputValue(), { timeout: 15_000 })
        .toBe('CAM-1 · Camera mug');
      expect(await p.getByRole('dialog', { name: 'Scan with camera' }).isVisible()).toBe(false);
      page = undefined;
      await context.close();
    } finally {
      await filmed.close();
      rmSync(dir, { recursive: true, force: true });
    }

    // Chromium's fake camera (a test pattern, no barcode in it), granted or refused without asking.
    for (const answer of ['allow', 'deny'] as const) {
      const camera = await launchBrowser([
        '--use-fake-device-for-media-stream',
        answer === 'allow' ? '--use-fake-ui-for-media-stream' : '--use-fake-ui-for-media-stream=deny',
      ]);
      try {
        const context = await newContext(camera, 1280);
        const p = await context.newPage();
        page = p;
        await signIn(p, tenant);
        await open(p, url);
        await p.getByRole('button', { name: 'Scan with camera' }).click();
        const dialog = p.getByRole('dialog', { name: 'Scan with camera' });
        await dialog.waitFor();
        if (answer === 'allow') {
          await expect
            .poll(() => dialog.getByTestId('camera-status').textContent())
            .toBe('Hold the barcode in the frame.');
          // The fake camera's picture plays in the dialog.
          await expect
            .poll(() => dialog.getByTestId('camera-video').evaluate((v: HTMLVideoElement) => v.videoWidth))
            .toBeGreaterThan(0);
          const stream = await dialog
            .getByTestId('camera-video')
            .evaluateHandle((v: HTMLVideoElement) => v.srcObject as MediaStream);
          const live = () => stream.evaluate((st) => st.getTracks().filter((t) => t.readyState === 'live').length);
          expect(await live()).toBeGreaterThan(0);
          await dialog.getByRole('button', { name: 'Cancel' }).click();
          await dialog.waitFor({ state: 'hidden' });
          // The camera is stopped with the dialog.
          await expect.poll(live).toBe(0);
        } else {
          await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('Camera access was refused');
          await screenshot(p, 'inventory-count-camera-refused-1280');
          await p.keyboard.press('Escape');
          await dialog.waitFor({ state: 'hidden' });
        }
        // The scan field is still there for a handheld scanner.
        expect(await p.getByLabel(/Scan a barcode/).isVisible()).toBe(true);
        page = undefined;
        await context.close();
      } finally {
        await camera.close();
      }
    }
  });
});

/**
 * A one-frame Y4M video (what Chromium's fake camera plays, looped) of an EAN-13 drawn by bwip-js:
 * its PNG (8-bit RGBA) unpacked into the luma plane of a 640 × 480 white frame, chroma neutral.
 */
async function y4mOf(ean13: string): Promise<Buffer> {
  const png = await toBuffer({
    bcid: 'ean13',
    text: ean13,
    scale: 3,
    height: 20,
    includetext: true,
    backgroundcolor: 'FFFFFF',
  });
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (png[24] !== 8 || png[25] !== 6)
    throw new Error(`expected an 8-bit RGBA PNG, got depth ${png[24]} type ${png[25]}`);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x] as number;
      const a = x >= 4 ? (pixels[y * stride + x - 4] as number) : 0;
      const b = y > 0 ? (pixels[(y - 1) * stride + x] as number) : 0;
      const c = x >= 4 && y > 0 ? (pixels[(y - 1) * stride + x - 4] as number) : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter as number] ?? 0;
      pixels[y * stride + x] = (v + pred) & 0xff;
    }
  }
  const W = 640;
  const H = 480;
  if (width > W || height > H) throw new Error(`barcode ${width}×${height} does not fit the frame`);
  const luma = Buffer.alloc(W * H, 235);
  const left = (W - width) >> 1;
  const top = (H - height) >> 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * stride + x * 4;
      const alpha = (pixels[i + 3] as number) / 255;
      const grey = (pixels[i] as number) * alpha + 255 * (1 - alpha);
      luma[(top + y) * W + left + x] = 16 + Math.round((grey * 219) / 255);
    }
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F30:1 Ip A1:1 C420jpeg\nFRAME\n`), luma, chroma]);
}

async function stockId(tenant: Awaited<ReturnType<typeof createTenant>>): Promise<string> {
  const r = await tenant.as<{ data: { id: string }[] }>('GET', '/api/v1/inventory/locations?q=WH%2FStock&limit=5');
  const hit = r.data.find((l) => (l as { fullName?: string }).fullName === 'WH/Stock');
  if (!hit) throw new Error('no WH/Stock');
  return hit.id;
}

/**
 * The crawl's checks (crawl.ts `visit`: no error page, console error or page error; axe at 1440;
 * nothing off-screen or scrolling sideways at 375) on `pages`, light and dark, with a screenshot of
 * each (web/test/screenshots/inventory-<name>-<width>-<theme>.png).
 */
const checkPages = pageChecker('inventory');
