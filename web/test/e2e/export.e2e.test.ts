// A cut export in a real browser, on the real queue: with the operator's cap at 1,000 rows
// (CRM_EXPORT_MAX_ROWS; 100,000 by default, which export-job.test.ts and the crm's export tests
// cover through the API), a list of 1,010 contacts exports its first 1,000 rows, the page says so,
// offers the whole list in the background and links the file once the job has built it (the bell
// has it too).
import { createRequire } from 'node:module';
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

let platform: Platform | undefined;
let browser: Browser;
let page: Page | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ({ platform, browser } = await startAll({ CRM_EXPORT_MAX_ROWS: '1000' }));
}, 90_000);
afterEach(async (ctx) => {
  await afterBrowserTest(ctx.task, page, contexts);
  page = undefined;
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function sql(text: string, params: unknown[]) {
  const { Client } = createRequire(new URL('../../../core/package.json', import.meta.url))('pg') as {
    Client: new (o: {
      connectionString: string;
    }) => {
      connect(): Promise<unknown>;
      query(t: string, p: unknown[]): Promise<unknown>;
      end(): Promise<void>;
    };
  };
  const db = new Client({ connectionString: platform?.databaseUrl ?? '' });
  await db.connect();
  try {
    await db.query(text, params);
  } finally {
    await db.end();
  }
}

describe('export', { timeout: 180_000 }, () => {
  it('says the file was cut and offers the full export as a background job', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'export', name: 'Export Co' });
    const me = await t.as<{ user: { id: string }; tenant: { id: string } }>('GET', '/api/v1/core/me');
    await sql(
      `insert into crm_contact (tenant_id, owner_id, name, city)
       select $1, $2, 'Contact ' || g, 'Nantes' from generate_series(1, 1010) g`,
      [me.tenant.id, me.user.id],
    );
    const context = await newContext(browser, 1440);
    contexts.push(context);
    page = await context.newPage();
    await signIn(page, t);
    await open(page, t.app('/crm/contacts'));
    const download = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    expect((await download).suggestedFilename()).toMatch(/^contacts-.*\.csv$/);
    const notice = page.getByTestId('export-notice');
    await notice.getByText('The file has the first 1,000 contacts: the list has more.').waitFor({ timeout: 60_000 });
    await screenshot(page, 'export-cut-1440-light');
    await notice.getByRole('button', { name: 'Export all in the background' }).click();
    const link = notice.getByRole('link', { name: /^Download contacts-.*\.csv$/ });
    await link.waitFor({ timeout: 90_000 });
    expect(await notice.textContent()).toContain('The full export is ready (1,010 contacts)');
    await setTheme(page, 'dark');
    await screenshot(page, 'export-ready-1440-dark');
    // The file behind the link has every row (header + 1,010).
    const text = await page.evaluate(
      async (href) => (await fetch(href)).text(),
      (await link.getAttribute('href')) ?? '',
    );
    expect(text.trimEnd().split('\r\n')).toHaveLength(1_011);
    // The bell says it too.
    await expect
      .poll(async () => (await page?.getByTestId('notification-bell').textContent())?.trim(), { timeout: 15_000 })
      .toMatch(/1/);
  });
});
