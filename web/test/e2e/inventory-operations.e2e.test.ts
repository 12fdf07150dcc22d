// Inventory operations in the browser (issue 10's e2e): create a product with a barcode, receive 10
// through the operation form (a bad line is named under its field first), scan it into a count with
// the keyboard-wedge scan field (Enter-terminated codes, focus kept), deliver 3 (a shortfall is named
// on the line first), and a second signed-in page on the product follows the stock live.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  afterBrowserTest,
  createTenant,
  newContext,
  open,
  type Platform,
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
    await expect.poll(() => p.getByTestId('scan-status').textContent()).toContain('no product has this barcode or SKU');
    await p.getByLabel('Quantity per scan').fill('8');
    await scan.focus();
    await p.keyboard.type(`${BARCODE}\n`);
    await expect.poll(() => p.getByTestId('scan-status').textContent()).toContain('counted 10');
    // The line: counted 10 against 10 on hand.
    const row = p.getByRole('row', { name: /MUG-01/ });
    await expect.poll(() => row.textContent()).toMatch(/MUG-01.*Blue mug.*10.*10/);
    await p.getByRole('button', { name: 'Validate' }).click();
    await p.getByRole('dialog', { name: 'Validate this count?' }).getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => p.getByText('WH/Stock · done').count()).toBe(1);
    await expect.poll(() => row.textContent()).toMatch(/Blue mug\s*10\s*10\s*0\s*$/);
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

    // Screenshots of the new pages, desktop and phone, light and dark.
    for (const [width, theme] of [
      [1440, 'light'],
      [1440, 'dark'],
      [375, 'light'],
      [375, 'dark'],
    ] as const) {
      await p.setViewportSize({ width, height: 860 });
      await setTheme(p, theme);
      for (const [name, path] of [
        ['operations', '/inventory/operations'],
        ['operation-new', '/inventory/operations/new?kind=receipt'],
        ['counts', '/inventory/counts'],
        ['reorder', '/inventory/reorder'],
        ['import', '/inventory/import'],
        ['count', countUrl],
        ['operation', operationUrl],
      ] as const) {
        await open(p, path.startsWith('http') ? path : tenant.app(path));
        await screenshot(p, `inventory-${name}-${width}-${theme}`);
      }
    }
  });
});

async function stockId(tenant: Awaited<ReturnType<typeof createTenant>>): Promise<string> {
  const r = await tenant.as<{ data: { id: string }[] }>('GET', '/api/v1/inventory/locations?q=WH%2FStock&limit=5');
  const hit = r.data.find((l) => (l as { fullName?: string }).fullName === 'WH/Stock');
  if (!hit) throw new Error('no WH/Stock');
  return hit.id;
}
