// Lots and serial numbers in the browser, kept short (the API tests in addons/inventory/test/lots.test.ts
// cover the rules): a serial-tracked product made with the product form, a receipt whose serials are
// asked on its line (a serial given twice is named there first), the lot list and a serial's page with
// its stock and traceability; the crawl's checks and screenshots at 1440 and 375 px. Printable labels
// for a product (its EAN-13) and a serial (Code 128), and what of them reaches paper.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, visit } from './crawl.ts';
import {
  afterBrowserTest,
  createTenant,
  newContext,
  open,
  type Platform,
  ready,
  screenshot,
  setTheme,
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

describe('inventory lots and serial numbers', { timeout: 180_000 }, () => {
  it('tracks a product by serial, receives serials on the receipt line and traces one', async () => {
    const tenant = await createTenant(platform, { prefix: 'invlots', crm: false });
    await tenant.as('POST', '/api/v1/core/addons/inventory/enable', {});
    const context = await newContext(browser, 1440);
    contexts.push(context);
    page = await context.newPage();
    const p = page;
    const consoleErrors: string[] = [];
    p.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    p.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await signIn(p, tenant);

    // The product form's tracking choice.
    await open(p, tenant.app('/inventory'));
    await p.getByRole('button', { name: 'New product' }).click();
    const dialog = p.getByRole('dialog', { name: 'New product' });
    await dialog.getByLabel('SKU').fill('DRILL-1');
    await dialog.getByLabel('Name').fill('Cordless drill');
    await dialog.getByLabel('Tracking').selectOption({ label: 'By unique serial number' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await p.waitForURL(/\/inventory\/products\/[0-9a-f-]{36}$/);
    await expect.poll(() => p.getByText('tracked by serial numbers').count()).toBe(1);

    // A receipt: the line asks for serial numbers once the product is picked; a serial twice is named.
    await open(p, tenant.app('/inventory/operations/new?kind=receipt'));
    await p.getByLabel('Product, line 1').fill('DRILL-1');
    const serials = p.getByLabel('Serial numbers, line 1');
    await serials.waitFor();
    await serials.fill('SN-100, SN-101 SN-100');
    await p.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => p.getByText('Serial numbers: SN-100 is given twice').count()).toBe(1);
    expect(await serials.getAttribute('aria-invalid')).toBe('true');
    const formUrl = p.url();
    await screenshot(p, 'inventory-lots-receipt-1440');
    await serials.fill('SN-100, SN-101');
    await p.getByRole('button', { name: 'Validate' }).click();
    await p.waitForURL(/\/inventory\/operations\/[0-9a-f-]{36}$/);
    await expect.poll(() => p.getByTestId('operation-state').textContent()).toBe('done');
    expect(await p.getByRole('cell', { name: 'SN-101' }).count()).toBe(1);

    // The lot list, and the serial's page: where it is, and the moves it went through.
    await open(p, tenant.app('/inventory/lots'));
    await p
      .getByRole('link', { name: /SN-100/ })
      .first()
      .click();
    await p.waitForURL(/\/inventory\/lots\/[0-9a-f-]{36}$/);
    await expect.poll(() => p.getByTestId('lot-on-hand').textContent()).toContain('On hand: 1');
    expect(await p.getByRole('cell', { name: 'Partners/Suppliers' }).count()).toBe(1);
    const lotUrl = p.url();
    await p.getByRole('link', { name: 'Print labels' }).click();
    await p.waitForURL(/\/lots\/[0-9a-f-]{36}\/labels$/);
    await ready(p);
    // A serial names one item: one label by default, its name as Code 128.
    expect(await p.getByTestId('label').count()).toBe(1);
    expect(await p.getByRole('img', { name: 'Code 128 barcode SN-100' }).count()).toBe(1);
    expect(await p.getByTestId('label').textContent()).toContain('Serial SN-100');

    // A draft receipt (as an accepted replenishment makes): its serials are asked on the operation page.
    const product = (await tenant.as<{ data: { id: string }[] }>('GET', '/api/v1/inventory/products?q=DRILL-1'))
      .data[0];
    const draft = await tenant.as<{ id: string }>('POST', '/api/v1/inventory/operations', {
      kind: 'receipt',
      state: 'draft',
      reference: 'PO-7',
      lines: [{ productId: product?.id, quantity: '2' }],
    });
    await open(p, tenant.app(`/inventory/operations/${draft.id}`));
    await p.getByLabel('DRILL-1 · Cordless drill × 2').fill('SN-200');
    await p.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => p.getByText(/must name one serial number per unit: 2, not 1/).count()).toBe(1);
    await p.getByLabel('DRILL-1 · Cordless drill × 2').fill('SN-200, SN-201');
    await p.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => p.getByTestId('operation-state').textContent()).toBe('done');
    expect(await p.getByRole('cell', { name: 'SN-201' }).count()).toBe(1);
    const draftUrl = p.url();

    // A count of WH/Stock per serial: the product's own code asks for the serial, which the next
    // scan gives; a serial alone names its product; the same serial twice is refused.
    await open(p, tenant.app('/inventory/counts'));
    await p.getByRole('button', { name: 'New count' }).click();
    const start = p.getByRole('dialog', { name: 'New count' });
    await start.getByLabel('Location').selectOption({ label: 'WH/Stock' });
    await start.getByRole('button', { name: 'Start counting' }).click();
    await p.waitForURL(/\/inventory\/counts\/[0-9a-f-]{36}$/);
    await expect.poll(() => p.evaluate(() => document.activeElement?.id)).toBe('scan-code');
    await p.keyboard.type('DRILL-1\n');
    await expect.poll(() => p.getByTestId('scan-status').textContent()).toContain('now scan or type its serial number');
    expect(await p.getByLabel('Serial number of DRILL-1, then Enter').count()).toBe(1);
    await p.keyboard.type('SN-100\n');
    await expect
      .poll(() => p.getByTestId('scan-status').textContent())
      .toContain('DRILL-1 · Cordless drill · SN-100: counted 1');
    await p.keyboard.type('SN-201\n');
    await expect.poll(() => p.getByTestId('scan-status').textContent()).toContain('SN-201: counted 1');
    await p.keyboard.type('SN-201\n');
    await expect
      .poll(() => p.getByTestId('scan-status').textContent())
      .toContain('Serial SN-201 is already counted on this sheet');
    // One line per serial, each against its own on hand here (1).
    const serialRow = p.getByRole('row', { name: /SN-100/ });
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator; innerText is the text as shown
    await expect.poll(() => serialRow.innerText()).toMatch(/DRILL-1.*Cordless drill.*SN-100.*1.*1/s);
    // The sheet reloads after each scan: SN-201's line shows once the reload after its scan lands.
    await expect.poll(() => p.getByRole('cell', { name: 'SN-201' }).count()).toBe(1);
    const countUrl = p.url();

    const failures: string[] = [];
    for (const width of [1440, 375]) {
      await p.setViewportSize({ width, height: 860 });
      for (const [name, url] of [
        ['lots', tenant.app('/inventory/lots')],
        ['count-serials', countUrl],
        ['lot', lotUrl],
        ['lot-labels', `${lotUrl}/labels`],
        ['receipt', formUrl],
        ['operation', draftUrl],
      ] as const) {
        const v = await visit(p, url, `/t/${tenant.slug}`, consoleErrors, { axe: width === 1440, narrow: width < 640 });
        for (const f of v.failures) failures.push(`${name} ${width}: ${f.kind}: ${f.detail}`);
        if (name === 'receipt') {
          await p.getByLabel('Product, line 1').fill('DRILL-1');
          await p.getByLabel('Serial numbers, line 1').fill('SN-102');
          // The crawl's axe ran before the line asked for serials: check the form as it is now too.
          if (width === 1440) for (const a of await axeViolations(p)) failures.push(`receipt with serials: ${a}`);
        }
        await screenshot(p, `inventory-lots-${name}-${width}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('prints a sheet of a product’s labels: its EAN-13, SKU, name and price, without the app around them', async () => {
    const tenant = await createTenant(platform, { prefix: 'invlabels', crm: false });
    await tenant.as('POST', '/api/v1/core/addons/inventory/enable', {});
    const mug = await tenant.as<{ id: string }>('POST', '/api/v1/inventory/products', {
      sku: 'MUG-1',
      name: 'Enamel mug',
      barcode: '4006381333931',
      salePrice: '12.50',
      currency: 'EUR',
    });
    const context = await newContext(browser, 1440);
    contexts.push(context);
    page = await context.newPage();
    const p = page;
    const consoleErrors: string[] = [];
    p.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    p.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await signIn(p, tenant);

    await open(p, tenant.app(`/inventory/products/${mug.id}`));
    await p.getByRole('link', { name: 'Print labels' }).click();
    await p.waitForURL(/\/labels$/);
    await ready(p);
    const labels = p.getByTestId('label');
    expect(await labels.count()).toBe(12);
    expect(await p.getByRole('img', { name: 'EAN-13 barcode 4006381333931' }).count()).toBe(12);
    const text = ((await labels.first().textContent()) ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('Enamel mug');
    expect(text).toContain('SKU MUG-1');
    expect(text).toMatch(/€12\.50/);
    await p.getByLabel('Copies').fill('4');
    await expect.poll(() => labels.count()).toBe(4);
    const rows = () =>
      labels.evaluateAll((els) => new Set(els.map((e) => Math.round(e.getBoundingClientRect().top))).size);
    expect(await rows()).toBe(1);

    // On paper: the labels only (no sidebar, top bar, page header or controls), three to a row.
    await p.emulateMedia({ media: 'print' });
    expect(await p.getByTestId('tenant-name').isVisible()).toBe(false);
    expect(await p.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    expect(await p.getByRole('heading', { name: 'Labels for Enamel mug' }).isVisible()).toBe(false);
    expect(await rows()).toBe(2);
    await screenshot(p, 'inventory-labels-print-1440');
    await p.emulateMedia({ media: 'screen' });

    const url = tenant.app(`/inventory/products/${mug.id}/labels`);
    const failures: string[] = [];
    for (const theme of ['light', 'dark'] as const) {
      await open(p, url);
      await setTheme(p, theme);
      for (const width of [1440, 375]) {
        await p.setViewportSize({ width, height: 860 });
        const v = await visit(p, url, `/t/${tenant.slug}`, consoleErrors, { axe: width === 1440, narrow: width < 640 });
        for (const f of v.failures) failures.push(`${theme} ${width}: ${f.kind}: ${f.detail}`);
        await screenshot(p, `inventory-labels-${theme}-${width}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
