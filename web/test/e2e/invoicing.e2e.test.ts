// Invoicing in the browser: the owner opens a confirmed order, creates its invoice, posts it,
// records a partial payment (an amount over what is due is refused under its field first), sees
// the status "Partly paid", finds the invoice in the list and the customer in the aged receivables.
// Then the crawl's checks (no error, axe at 1440, nothing sideways at 375) with screenshots of the
// new pages, light and dark.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pageChecker } from './check-pages.ts';
import {
  afterBrowserTest,
  createTenant,
  newContext,
  open,
  type Platform,
  signIn,
  startAll,
  type Tenant,
} from './platform.ts';

let platform: Platform;
let browser: Browser;
let page: Page | undefined;
const contexts: BrowserContext[] = [];
// A refresh after an action reloads the page's data (several requests): on a busy machine that
// takes longer than expect.poll's default second.
const POLL = { timeout: 15_000 };

beforeAll(async () => {
  ({ platform, browser } = await startAll());
}, 90_000);
afterEach(async ({ task }) => afterBrowserTest(task, page, contexts));
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function confirmedOrder(tenant: Tenant) {
  await tenant.as('POST', '/api/v1/core/addons/sales/enable', {});
  const who = await tenant.as<{ id: string }>('POST', '/api/v1/crm/contacts', {
    name: 'Grace Hopper',
    email: 'grace@example.test',
  });
  const vat = await tenant.as<{ id: string }>('POST', '/api/v1/sales/taxes', { name: 'VAT 20%', rate: '20' });
  const order = await tenant.as<{ id: string; number: string }>('POST', '/api/v1/sales/orders', {
    contactId: who.id,
    currency: 'USD',
    lines: [
      { description: 'Compiler audit', quantity: '2', unitPrice: '150', taxIds: [vat.id] },
      { description: 'Training day', unitPrice: '400' },
    ],
  });
  await tenant.as('POST', `/api/v1/sales/orders/${order.id}/confirm`, {});
  // A quote waiting for its answer, for the dashboard widget.
  const q = await tenant.as<{ id: string }>('POST', '/api/v1/sales/quotes', {
    contactId: who.id,
    currency: 'EUR',
    lines: [{ description: 'Follow-up', unitPrice: '99' }],
  });
  await tenant.as('POST', `/api/v1/sales/quotes/${q.id}/send`, {});
  return { order, contactId: who.id };
}

describe('invoicing', { timeout: 300_000 }, () => {
  it('order → invoice → posted → partial payment → partly paid, in the list and the aged receivables', async () => {
    const tenant = await createTenant(platform, { prefix: 'invoicing' });
    const { order } = await confirmedOrder(tenant);
    const c = await newContext(browser, 1440);
    contexts.push(c);
    page = await c.newPage();
    await signIn(page, tenant);

    await open(page, tenant.app(`/sales/orders/${order.id}`));
    await page.getByRole('button', { name: 'Create invoice' }).click();
    await page.waitForURL(/\/sales\/invoices\/[0-9a-f-]{36}$/);
    const invoiceUrl = page.url();
    await expect.poll(() => page?.getByTestId('invoice-status').textContent()).toBe('Draft');
    // 2 × 150 = 300 + 20 % = 360, + 400 → 760.00 untaxed 700.00.
    expect(await page.getByTestId('total-total').textContent()).toBe('$760.00');
    expect(await page.getByTestId('invoice-line').count()).toBe(2);

    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await expect.poll(() => page?.getByTestId('invoice-status').textContent(), POLL).toBe('Unpaid');
    const heading = await page.getByRole('heading', { level: 1 }).textContent();
    expect(heading).toMatch(/^Invoice INV\/\d{4}\/00001$/);
    expect(await page.getByTestId('installment').count()).toBe(1);

    // Record a payment: too much is refused under the amount; then 300 of 760.
    await page.getByRole('button', { name: 'Record payment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Record a payment' });
    expect(await dialog.getByLabel('Amount (USD)').inputValue()).toBe('760');
    await dialog.getByLabel('Amount (USD)').fill('900');
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    const amountError = dialog.locator('#pay-amount-error');
    await amountError.waitFor();
    expect(await dialog.getByLabel('Amount (USD)').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Amount (USD)').fill('300');
    await dialog.getByLabel('Reference').fill('Wire 42');
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    await expect.poll(() => page?.getByTestId('invoice-status').textContent(), POLL).toBe('Partly paid');
    expect(await page.getByTestId('amount-due').textContent()).toBe('$460.00');
    expect(await page.getByTestId('payment').textContent()).toContain('Wire 42');
    expect(await page.getByTestId('invoice-timeline').textContent()).toContain('300.00 USD recorded (Wire 42)');

    // The list: the partly paid chip finds it, with its total per currency.
    await page.getByRole('link', { name: 'Invoices', exact: true }).click();
    await page.waitForURL(tenant.app('/sales/invoices'));
    await page.getByRole('link', { name: 'Partly paid' }).click();
    await page.waitForURL(/status=partial/);
    await expect.poll(() => page?.getByRole('link', { name: /INV\/\d{4}\/00001/ }).count(), POLL).toBeGreaterThan(0);
    expect(await page.getByTestId('invoice-totals').textContent()).toContain('$460.00');

    // Aged receivables: Grace owes 460 (not due yet: due on the invoice date, which is today).
    await page.getByRole('link', { name: 'Aged receivables', exact: true }).first().click();
    await page.waitForURL(/\/sales\/reports\/aged-receivables/);
    const row = page.getByTestId('aged-row').filter({ hasText: 'Grace Hopper' });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('$460.00');

    // The dashboard's widgets: quotes awaiting (1, EUR 99) and overdue invoices (0 today).
    await page.goto(tenant.app());
    await expect.poll(() => page?.getByTestId('awaiting-count').textContent(), POLL).toBe('1');
    expect(await page.getByTestId('overdue-count').textContent()).toBe('0');

    // The crawl's checks and screenshots of the new pages with their data.
    await checkPages(page, tenant, [
      ['invoice', invoiceUrl],
      ['invoices', tenant.app('/sales/invoices')],
      ['payments', tenant.app('/sales/payments')],
      ['aged', tenant.app('/sales/reports/aged-receivables')],
      ['order', tenant.app(`/sales/orders/${order.id}`)],
      ['dashboard', tenant.app()],
    ]);
  });
});

/** crawl.ts `visit` on each page at 1440 and 375 px, light and dark; screenshots invoicing-<name>-<width>-<theme>. */
const checkPages = pageChecker('invoicing');
