// The sales addon in the browser: the owner makes a quote with a product line in the line editor
// (live totals), sends it and takes a share link; the customer opens the link in a fresh browser
// (no session), signs on the pad and accepts; the owner finds the order, confirms it (stock
// reserved) and delivers part of it (a backorder waits for the rest). Screenshots of the public
// page, the quote form and the order at 1440 and 375 px, light and dark.
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
  type Tenant,
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

async function context(width = 1440): Promise<BrowserContext> {
  const c = await newContext(browser, width);
  contexts.push(c);
  return c;
}

async function salesTenant(): Promise<{ tenant: Tenant; productId: string }> {
  const tenant = await createTenant(platform, { prefix: 'sales' });
  await tenant.as('POST', '/api/v1/core/addons/sales/enable', {});
  const product = await tenant.as<{ id: string }>('POST', '/api/v1/inventory/products', {
    sku: 'ENG-01',
    name: 'Difference engine',
    salePrice: '12.50',
  });
  await tenant.as('POST', '/api/v1/inventory/receipts', { productId: product.id, quantity: '10' });
  await tenant.as('POST', '/api/v1/crm/contacts', { name: 'Ada Lovelace', email: 'ada@example.test' });
  await tenant.as('POST', '/api/v1/sales/taxes', { name: 'VAT 20%', rate: '20', inclusive: false });
  return { tenant, productId: product.id };
}

/** Draws a stroke on the signature pad with the mouse (pointer events). */
async function sign(p: Page): Promise<void> {
  const pad = p.getByTestId('signature-pad');
  const box = await pad.boundingBox();
  if (!box) throw new Error('no signature pad');
  await p.mouse.move(box.x + 20, box.y + box.height / 2);
  await p.mouse.down();
  for (let i = 1; i <= 12; i++) {
    await p.mouse.move(box.x + 20 + i * ((box.width - 40) / 12), box.y + box.height / 2 + (i % 2 ? -25 : 25));
  }
  await p.mouse.up();
}

/** Screenshots at 1440 and 375 px in both themes; the phone width never scrolls sideways. */
async function shoot(url: string, name: string, signedIn: Tenant | null): Promise<void> {
  for (const width of [1440, 375]) {
    const c = await context(width);
    const p = await c.newPage();
    if (signedIn) await signIn(p, signedIn);
    for (const theme of ['light', 'dark'] as const) {
      if (signedIn) {
        await open(p, url);
        await setTheme(p, theme);
      } else {
        await p.emulateMedia({ colorScheme: theme });
        await open(p, url);
        expect(await p.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(theme === 'dark');
      }
      await screenshot(p, `${name}-${width}-${theme}`);
      if (width === 375) expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    }
  }
}

describe('sales', { timeout: 240_000 }, () => {
  it('quote → share link → the customer signs and accepts → order confirmed and delivered in part', async () => {
    const { tenant, productId } = await salesTenant();
    page = await (await context()).newPage();
    await signIn(page, tenant);

    // A quote with a product line, written in the line editor.
    await page.getByRole('link', { name: 'Quotes', exact: true }).click();
    await page.waitForURL(tenant.app('/sales/quotes'));
    await page.getByRole('link', { name: 'New quote' }).click();
    await page.waitForURL(tenant.app('/sales/quotes/new'));
    await page.getByRole('combobox', { name: 'Customer' }).fill('Ada');
    await page.getByRole('option', { name: /Ada Lovelace/ }).click();
    expect(await page.getByTestId('customer-chosen').textContent()).toContain('Ada Lovelace');
    const line = page.getByTestId('line-0');
    // The product by keyboard: type, the suggestion appears, Enter takes it (with its sale price).
    const product = line.getByRole('combobox', { name: 'Product or description' });
    await product.fill('Differ');
    await line.getByRole('option', { name: /Difference engine/ }).waitFor();
    await product.press('ArrowDown');
    await product.press('Enter');
    expect(await product.inputValue()).toBe('Difference engine');
    expect(await line.getByLabel('Unit price').inputValue()).toBe('12.5');
    await line.getByLabel('Quantity').fill('3');
    await line.getByText('Taxes', { exact: true }).click();
    await line.getByRole('checkbox', { name: 'VAT 20%' }).check();
    // Live totals, as the server will compute them: 3 × 12.50 = 37.50 + 20 % = 45.00.
    await expect.poll(() => page?.getByTestId('total-total').textContent()).toBe('$45.00');
    expect(await page.getByTestId('total-tax').textContent()).toBe('$7.50');
    expect(await line.getByTestId('line-amount').textContent()).toBe('$37.50');
    await shootForm(tenant);
    await page.getByRole('button', { name: 'Create quote' }).click();
    await page.waitForURL(/\/sales\/quotes\/[0-9a-f-]{36}$/);
    const quoteUrl = page.url();
    await expect.poll(() => page?.getByTestId('quote-state').textContent()).toBe('Draft');

    // Send, then a share link.
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page?.getByTestId('quote-state').textContent()).toBe('Sent');
    await page.getByRole('button', { name: 'Share link' }).click();
    const shareUrl = await page.getByTestId('share-url').inputValue();
    expect(shareUrl).toMatch(/\/q\/[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'Done' }).click();

    // The customer: a fresh browser without a session, at phone width.
    const customer = await (await context(375)).newPage();
    await open(customer, shareUrl);
    expect(await customer.getByRole('heading', { level: 1 }).textContent()).toMatch(/Quote S\d{5}/);
    expect(await customer.getByTestId('quote-totals').textContent()).toContain('$45.00');
    expect(await customer.getByText('Difference engine').count()).toBeGreaterThan(0);
    await shoot(shareUrl, 'sales-public-quote', null);
    // Nothing signed yet: the form names what is missing.
    await customer.getByRole('button', { name: 'Accept and sign' }).click();
    await expect.poll(() => customer.getByText('Enter your full name.').count()).toBe(1);
    await customer.getByLabel('Your full name').fill('Ada Lovelace');
    await sign(customer);
    await expect.poll(() => customer.getByText('Signature drawn.').count()).toBe(1);
    await customer.getByRole('button', { name: 'Accept and sign' }).click();
    await expect.poll(() => customer.getByRole('heading', { name: 'Quote accepted' }).count()).toBe(1);
    expect(await customer.getByRole('status').textContent()).toMatch(
      /Accepted by Ada Lovelace on .*order number is SO\d{5}/s,
    );
    await shoot(shareUrl, 'sales-public-quote-accepted', null);

    // The owner sees the acceptance with the drawn signature, and the order.
    await open(page, quoteUrl);
    await expect.poll(() => page?.getByTestId('quote-state').textContent()).toBe('Accepted');
    expect(await page.getByTestId('acceptance').textContent()).toContain('Accepted by Ada Lovelace');
    expect(await page.getByRole('img', { name: 'Signature of Ada Lovelace' }).count()).toBe(1);
    await page.getByRole('link', { name: /^Order SO\d{5}$/ }).click();
    await page.waitForURL(/\/sales\/orders\/[0-9a-f-]{36}$/);
    const orderUrl = page.url();
    await expect.poll(() => page?.getByTestId('order-state').textContent()).toBe('Draft');

    // Confirm: the stock is reserved.
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await expect.poll(() => page?.getByTestId('order-state').textContent()).toBe('Confirmed');
    const reserved = await tenant.as<{ reserved: string }>('GET', `/api/v1/inventory/stock?productId=${productId}`);
    expect(Number(reserved.reserved)).toBe(3);

    // Deliver 1 of 3: the rest waits in a backorder.
    await page.getByRole('button', { name: 'Deliver', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Deliver' });
    const qty = dialog.getByLabel(/Difference engine/);
    expect(await qty.inputValue()).toBe('3');
    await qty.fill('5');
    await dialog.getByRole('button', { name: 'Validate delivery' }).click();
    await expect.poll(() => dialog.getByText('must be between 0 and 3').count()).toBe(1);
    await qty.fill('1');
    await dialog.getByRole('button', { name: 'Validate delivery' }).click();
    await expect.poll(() => page?.getByTestId('order-delivery').textContent()).toBe('Partly delivered');
    expect(await page.getByTestId('delivered').textContent()).toBe('1');
    const deliveries = await page.getByTestId('delivery').allTextContents();
    expect(deliveries).toHaveLength(2);
    expect(deliveries[1]).toMatch(/Backorder.*Waiting.*Difference engine\s*2/s);
    const stock = await tenant.as<{ onHand: string; reserved: string }>(
      'GET',
      `/api/v1/inventory/stock?productId=${productId}`,
    );
    expect([Number(stock.onHand), Number(stock.reserved)]).toEqual([9, 2]);
    expect(await page.getByText(/partially delivered/i).count()).toBeGreaterThan(0);
    await shoot(orderUrl, 'sales-order', tenant);

    // The lists: the order and the quote with their totals per currency.
    await open(page, tenant.app('/sales/orders'));
    expect(await page.getByTestId('order-totals').textContent()).toContain('$45.00');
    await open(page, tenant.app('/sales/quotes?state=accepted'));
    expect(await page.getByTestId('quote-totals').textContent()).toContain('$45.00');
    await shoot(tenant.app('/sales/quotes'), 'sales-quotes', tenant);
    await shoot(quoteUrl, 'sales-quote-accepted', tenant);
  });

  it('revising a sent quote opens its next revision as a draft; the customer’s old link says it was replaced', async () => {
    const { tenant } = await salesTenant();
    const contacts = await tenant.as<{ data: { id: string }[] }>('GET', '/api/v1/crm/contacts?q=Ada');
    const q = await tenant.as<{ id: string; number: string }>('POST', '/api/v1/sales/quotes', {
      contactId: contacts.data[0]?.id,
      currency: 'EUR',
      lines: [{ description: 'Audit', quantity: '1', unitPrice: '900' }],
    });
    await tenant.as('POST', `/api/v1/sales/quotes/${q.id}/send`, {});
    const link = await tenant.as<{ path: string }>('POST', `/api/v1/sales/quotes/${q.id}/share-links`, {});
    page = await (await context()).newPage();
    await signIn(page, tenant);
    await open(page, tenant.app(`/sales/quotes/${q.id}`));
    await page.getByRole('button', { name: 'Revise' }).click();
    await page.waitForURL((u) => /\/sales\/quotes\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(q.id));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Quote ${q.number} rev. 2`);
    await expect.poll(() => page?.getByTestId('quote-state').textContent()).toBe('Draft');
    // The draft's form holds the copied line; its unit price can change before sending again.
    expect(await page.getByTestId('line-0').getByLabel('Unit price').inputValue()).toBe('900');
    const customer = await (await context(375)).newPage();
    await open(customer, `${tenant.base}${link.path}`);
    expect(await customer.getByRole('alert').textContent()).toContain('replaced by a newer revision');
  });

  it('a link of one company opened with another company in it shows "not valid"; a wrong token too', async () => {
    const { tenant } = await salesTenant();
    const p = await (await context(375)).newPage();
    page = p;
    await open(p, `${tenant.base}/q/${'0'.repeat(32)}.${'A'.repeat(43)}`);
    expect(await p.getByRole('alert').textContent()).toContain('This link is not valid');
    await open(p, `${tenant.base}/q/nonsense`);
    expect(await p.getByRole('alert').textContent()).toContain('This link is not valid');
  });
});

/** The quote form with its line filled in, before saving (the test's own page state is kept). */
async function shootForm(tenant: Tenant): Promise<void> {
  const p = page as Page;
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(p, theme);
    await screenshot(p, `sales-quote-form-1440-${theme}`);
  }
  await setTheme(p, 'light');
  void tenant;
}
