// Saved views, bulk bars and keyboard shortcuts in a real browser: the owner saves a shared view of
// the contacts list (a filter, columns chosen, moved and widened); a second user opens the list,
// picks it and sees the same rows and columns, and makes it their default. The leads and
// opportunities lists' bulk bars (status, stage, delete with undo). Shortcuts: n opens the new
// form, / focuses the search, ? the help dialog, e edits, j/k walk the list's records; none fire
// while typing. axe runs on the new screens in both themes; screenshots at 1440 and 375 px.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, visit } from './crawl.ts';
import { createUsers, PASSWORD } from './crawl-seed.ts';
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

async function pageFor(t: Tenant, user?: { email: string }, width = 1440): Promise<Page> {
  const context = await newContext(browser, width);
  contexts.push(context);
  const p = await context.newPage();
  if (!user) {
    await signIn(p, t);
    return p;
  }
  await open(p, t.app('/auth/login'));
  await p.getByLabel('Email').fill(user.email);
  await p.getByLabel('Password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.waitForURL(t.app());
  return p;
}

/** The desktop table's column keys, in order, and the names in its rows. */
const tableColumns = (p: Page) =>
  p.locator('table th[data-column]').evaluateAll((ths) => ths.map((t) => t.getAttribute('data-column')));
const rowNames = async (p: Page) =>
  (await p.locator('table tbody tr td:nth-child(2) a').allTextContents()).map((s) => s.trim()).sort();

/** axe (1440 px, both themes) and the phone layout check (375 px) of the page at `url`; screenshots. */
async function checkScreens(t: Tenant, user: { email: string } | undefined, url: string, name: string) {
  const failures: string[] = [];
  for (const width of [1440, 375]) {
    const p = await pageFor(t, user, width);
    const errors: string[] = [];
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    for (const theme of ['light', 'dark'] as const) {
      await open(p, url);
      await setTheme(p, theme);
      const v = await visit(p, url, t.app(), errors, { axe: width === 1440, narrow: width === 375 });
      failures.push(...v.failures.map((f) => `${name} ${width} ${theme}: ${f.kind} ${f.detail}`));
      await screenshot(p, `views-${name}-${width}-${theme}`);
    }
  }
  expect(failures).toEqual([]);
}

describe('saved views, bulk bars and shortcuts', { timeout: 180_000 }, () => {
  it('a shared view saved by one user shows a second user the same rows and columns', async () => {
    const t = await createTenant(platform, { prefix: 'views', name: 'Views Co' });
    const bea = { email: `bea@${t.slug}.test`, name: 'Bea Admin', role: 'admin' as const };
    await createUsers(platform, t.slug, [bea]);
    for (const [first, city, phone] of [
      ['Ada', 'London', '+44 20 1'],
      ['Ben', 'London', '+44 20 2'],
      ['Cleo', 'London', '+44 20 3'],
      ['Dan', 'Paris', '+33 1 4'],
      ['Eve', 'Paris', '+33 1 5'],
    ] as const) {
      await t.as('POST', '/api/v1/crm/contacts', { kind: 'person', firstName: first, lastName: 'Tester', city, phone });
    }

    // The owner filters on London, chooses columns, and saves the view as a shared one.
    page = await pageFor(t);
    await open(page, t.app('/crm/contacts'));
    await page.getByLabel('City', { exact: true }).fill('London');
    await page.getByLabel('City', { exact: true }).press('Enter');
    await page.waitForURL(/city=London/);
    await page.getByRole('button', { name: 'Columns' }).click();
    const chooser = page.getByRole('dialog', { name: 'Columns' });
    await chooser.getByLabel('Added', { exact: true }).uncheck();
    await chooser.getByLabel('Tags', { exact: true }).uncheck();
    await chooser.getByLabel('Phone', { exact: true }).check();
    await chooser.getByRole('button', { name: 'Move Phone up' }).click();
    await chooser.getByLabel('Width of Name in pixels').fill('260');
    await chooser.getByLabel('Width of Name in pixels').press('Tab');
    await axeOk(page, 'column chooser');
    await chooser.getByRole('button', { name: 'Done' }).click();
    const wanted = ['name', 'email', 'phone', 'city'];
    await expect.poll(() => tableColumns(page as Page)).toEqual(wanted);
    await page.getByRole('button', { name: 'Save as new view' }).click();
    const save = page.getByRole('dialog', { name: 'Save as new view' });
    await save.getByLabel('Name').fill('London people');
    await save.getByLabel('Share with everyone in the company').check();
    await save.getByRole('button', { name: 'Save view' }).click();
    await page.waitForURL(/view=[0-9a-f-]{36}/);
    const viewId = new URL(page.url()).searchParams.get('view') as string;
    const tabs = page.getByRole('navigation', { name: 'Contact views' });
    await expect
      .poll(() => tabs.getByRole('link', { name: /London people/ }).getAttribute('aria-current'))
      .toBe('page');
    expect(await rowNames(page)).toEqual(['Ada Tester', 'Ben Tester', 'Cleo Tester']);
    expect(
      await page.locator('th[data-column="name"]').evaluate((th) => Math.round(th.getBoundingClientRect().width)),
    ).toBe(260);

    // Bea opens the list: the shared view is a tab with its count; she picks it.
    const other = await pageFor(t, bea);
    await open(other, t.app('/crm/contacts'));
    expect((await rowNames(other)).length).toBe(5);
    const tab = other.getByRole('navigation', { name: 'Contact views' }).getByRole('link', { name: /London people/ });
    expect(await tab.textContent()).toContain('3');
    await tab.click();
    await other.waitForURL((u) => u.searchParams.get('view') === viewId && u.searchParams.get('city') === 'London');
    await expect.poll(() => rowNames(other)).toEqual(['Ada Tester', 'Ben Tester', 'Cleo Tester']);
    expect(await tableColumns(other)).toEqual(wanted);
    // An administrator may change anyone's shared view (the API test covers who may not).
    await other.locator('summary', { hasText: 'View' }).click();
    expect(await other.getByRole('button', { name: 'Rename…' }).count()).toBe(1);
    await other.getByRole('button', { name: 'Make my default' }).click();
    await expect.poll(() => other.getByRole('button', { name: 'Remove as my default' }).count()).toBe(1);
    // Her plain visit now opens the view, and the URL says so.
    await open(other, t.app('/crm/contacts'));
    await other.waitForURL((u) => u.searchParams.get('view') === viewId);
    await expect.poll(() => rowNames(other)).toEqual(['Ada Tester', 'Ben Tester', 'Cleo Tester']);
    // The owner's plain visit does not: the default is Bea's.
    await open(page, t.app('/crm/contacts'));
    expect((await rowNames(page)).length).toBe(5);

    await checkScreens(t, bea, t.app(`/crm/contacts?view=${viewId}&city=London`), 'contacts');
  });

  it('bulk-edits and deletes with undo on the leads and opportunities lists', async () => {
    const t = await createTenant(platform, { prefix: 'bulk', name: 'Bulk Co' });
    for (const title of ['Lead one', 'Lead two', 'Lead three']) await t.as('POST', '/api/v1/crm/leads', { title });
    for (const title of ['Deal one', 'Deal two'])
      await t.as('POST', '/api/v1/crm/opportunities', { title, value: '100.00' });
    page = await pageFor(t);

    await open(page, t.app('/crm/leads'));
    await page.getByLabel('Select Lead one').check();
    await page.getByLabel('Select Lead two').check();
    await page.getByLabel('New status').selectOption('qualified');
    await page.getByRole('button', { name: 'Set status' }).click();
    await expect
      .poll(async () =>
        (await t.as<{ data: { title: string; status: string }[] }>('GET', '/api/v1/crm/leads?status=qualified')).data
          .map((l) => l.title)
          .sort(),
      )
      .toEqual(['Lead one', 'Lead two']);

    await open(page, t.app('/crm/opportunities'));
    await expect.poll(() => page?.locator('main table tbody tr').count()).toBe(2);
    await page.getByLabel('Select all opportunities on this page').check();
    await page.getByRole('button', { name: 'Delete selected' }).click();
    await expect.poll(() => page?.locator('main table tbody tr').count()).toBe(0);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => page?.locator('main table tbody tr').count()).toBe(2);
    // Undone before the window closed: nothing was deleted.
    expect((await t.as<{ data: unknown[] }>('GET', '/api/v1/crm/opportunities')).data.length).toBe(2);
    await page.getByLabel('Select Deal one').check();
    await page.getByLabel('New stage').selectOption({ label: 'Proposal' });
    await page.getByRole('button', { name: 'Move to stage' }).click();
    await expect.poll(() => page?.locator('tr', { hasText: 'Deal one' }).textContent()).toContain('Proposal');

    await checkScreens(t, undefined, t.app('/crm/opportunities'), 'opportunities');
    await checkScreens(t, undefined, t.app('/crm/leads'), 'leads');
  });

  it('opens the new form with n, the help with ?, edits with e and walks records with j/k, never while typing', async () => {
    const t = await createTenant(platform, { prefix: 'keys', name: 'Keys Co' });
    for (const first of ['Ada', 'Ben'])
      await t.as('POST', '/api/v1/crm/contacts', { kind: 'person', firstName: first, lastName: 'Keys' });
    page = await pageFor(t);
    await open(page, t.app('/crm/contacts'));

    // Typing in the search field types; "/" from the page focuses it.
    await page.keyboard.press('/');
    await expect.poll(() => page?.evaluate(() => document.activeElement?.id)).toBe('contact-search');
    await page.keyboard.type('n');
    expect(await page.getByRole('dialog', { name: 'New contact' }).isVisible()).toBe(false);
    expect(await page.locator('#contact-search').inputValue()).toBe('n');
    // The search goes to the address (debounced): wait until the list for "n" and then for "" has
    // loaded, or that late navigation swallows the next key on a loaded machine.
    await page.waitForURL((u) => u.searchParams.get('q') === 'n');
    await page.locator('#contact-search').fill('');
    await page.waitForURL((u) => !u.searchParams.get('q'));
    await ready(page);
    await page.locator('main h1').click();

    await page.keyboard.press('n');
    const form = page.getByRole('dialog', { name: 'New contact' });
    await form.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => form.isVisible()).toBe(false);

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    for (const what of ['New record', 'Search this list', 'Next record', 'Previous record', 'Edit the record']) {
      expect(await help.getByText(what).count(), what).toBeGreaterThan(0);
    }
    await axeOk(page, 'help dialog light');
    await screenshot(page, 'views-shortcuts-help-1440-light');
    await help.getByRole('button', { name: 'Close' }).click();
    await setTheme(page, 'dark');
    await page.locator('main h1').click();
    await page.keyboard.press('?');
    await help.waitFor();
    await axeOk(page, 'help dialog dark');
    await screenshot(page, 'views-shortcuts-help-1440-dark');
    await page.keyboard.press('Escape');

    // j/k: the next and previous contact of the list shown last (sorted by name: Ada, Ben).
    await page.getByRole('link', { name: 'Ada Keys' }).first().click();
    await page.waitForURL(/\/crm\/contacts\/[0-9a-f-]{36}$/);
    await ready(page);
    const ada = page.url();
    await page.keyboard.press('j');
    await expect.poll(() => page?.getByRole('heading', { level: 1 }).textContent()).toContain('Ben Keys');
    await page.keyboard.press('k');
    await page.waitForURL(ada);
    await page.keyboard.press('e');
    await page.getByRole('dialog', { name: 'Edit Ada Keys' }).waitFor();
  });
});

async function axeOk(p: Page, what: string) {
  expect(await axeViolations(p), what).toEqual([]);
}
