// The stock valuation page in the browser: a receipt of known value in each of two warehouses, then
// the page's totals per warehouse, the product's row, the chart of the last days, one warehouse
// picked (its cards and chart), and an `as of` date picked before the receipts (nothing valued then). The crawl's checks and screenshots at 1440
// and 375 px, light and dark.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pageChecker } from './check-pages.ts';
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

describe('inventory valuation page', { timeout: 180_000 }, () => {
  it('shows the value of known receipts per warehouse, per product, on the chart and as of a past date', async () => {
    const tenant = await createTenant(platform, { prefix: 'invval', crm: false });
    await tenant.as('POST', '/api/v1/core/addons/inventory/enable', {});
    const product = await tenant.as<{ id: string }>('POST', '/api/v1/inventory/products', {
      sku: 'VAL-1',
      name: 'Valued mug',
    });
    const w2 = await tenant.as<{ id: string; stockLocation: string }>('POST', '/api/v1/inventory/warehouses', {
      code: 'W2',
      name: 'Second warehouse',
    });
    // 12 × 2.50 = 30.00 into WH/Stock; 3 × 4.00 = 12.00 into W2/Stock: 42.00 in all.
    await tenant.as('POST', '/api/v1/inventory/operations', {
      kind: 'receipt',
      reference: 'PO-VAL',
      lines: [{ productId: product.id, quantity: '12', unitCost: '2.50' }],
    });
    await tenant.as('POST', '/api/v1/inventory/receipts', {
      productId: product.id,
      quantity: '3',
      unitCost: '4.00',
      locationId: w2.stockLocation,
    });

    const context = await newContext(browser, 1440);
    contexts.push(context);
    page = await context.newPage();
    const p = page;
    await signIn(p, tenant);
    // From the menu, like the other inventory pages.
    await open(p, tenant.app('/inventory'));
    await p.getByRole('link', { name: 'Valuation' }).first().click();
    await p.waitForURL(/\/inventory\/valuation/);
    await expect.poll(() => p.getByTestId('valuation-total').textContent()).toContain('42.00');
    const cards = await p.getByTestId('valuation-warehouse').allTextContents();
    // Each warehouse's value is its own layers': W2 12.00, WH 30.00.
    expect(cards.map((c) => c.replace(/\s+/g, ' ').trim())).toEqual([
      'W2 · Second warehouse $12.00',
      'WH · Main warehouse $30.00',
    ]);
    const row = p.getByRole('row', { name: /VAL-1 .*Valued mug/ });
    await expect.poll(() => row.textContent()).toContain('42.00');
    // The chart's last point (today) is the value now.
    const chart = p.getByRole('img', { name: /Stock value from/ });
    expect(await chart.getAttribute('aria-label')).toMatch(/\(\$42\.00\)$/);

    // One warehouse: its total, its rows and its chart (12.00 today).
    await p.getByLabel('Warehouse', { exact: true }).selectOption(w2.id);
    await p.getByRole('button', { name: 'Show' }).click();
    await p.waitForURL(new RegExp(`warehouse=${w2.id}`));
    await expect
      .poll(async () => (await p.getByTestId('valuation-total').textContent())?.replace(/\s+/g, ' ').trim())
      .toBe('W2 · Second warehouse $12.00');
    expect(await p.getByTestId('valuation-warehouse').count()).toBe(0);
    expect(await p.getByRole('heading', { name: /Stock value of W2 · Second warehouse in USD/ }).count()).toBe(1);
    expect(await p.getByRole('img', { name: /Stock value from/ }).getAttribute('aria-label')).toMatch(/\(\$12\.00\)$/);
    await p.getByLabel('Warehouse', { exact: true }).selectOption('');

    // As of a day before the receipts: nothing was valued.
    const before = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    await p.getByLabel('As of').fill(before);
    await p.getByRole('button', { name: 'Show' }).click();
    await p.waitForURL(new RegExp(`at=${before}`));
    await expect.poll(() => p.getByTestId('valuation-total').textContent()).toContain('0.00');
    await expect.poll(() => p.getByText(`No valued stock as of the end of ${before}.`).count()).toBe(1);
    expect(await p.getByTestId('as-of-marker').count()).toBe(1);

    await checkPages(p, tenant, [
      ['valuation', tenant.app('/inventory/valuation?days=30')],
      ['valuation-90', tenant.app(`/inventory/valuation?days=90&at=${before}`)],
      ['valuation-w2', tenant.app(`/inventory/valuation?warehouse=${w2.id}`)],
    ]);

    // A product valued in euros: never added to the dollars; one total per currency, the chart
    // in the company's currency with a switch to the other.
    const euro = await tenant.as<{ id: string }>('POST', '/api/v1/inventory/products', {
      sku: 'VAL-EUR',
      name: 'Euro mug',
      currency: 'EUR',
    });
    await tenant.as('POST', '/api/v1/inventory/operations', {
      kind: 'receipt',
      reference: 'PO-EUR',
      lines: [{ productId: euro.id, quantity: '5', unitCost: '2.00' }],
    });
    await open(p, tenant.app('/inventory/valuation'));
    await expect
      .poll(async () =>
        (await p.getByTestId('valuation-total').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim()),
      )
      .toEqual(['All warehouses · EUR €10.00', 'All warehouses · USD $42.00']);
    await expect.poll(() => p.getByRole('row', { name: /VAL-EUR .*Euro mug/ }).textContent()).toContain('€10.00');
    expect(await p.getByRole('img', { name: /Stock value from/ }).getAttribute('aria-label')).toMatch(/\(\$42\.00\)$/);
    await p.getByRole('navigation', { name: 'Chart currency' }).getByRole('link', { name: 'EUR' }).click();
    await p.waitForURL(/currency=EUR/);
    await expect
      .poll(() => p.getByRole('img', { name: /Stock value from/ }).getAttribute('aria-label'))
      .toMatch(/\(€10\.00\)$/);

    // The total in the company currency: first no EUR → USD rate (the owner gets the link to add
    // one), then 42.00 + 10.00 × 1.1 = 53.00 USD.
    const card = p.getByTestId('valuation-converted');
    await expect.poll(() => card.textContent()).toContain('No exchange rate from EUR to USD');
    expect(await card.getByRole('link', { name: 'Add a rate' }).getAttribute('href')).toMatch(
      /\/admin\/exchange-rates$/,
    );
    await tenant.as('POST', '/api/v1/core/exchange-rates', {
      from: 'EUR',
      to: 'USD',
      rate: '1.1',
      validOn: '2020-01-01',
    });
    await open(p, tenant.app('/inventory/valuation'));
    await expect
      .poll(async () => (await card.textContent())?.replace(/\s+/g, ' ').trim())
      .toMatch(/^All warehouses in USD \$53\.00 1 EUR = 1\.1 USD \(/);
  });
});

/** The crawl's checks on `pages` at 1440 and 375 px, light and dark, with a screenshot of each. */
const checkPages = pageChecker('inventory');
