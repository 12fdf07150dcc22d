// Money and time zones in the browser: Admin → Exchange rates (company currency, add a rate in the
// modal, a field error, edit, delete), and dates rendered with the user's profile time zone — the
// same text in the server's HTML and after hydration, for a user in UTC−8 and one in UTC+5:30,
// whatever the browser's own time zone.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

let platform: Platform | undefined;
let browser: Browser;
let page: Page | undefined;
const contexts: BrowserContext[] = [];
const plain = (s: string | null | undefined) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();

beforeAll(async () => {
  ({ platform, browser } = await startAll());
}, 90_000);

afterEach(async (ctx) => {
  await afterBrowserTest(ctx.task, page, contexts);
  page = undefined;
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('exchange rates screen', { timeout: 120_000 }, () => {
  it('sets the company currency, adds a rate (refusing a bad one on its field), edits and deletes it', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'rates' });
    const context = await newContext(browser, 1440);
    contexts.push(context);
    page = await context.newPage();
    await signIn(page, t);
    await open(page, t.app('/admin/exchange-rates'));
    await page.getByRole('heading', { name: 'Exchange rates' }).waitFor();

    await page.getByLabel('Company currency').selectOption('EUR');
    await page.getByRole('button', { name: 'Save currency' }).click();
    await expect
      .poll(async () => (await t.as<{ currency: string }>('GET', '/api/v1/core/money/settings')).currency)
      .toBe('EUR');

    await page.getByRole('button', { name: 'Add rate' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('From', { exact: true }).selectOption('USD');
    await dialog.getByLabel('To', { exact: true }).selectOption('EUR');
    await dialog.getByLabel(/^Rate/).fill('1e3');
    await dialog.getByLabel('Valid from').fill('2025-01-15');
    await dialog.getByRole('button', { name: 'Add rate' }).click();
    await dialog.getByText(/Rate must be a decimal string/).waitFor();
    await dialog.getByLabel(/^Rate/).fill('0.9234');
    await dialog.getByRole('button', { name: 'Add rate' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const table = page.locator('table');
    await table.getByText('1 USD = 0.9234 EUR').waitFor();
    // A date column is a calendar day: the 15th in every time zone.
    expect(await table.textContent()).toContain('Jan 15, 2025');
    await screenshot(page, 'exchange-rates-1440-light');
    await setTheme(page, 'dark');
    await screenshot(page, 'exchange-rates-1440-dark');

    await page.getByRole('button', { name: 'Edit the rate USD to EUR of Jan 15, 2025' }).click();
    await dialog.getByLabel(/^Rate/).fill('0.95');
    await dialog.getByRole('button', { name: 'Save rate' }).click();
    await table.getByText('1 USD = 0.95 EUR').waitFor();
    const found = await t.as<{ rate: string; inverse: boolean }>(
      'GET',
      '/api/v1/core/exchange-rates/lookup?from=EUR&to=USD&date=2025-02-01',
    );
    expect(found).toMatchObject({ inverse: true });

    await page.setViewportSize({ width: 375, height: 800 });
    await ready(page);
    await screenshot(page, 'exchange-rates-375-dark');
    await setTheme(page, 'light');
    await screenshot(page, 'exchange-rates-375-light');

    await page.getByRole('button', { name: 'Delete the rate USD to EUR of Jan 15, 2025' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No exchange rates yet').waitFor();
  });
});

describe('dates in the user time zone', { timeout: 120_000 }, () => {
  it('renders the same date on the server and in the browser for UTC−8 and UTC+5:30, not the browser zone', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'tz', crm: false });
    // The browser itself is in Berlin: the profile's zone must win.
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'en-US',
      timezoneId: 'Europe/Berlin',
    });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /hydration/i.test(m.text())) errors.push(m.text());
    });
    await signIn(page, t);
    // 2026-12-01T05:00Z: 9 PM on 30 November in Los Angeles, 10:30 AM on 1 December in Kolkata.
    for (const [timeZone, expected] of [
      ['America/Los_Angeles', 'Nov 30, 2026, 9:00 PM · €1,234.50'],
      ['Asia/Kolkata', 'Dec 1, 2026, 10:30 AM · €1,234.50'],
    ] as const) {
      await t.as('PUT', '/api/v1/core/account/preferences', { timeZone });
      const html = await (await context.request.get(t.app('/profile'))).text();
      const served = /data-testid="format-sample"[^>]*>([^<]*)</.exec(html)?.[1];
      expect(plain(served), `server HTML in ${timeZone}`).toBe(expected);
      await open(page, t.app('/profile'));
      expect(plain(await page.getByTestId('format-sample').textContent()), `hydrated in ${timeZone}`).toBe(expected);
    }
    // The profile card changes it too, and the page redraws with it at once.
    await page.getByLabel('Time zone', { exact: true }).selectOption('America/Los_Angeles');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Save', exact: true }).click()]);
    await ready(page);
    await expect
      .poll(async () => plain(await page?.getByTestId('format-sample').textContent()))
      .toBe('Nov 30, 2026, 9:00 PM · €1,234.50');
    expect(errors).toEqual([]);
  });
});

describe('dashboard money widgets', { timeout: 120_000 }, () => {
  it('shows won deals per currency until a rate converts them, and board totals per currency', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'won' });
    for (const [value, currency] of [
      ['1200.50', 'USD'],
      ['0.10', 'USD'],
      ['990', 'EUR'],
    ] as const) {
      const o = await t.as<{ id: string }>('POST', '/api/v1/crm/opportunities', {
        title: `${value} ${currency}`,
        value,
        currency,
      });
      await t.as('POST', `/api/v1/crm/opportunities/${o.id}/win`, {});
    }
    await t.as('POST', '/api/v1/crm/opportunities', { title: 'Open yen', value: '5000', currency: 'JPY' });
    const context = await newContext(browser, 1440);
    contexts.push(context);
    page = await context.newPage();
    await signIn(page, t);
    const won = page.getByRole('region', { name: 'Won this month' });
    await won.waitFor();
    expect(plain(await won.textContent())).toContain('€990.00');
    expect(plain(await won.textContent())).toContain('$1,200.60');
    expect(plain(await won.textContent())).toContain('Not added together');
    expect(plain(await page.getByRole('region', { name: 'Open pipeline' }).textContent())).toContain('¥5,000');
    await screenshot(page, 'dashboard-money-1440-light');

    const today = new Date().toISOString().slice(0, 10);
    await t.as('POST', '/api/v1/core/exchange-rates', { from: 'EUR', to: 'USD', rate: '1.1', validOn: today });
    await open(page, t.app());
    // 990 × 1.1 = 1089.00 USD, + 1200.60 = 2289.60 USD.
    await won.getByText('$2,289.60').waitFor();
    expect(plain(await won.textContent())).toContain('converted at today');
    await page.setViewportSize({ width: 375, height: 800 });
    await setTheme(page, 'dark');
    await screenshot(page, 'dashboard-money-375-dark');
    await page.setViewportSize({ width: 1440, height: 860 });
    await open(page, t.app('/crm/pipeline'));
    await page.getByRole('heading', { name: 'Pipeline', level: 1 }).waitFor();
    expect(plain(await page.locator('main').textContent())).toContain('€990.00 · $1,200.60');
    await screenshot(page, 'pipeline-money-1440-dark');
  });
});
