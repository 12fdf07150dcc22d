// The inventory addon in the browser: a manager creates a product with a barcode from the
// products list, receives 10 on its page, and a second signed-in page showing the same product
// follows the stock live (inventory.stock.changed through the outbox and the live channel).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { afterBrowserTest, createTenant, newContext, open, type Platform, signIn, startAll } from './platform.ts';

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

async function signedInPage(tenant: Awaited<ReturnType<typeof createTenant>>): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  const p = await context.newPage();
  await signIn(p, tenant);
  return p;
}

describe('inventory', { timeout: 120_000 }, () => {
  it('creates a product with a barcode, receives stock, and a second page sees it live', async () => {
    const tenant = await createTenant(platform, { prefix: 'inv', crm: false });
    await tenant.as('POST', '/api/v1/core/addons/inventory/enable', {});
    page = await signedInPage(tenant);

    await page.getByRole('link', { name: 'Products', exact: true }).click();
    await page.waitForURL(tenant.app('/inventory'));
    await page.getByRole('button', { name: 'New product' }).click();
    const dialog = page.getByRole('dialog', { name: 'New product' });
    await dialog.getByLabel('SKU').fill('MUG-01');
    await dialog.getByLabel('Name').fill('Blue mug');
    // A wrong check digit is named under the field, nothing is saved.
    await dialog.getByLabel('Barcode').fill('4006381333932');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.getByText('wrong check digit').count()).toBe(1);
    await dialog.getByLabel('Barcode').fill('4006381333931');
    await dialog.getByLabel('Sale price').fill('12.50');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/inventory\/products\/[0-9a-f-]{36}$/);
    await expect.poll(() => page?.getByRole('heading', { level: 1 }).textContent()).toBe('Blue mug');
    expect(await page.getByTestId('on-hand').textContent()).toContain('On hand: 0');

    // A second signed-in page on the same product, left alone: it must update by itself.
    const watcher = await signedInPage(tenant);
    await open(watcher, page.url());
    expect(await watcher.getByTestId('on-hand').textContent()).toContain('On hand: 0');

    await page.getByRole('button', { name: 'Receive stock' }).click();
    const receive = page.getByRole('dialog', { name: 'Receive stock' });
    await receive.getByLabel(/Quantity/).fill('10');
    await receive.getByRole('button', { name: 'Receive' }).click();
    await expect.poll(() => page?.getByTestId('on-hand').textContent()).toContain('On hand: 10');
    expect(await page.getByRole('cell', { name: 'WH/Stock' }).count()).toBeGreaterThan(0);
    await expect.poll(() => watcher.getByTestId('on-hand').textContent(), { timeout: 15_000 }).toContain('On hand: 10');

    // The move is in the moves list.
    await open(page, tenant.app('/inventory/moves'));
    expect(await page.getByRole('cell', { name: 'MUG-01' }).count()).toBe(1);
    expect(await page.getByRole('cell', { name: 'receipt' }).count()).toBe(1);
  });
});
