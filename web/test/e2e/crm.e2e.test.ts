// The crm addon's pages in a real browser: contacts and the 360° view, the board (mouse and
// keyboard), CSV import with progress, live updates between two pages, the dashboard widgets.
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

// Shared by the file: the platform and the browser (starting them is the expensive part). Every
// test makes its own company (crm enabled), owner and browser context, so they run in any order.
let platform: Platform | undefined;
let browser: Browser;
/** The page of the running test (for the failure screenshot). */
let page: Page | undefined;
const contexts: BrowserContext[] = [];

interface Board {
  stages: { stage: { id: string; name: string }; opportunities: { id: string; title: string }[] }[];
}
async function board(t: Tenant): Promise<Board> {
  const pipelines = await t.as<{ data: { id: string; isDefault: boolean }[] }>('GET', '/api/v1/crm/pipelines');
  const id = pipelines.data.find((p) => p.isDefault)?.id;
  return t.as<Board>('GET', `/api/v1/crm/pipelines/${id}/board`);
}
const stageOf = (b: Board, title: string) =>
  b.stages.find((s) => s.opportunities.some((o) => o.title === title))?.stage.name;

/** Imports `rows` contacts (city Springfield) through the import API and waits until it is done. */
async function importContacts(t: Tenant, rows: number): Promise<void> {
  const csv = ['Full name;E-mail;Town'];
  for (let i = 0; i < rows; i++) csv.push(`Person ${i};person${i}@import.test;Springfield`);
  const res = await fetch(`${t.base}/api/v1/crm/imports?filename=people.csv`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` },
    body: csv.join('\n'),
  });
  if (!res.ok) throw new Error(`import upload: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  await t.as('POST', `/api/v1/crm/imports/${id}/start`, {
    mapping: { 'Full name': 'name', 'E-mail': 'email', Town: 'city' },
  });
  await expect
    .poll(async () => (await t.as<{ status: string }>('GET', `/api/v1/crm/imports/${id}`)).status, { timeout: 60_000 })
    .toBe('completed');
}

/** A company of its own with crm enabled, its owner signed in on a fresh browser context. */
async function signedIn(): Promise<{
  t: Tenant;
  app: Tenant['app'];
  as: Tenant['as'];
  context: BrowserContext;
  page: Page;
}> {
  if (!platform) throw new Error('the platform did not start');
  const t = await createTenant(platform, { prefix: 'globex', name: 'Globex' });
  const context = await newContext(browser);
  contexts.push(context);
  page = await context.newPage();
  await signIn(page, t);
  return { t, app: t.app, as: t.as, context, page };
}

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

describe('crm pages', { timeout: 90_000 }, () => {
  it('creates a contact, finds it, and shows its 360° view with a timeline', async () => {
    const { app, as, page } = await signedIn();
    await open(page, app('/crm/contacts'));
    await page.getByText('No contacts yet.').waitFor();
    await page.getByRole('button', { name: 'New contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'New contact' });
    await dialog.getByLabel('First name').fill('Ada');
    await dialog.getByLabel('Last name (optional)').fill('Lovelace');
    await dialog.getByLabel('Email (optional)').fill('ada@globex.test');
    await dialog.getByLabel('City (optional)').fill('London');
    await dialog.getByRole('button', { name: 'Save contact' }).click();
    // Saving shows the new contact.
    await page.getByRole('heading', { level: 1, name: 'Ada Lovelace' }).waitFor();
    await open(page, app('/crm/contacts'));
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    for (const name of ['Grace Hopper', 'Alan Turing']) {
      const [firstName, lastName] = name.split(' ');
      await as('POST', '/api/v1/crm/contacts', { kind: 'person', firstName, lastName, city: 'Cambridge' });
    }
    // Search (server-side) and sort.
    await page.getByLabel('Search contacts').fill('grace');
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await page.getByLabel('Search contacts').fill('');
    await page.getByRole('button', { name: /^Name/ }).click();
    await page.waitForURL(/sort=-name/);
    await expect.poll(() => page.getByRole('row').nth(1).textContent()).toContain('Grace Hopper');
    await page.getByRole('checkbox', { name: 'Select all contacts on this page' }).check();
    await page.getByText('3 selected').waitFor();
    await screenshot(page, 'contacts-light');
    await page.getByRole('button', { name: 'Clear selection' }).click();

    await page.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ada Lovelace' }).waitFor();
    await page.getByLabel('Add a note').fill('Met at the analytical engine meetup.');
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByText('Met at the analytical engine meetup.').waitFor();
    await page.getByLabel('Subject').fill('Call about the engine');
    await page.getByLabel('Due').fill('2020-01-02T10:00');
    await page.getByRole('button', { name: 'Plan', exact: true }).click();
    await page.getByText('call: Call about the engine').waitFor();
    await screenshot(page, 'contact-360-light');
  });

  it('moves an opportunity between stages by drag and drop and by keyboard', async () => {
    const { t, app, as, page } = await signedIn();
    for (const [title, value] of [
      ['Globex rollout', '25000'],
      ['Cypress Creek deal', '8000'],
    ]) {
      await as('POST', '/api/v1/crm/opportunities', { title, value });
    }
    await open(page, app('/crm/pipeline'));
    const card = page.locator('[data-card]', { hasText: 'Globex rollout' });
    await card.waitFor();
    await card.dragTo(page.locator('section[data-stage="Qualified"] ol'));
    await expect.poll(async () => stageOf(await board(t), 'Globex rollout')).toBe('Qualified');

    // Keyboard: focus the card, arrow right moves it to the next stage.
    await page.getByRole('button', { name: /^Globex rollout, .* in Qualified$/ }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByText('Globex rollout moved to Proposal').waitFor();
    await expect.poll(async () => stageOf(await board(t), 'Globex rollout')).toBe('Proposal');
    // Focus stays on the moved card, so it can go on moving.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/in Proposal$/);
    // The visible buttons do the same for pointer users who cannot drag.
    await page.getByRole('button', { name: 'Move Cypress Creek deal to Qualified' }).click();
    await expect.poll(async () => stageOf(await board(t), 'Cypress Creek deal')).toBe('Qualified');
    await screenshot(page, 'pipeline-light');
  });

  it('imports a CSV with a column mapping and shows its progress', async () => {
    const { app, as, page } = await signedIn();
    const ROWS = 5000;
    const rows = ['Full name;E-mail;Town;Notes'];
    // Enough rows (500 per chunk) that the bar is seen part-way on any machine.
    for (let i = 0; i < ROWS; i++) rows.push(`Person ${i};person${i}@import.test;Springfield;row ${i}`);
    await open(page, app('/crm/import'));
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText(`${ROWS} rows, 4 columns`).waitFor();
    await page.getByLabel('Field for column Town').selectOption('city');
    await page.getByLabel('Field for column Notes').selectOption('');
    await page.getByLabel('Field for column Full name').selectOption('name');
    await screenshot(page, 'import-mapping-light');
    const seen = new Set<string>();
    const bar = page.getByRole('progressbar', { name: 'Import progress' });
    await page.getByRole('button', { name: `Import ${ROWS} rows` }).click();
    await bar.waitFor();
    for (let i = 0; i < 600; i++) {
      seen.add((await bar.getAttribute('aria-valuenow')) ?? '');
      if (await page.getByText('Import finished').isVisible()) break;
      await page.waitForTimeout(50);
    }
    await page.getByText('Import finished').waitFor();
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    // The bar was seen before the end (and, on this machine, usually part-way through).
    console.log('import progress seen:', [...seen].join(','));
    expect(seen.size).toBeGreaterThanOrEqual(2);
    await page.getByText(`${ROWS} of ${ROWS} rows · ${ROWS} imported`).waitFor();
    await screenshot(page, 'import-done-light');
    const list = await as<{ total_count: number }>('GET', '/api/v1/crm/contacts?city=Springfield&limit=1&count=true');
    expect(list.total_count).toBe(ROWS);
  });

  it('shows a change made in one page live in a second page', async () => {
    const { t, app, as, context, page } = await signedIn();
    await as('POST', '/api/v1/crm/opportunities', { title: 'Cypress Creek deal', value: '8000' });
    const second = await context.newPage();
    await open(page, app('/crm/contacts?q=live'));
    await open(second, app('/crm/pipeline'));
    await page.getByText('No contact matches these filters.').waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    // Created in the second page (its own form), seen in the first without a reload.
    await open(second, app('/crm/contacts'));
    await second.getByRole('button', { name: 'New contact' }).click();
    const dialog = second.getByRole('dialog', { name: 'New contact' });
    await dialog.getByLabel('First name').fill('Livia');
    await dialog.getByLabel('Last name (optional)').fill('Live');
    await dialog.getByRole('button', { name: 'Save contact' }).click();
    await page.getByRole('link', { name: 'Livia Live' }).waitFor({ timeout: 10_000 });

    // A move made elsewhere shows up on an open board.
    await open(page, app('/crm/pipeline'));
    await page.getByText('Live', { exact: true }).waitFor();
    const cypress = (await board(t)).stages
      .flatMap((s) => s.opportunities)
      .find((o) => o.title === 'Cypress Creek deal');
    const negotiation = (await board(t)).stages.find((s) => s.stage.name === 'Negotiation');
    await as('POST', `/api/v1/crm/opportunities/${cypress?.id}/move`, { stageId: negotiation?.stage.id, position: 0 });
    await page
      .locator('section[data-stage="Negotiation"]')
      .getByText('Cypress Creek deal')
      .waitFor({ timeout: 10_000 });
    await second.close();
  });

  it('shows the dashboard widgets and the other crm pages, light and dark', async () => {
    const { t, app, as, page } = await signedIn();
    // Thousands of contacts (an import) and a few made by hand, one of them with an overdue call.
    await importContacts(t, 5000);
    const [ada] = await Promise.all(
      ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'].map((name) => {
        const [firstName, lastName] = name.split(' ');
        return as<{ id: string }>('POST', '/api/v1/crm/contacts', { kind: 'person', firstName, lastName });
      }),
    );
    await as('POST', '/api/v1/crm/activities', {
      kind: 'call',
      subject: 'Call about the engine',
      contactId: ada?.id,
      dueAt: '2020-01-02T10:00:00.000Z',
    });
    await as('POST', '/api/v1/crm/leads', { title: 'Initech upgrade', contactName: 'Bill Lumbergh', source: 'web' });
    const won = await as<{ id: string }>('POST', '/api/v1/crm/opportunities', { title: 'Won deal', value: '4200' });
    await as('POST', `/api/v1/crm/opportunities/${won.id}/win`, {});
    await open(page, app());
    await page.getByRole('heading', { name: 'Pipeline value by stage' }).waitFor();
    expect(await page.getByTestId('kpi-contacts').textContent()).toBe('5,003'); // 5,000 imported + 3 made one by one
    await screenshot(page, 'dashboard-crm-light');
    await open(page, app('/crm/activities?due=overdue'));
    await page.getByText('Call about the engine', { exact: true }).waitFor();
    await screenshot(page, 'activities-light');
    await open(page, app('/crm/leads'));
    await page.getByText('Initech upgrade').waitFor();
    await screenshot(page, 'leads-light');
    await setTheme(page, 'dark');
    for (const [path, name] of [
      ['', 'dashboard-crm-dark'],
      ['/crm/contacts', 'contacts-dark'],
      ['/crm/pipeline', 'pipeline-dark'],
      ['/crm/activities?due=overdue', 'activities-dark'],
      ['/crm/leads', 'leads-dark'],
    ] as const) {
      await open(page, app(path));
      await page.waitForLoadState('networkidle').catch(() => {});
      await screenshot(page, name);
    }
    await setTheme(page, 'light');
  });

  it('asks for a reason when a card moves onto a Lost stage, by keyboard and by button', async () => {
    const { app, as, page } = await signedIn();
    // A pipeline where Lost comes straight after an open stage, so a card gets there in one move.
    const pipeline = await as<{ id: string }>('POST', '/api/v1/crm/pipelines', {
      name: 'Renewals',
      stages: [
        { name: 'Due', probability: 50, kind: 'open' },
        { name: 'Lost', probability: 0, kind: 'lost' },
        { name: 'Renewed', probability: 100, kind: 'won' },
      ],
    });
    const opportunity = (title: string) =>
      as<{ id: string }>('POST', '/api/v1/crm/opportunities', { title, value: '900', pipelineId: pipeline.id });
    const get = (id: string) =>
      as<{ status: string; lostReason: string | null; stage: string }>('GET', `/api/v1/crm/opportunities/${id}`);
    const byKeyboard = await opportunity('Vandelay renewal');
    const byButton = await opportunity('Kramerica renewal');
    await open(page, app(`/crm/pipeline?pipeline=${pipeline.id}`));

    // Keyboard: arrow right onto Lost opens the reason dialog; nothing moves before it is confirmed.
    await page.getByRole('button', { name: /^Vandelay renewal, .* in Due$/ }).focus();
    await page.keyboard.press('ArrowRight');
    const dialog = page.getByRole('dialog', { name: 'Why was it lost?' });
    await dialog.waitFor();
    expect((await get(byKeyboard.id)).status).toBe('open');
    await dialog.getByLabel('Reason').fill('Went with a cheaper latex supplier');
    await screenshot(page, 'pipeline-lost-reason-light');
    await dialog.getByRole('button', { name: 'Mark as lost' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Vandelay renewal moved to Lost').waitFor();
    await expect.poll(async () => (await get(byKeyboard.id)).status).toBe('lost');
    expect((await get(byKeyboard.id)).lostReason).toBe('Went with a cheaper latex supplier');

    // Buttons: cancelling leaves the card where it was; confirming marks it lost.
    await page.getByRole('button', { name: 'Move Kramerica renewal to Lost' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await get(byButton.id)).status).toBe('open');
    await page.getByRole('button', { name: 'Move Kramerica renewal to Lost' }).click();
    await dialog.getByLabel('Reason').fill('Budget frozen');
    await dialog.getByRole('button', { name: 'Mark as lost' }).click();
    await expect.poll(async () => (await get(byButton.id)).status).toBe('lost');
    expect((await get(byButton.id)).lostReason).toBe('Budget frozen');
    await page.locator('section[data-stage="Lost"]').getByText('Kramerica renewal').waitFor();
  });

  it('marks a card lost and reopens it with its own buttons on the default pipeline', async () => {
    const { app, as, page } = await signedIn();
    // On the default pipeline Won comes before Lost, so moving right closes the deal as won; the
    // card's own actions reach Lost (with a reason) and reopen it.
    const card = await as<{ id: string }>('POST', '/api/v1/crm/opportunities', {
      title: 'Monorail pitch',
      value: '1200',
    });
    const get = () => as<{ status: string; lostReason: string | null }>('GET', `/api/v1/crm/opportunities/${card.id}`);
    await open(page, app('/crm/pipeline'));
    await page.getByRole('button', { name: 'Mark Monorail pitch as won' }).waitFor();
    await screenshot(page, 'pipeline-actions-light');
    // Keyboard: the button is focusable and Enter opens the reason dialog; nothing changes before it is confirmed.
    await page.getByRole('button', { name: 'Mark Monorail pitch as lost…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Why was it lost?' });
    await dialog.waitFor();
    expect((await get()).status).toBe('open');
    // A reason is required.
    await dialog.getByRole('button', { name: 'Mark as lost' }).click();
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Reason').fill('Town voted for a new bridge');
    await dialog.getByRole('button', { name: 'Mark as lost' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await get()).status).toBe('lost');
    expect((await get()).lostReason).toBe('Town voted for a new bridge');
    await page.locator('section[data-stage="Lost"]').getByText('Monorail pitch').waitFor();

    // Closed: Reopen instead of Won and Lost.
    const reopen = page.getByRole('button', { name: 'Reopen Monorail pitch' });
    await reopen.waitFor();
    expect(await page.getByRole('button', { name: 'Mark Monorail pitch as won' }).count()).toBe(0);
    await setTheme(page, 'dark');
    await screenshot(page, 'pipeline-actions-dark');
    await setTheme(page, 'light');
    await reopen.click();
    await expect.poll(async () => (await get()).status).toBe('open');
    expect((await get()).lostReason).toBeNull();
    await page.locator('section[data-stage="New"]').getByText('Monorail pitch').waitFor();
    await page.getByRole('button', { name: 'Mark Monorail pitch as lost…' }).waitFor();
  });

  it('converts a lead into a contact and an opportunity from the leads page', async () => {
    const { app, as, page } = await signedIn();
    const lead = await as<{ id: string }>('POST', '/api/v1/crm/leads', {
      title: 'Umbrella expansion',
      contactName: 'Albert Wesker',
      email: 'wesker@umbrella.test',
      source: 'event',
    });
    await open(page, app('/crm/leads'));
    const row = page.getByRole('row', { name: /Umbrella expansion/ });
    await row.getByRole('button', { name: 'Convert Umbrella expansion' }).click();
    const dialog = page.getByRole('dialog', { name: 'Convert Umbrella expansion' });
    await dialog.waitFor();
    // Labelled controls; a contact is created unless unticked; focus starts inside the dialog.
    expect(await dialog.getByLabel('Create a contact from this lead').isChecked()).toBe(true);
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await dialog.getByLabel('Opportunity title (optional)').fill('Umbrella expansion deal');
    await dialog.getByLabel('Opportunity value (optional)').fill('48000.50');
    // Tab does not leave the dialog (modal: the rest of the page is inert).
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(
        await dialog.evaluate((d) => d.contains(document.activeElement) || document.activeElement === document.body),
      ).toBe(true);
    }
    await screenshot(page, 'lead-convert-light');
    await dialog.getByRole('button', { name: 'Convert lead' }).click();
    const contactLink = dialog.getByRole('link', { name: 'Open Albert Wesker (360° view)' });
    await contactLink.waitFor();
    await screenshot(page, 'lead-converted-light');
    // The list shows the lead converted, without a Convert action.
    await row.getByText('converted', { exact: true }).waitFor();
    expect(await row.getByRole('button', { name: /^Convert/ }).count()).toBe(0);

    // Through the API: the lead is converted and its opportunity exists with the given title and value.
    const converted = await as<{ status: string }>('GET', `/api/v1/crm/leads/${lead.id}`);
    expect(converted.status).toBe('converted');
    const opportunities = await as<{ data: { title: string; value: string; status: string }[] }>(
      'GET',
      `/api/v1/crm/opportunities?q=${encodeURIComponent('Umbrella expansion deal')}`,
    );
    expect(opportunities.data).toEqual([
      expect.objectContaining({ title: 'Umbrella expansion deal', value: '48000.50', status: 'open' }),
    ]);

    // The link leads to the new contact's 360° page.
    await contactLink.click();
    await page.getByRole('heading', { level: 1, name: 'Albert Wesker' }).waitFor();

    // Dark, and an API error shown inline: converted elsewhere while the dialog is open.
    const other = await as<{ id: string }>('POST', '/api/v1/crm/leads', { title: 'Soylent trial' });
    await open(page, app('/crm/leads'));
    await setTheme(page, 'dark');
    await page.getByRole('button', { name: 'Convert Soylent trial' }).click();
    const second = page.getByRole('dialog', { name: 'Convert Soylent trial' });
    await second.waitFor();
    await screenshot(page, 'lead-convert-dark');
    await as('POST', `/api/v1/crm/leads/${other.id}/convert`, { createContact: false });
    await second.getByRole('button', { name: 'Convert lead' }).click();
    await second.getByRole('alert').getByText('This lead was already converted').waitFor();
    await screenshot(page, 'lead-convert-error-dark');
    // Escape closes the dialog.
    await page.keyboard.press('Escape');
    await second.waitFor({ state: 'hidden' });
    await setTheme(page, 'light');
  });
});
