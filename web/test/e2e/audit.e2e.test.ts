// The audit log in the browser: a contact's history panel shows who changed which field, the
// admin screen lists and filters the tenant's entries and links to their CSV export.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { afterBrowserTest, createTenant, newContext, open, type Platform, signIn, startAll } from './platform.ts';

let platform: Platform | undefined;
let browser: Browser;
let page: Page | undefined;
const contexts: BrowserContext[] = [];

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

describe('audit log screens', { timeout: 120_000 }, () => {
  it('history panel on a contact, admin list with filters and CSV export', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'audit' });
    const contact = await t.as<{ id: string }>('POST', '/api/v1/crm/contacts', { name: 'Ada Lovelace', city: 'Paris' });
    await t.as('PATCH', `/api/v1/crm/contacts/${contact.id}`, { city: 'London' });
    const context = await newContext(browser);
    contexts.push(context);
    page = await context.newPage();
    await signIn(page, t);

    await open(page, t.app(`/crm/contacts/${contact.id}`));
    const history = page.getByTestId('record-history');
    await expect.poll(() => history.textContent(), { timeout: 15_000 }).toContain('city: Paris → London');
    expect(await history.textContent()).toContain(t.owner.email);

    await open(page, t.app('/admin/audit'));
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(await page.locator('tbody').textContent()).toContain('crm.contact');
    await page.getByLabel('Action').selectOption('update');
    await page.getByLabel('Model (e.g. crm.contact)').fill('crm.contact');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=update/);
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('city: Paris → London');

    const href = await page.getByTestId('audit-export').getAttribute('href');
    expect(href).toContain('/app/api/v1/core/audit/export');
    expect(href).toContain('action=update');
    const csv = await page.request.get(new URL(href ?? '', platform.url).toString());
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('London');

    // A bad filter is named beside its field, not a crash.
    await open(page, t.app('/admin/audit?user=nobody'));
    await page.getByText('It must be an id.').waitFor();
    expect(await page.getByLabel('User id').getAttribute('aria-invalid')).toBe('true');
  });
});
