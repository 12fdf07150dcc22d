// crm settings in a real browser: an admin adds a lead source in Settings → Lead sources and
// activity types and uses it on a new lead; then imports a 3-row leads CSV with one bad row and
// sees that row's error. The two screens pass the crawl's checks (axe at 1440, layout at 375) in
// both themes, with screenshots (web/test/screenshots/crm-settings-<page>-<width>-<theme>.png).

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pageChecker } from './check-pages.ts';
import {
  afterBrowserTest,
  createTenant,
  newContext,
  open,
  type Platform,
  screenshot,
  signIn,
  startAll,
} from './platform.ts';

let platform: Platform | undefined;
let browser: Browser;
let page: Page | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ({ platform, browser } = await startAll());
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});
afterEach(async (ctx) => afterBrowserTest(ctx.task, page, contexts));

const checkPages = pageChecker('crm-settings');

describe('crm settings: lead sources, and a leads import', { timeout: 180_000 }, () => {
  it('adds a lead source, uses it on a lead, and imports leads with a bad row reported', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'crmset', name: 'Settings Co' });
    const context = await newContext(browser, 1440);
    contexts.push(context);
    page = await context.newPage();
    await signIn(page, t);

    await open(page, t.app('/crm/settings'));
    await page.getByRole('link', { name: /Lead sources and activity types/ }).click();
    await page.getByRole('heading', { name: 'Lead sources', exact: true }).waitFor();
    await page.getByLabel('New lead source').fill('Webinar');
    await page.getByRole('region', { name: 'Lead sources' }).getByRole('button', { name: 'Add' }).click();
    await page.getByLabel('Name of Webinar').waitFor();
    const sources = await t.as<{ data: { key: string; label: string }[] }>('GET', '/api/v1/crm/lead-sources?limit=200');
    expect(sources.data.at(-1)).toMatchObject({ key: 'webinar', label: 'Webinar' });

    await open(page, t.app('/crm/leads'));
    await page.getByRole('button', { name: 'New lead' }).click();
    const d = page.getByRole('dialog', { name: 'New lead' });
    await d.getByLabel('Title').fill('Webinar sign-up');
    const source = d.getByLabel('Source');
    await expect.poll(() => source.isEnabled()).toBe(true);
    await source.selectOption({ label: 'Webinar' });
    await d.getByRole('button', { name: 'Add lead' }).click();
    await d.waitFor({ state: 'hidden' });
    const leads = await t.as<{ data: { title: string; source: string }[] }>('GET', '/api/v1/crm/leads?q=webinar');
    expect(leads.data).toEqual([expect.objectContaining({ title: 'Webinar sign-up', source: 'webinar' })]);

    await open(page, t.app('/crm/import'));
    await page.getByLabel('Leads').check();
    await page.getByLabel('CSV file').setInputFiles({
      name: 'leads.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'Title,E-mail,Lead source\r\nFair visitor,fair@example.test,Webinar\r\nBad one,not-an-email,web\r\nCold call,,phone\r\n',
      ),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('columnheader', { name: 'Lead field' }).waitFor();
    expect(await page.getByLabel('Field for column E-mail').inputValue()).toBe('email');
    await page.getByRole('button', { name: 'Import 3 rows' }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    await page.getByText('3 of 3 rows · 2 imported · 1 with errors').waitFor();
    await page.getByText('Rows with errors (1)').click();
    await page.getByText('Row 2 (E-mail): must be an email address').waitFor();
    await screenshot(page, 'crm-settings-import-done-1440-light');
    const imported = await t.as<{ data: { title: string; source: string }[] }>('GET', '/api/v1/crm/leads?limit=50');
    expect(imported.data.map((l) => `${l.title}: ${l.source}`).sort()).toEqual([
      'Cold call: phone',
      'Fair visitor: webinar',
      'Webinar sign-up: webinar',
    ]);

    await checkPages(page, t, [
      ['lists', t.app('/crm/settings/lists')],
      ['import', t.app('/crm/import')],
    ]);
  });
});
