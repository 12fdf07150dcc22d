// The crm as people use it every day, in a real browser: a settings screen (add a stage, see it on
// the board), bulk edit and delete with undo on the contacts list, editing notes and activities
// (a server validation error on the field, the text kept), and the company and opportunity pages.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

let platform: Platform | undefined;
let browser: Browser;
let page: Page | undefined;
const contexts: BrowserContext[] = [];

async function signedIn(prefix: string): Promise<{ t: Tenant; page: Page }> {
  if (!platform) throw new Error('the platform did not start');
  const t = await createTenant(platform, { prefix, name: 'Everyday Co' });
  const context = await newContext(browser);
  contexts.push(context);
  page = await context.newPage();
  await signIn(page, t);
  return { t, page };
}
interface Row {
  id: string;
  name: string;
  ownerId: string | null;
  tags: { id: string; name: string }[];
}
const contact = (t: Tenant, id: string) => t.as<Row>('GET', `/api/v1/crm/contacts/${id}`);
const status = async (t: Tenant, path: string) =>
  fetch(`${t.base}${path}`, { headers: { authorization: `Bearer ${t.token}` } }).then((r) => r.status);

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

describe('the crm every day', { timeout: 90_000 }, () => {
  it('adds a stage in the pipeline settings and sees it on the board', async () => {
    const { t, page } = await signedIn('stage');
    await open(page, t.app('/crm/settings'));
    await page.getByRole('link', { name: /Pipelines and stages/ }).click();
    await page.getByRole('heading', { name: 'Stages of Sales' }).waitFor();
    await page.getByLabel('Stage name').fill('Demo booked');
    await page.getByLabel('Probability %', { exact: true }).fill('35');
    await page.getByRole('button', { name: 'Add stage' }).click();
    await page.getByLabel('Name of stage Demo booked').waitFor();
    expect(await page.getByLabel('Probability % of stage Demo booked').inputValue()).toBe('35');

    // Rename an existing stage and move the new one up: the board follows.
    const qualified = page.getByLabel('Name of stage Qualified');
    await qualified.fill('Qualified lead');
    await qualified.press('Tab');
    await page.getByRole('button', { name: 'Move Demo booked up' }).click();
    await expect
      .poll(async () => {
        const p = await t.as<{ data: { stages: { name: string; probability: number }[] }[] }>(
          'GET',
          '/api/v1/crm/pipelines',
        );
        return p.data[0]?.stages.map((s) => s.name).join(',');
      })
      .toBe('New,Qualified lead,Proposal,Demo booked,Negotiation,Won,Lost');

    await open(page, t.app('/crm/pipeline'));
    const columns = await page
      .locator('[data-stage]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')));
    expect(columns).toEqual(['New', 'Qualified lead', 'Proposal', 'Demo booked', 'Negotiation', 'Won', 'Lost']);
  });

  it('bulk tags contacts and deletes them with undo', async () => {
    const { t, page } = await signedIn('bulk');
    const tag = await t.as<{ id: string }>('POST', '/api/v1/crm/tags', { name: 'VIP' });
    const ada = await t.as<Row>('POST', '/api/v1/crm/contacts', { name: 'Ada Lovelace' });
    const bob = await t.as<Row>('POST', '/api/v1/crm/contacts', { name: 'Bob Babbage' });
    const cy = await t.as<Row>('POST', '/api/v1/crm/contacts', { name: 'Cy Clerk' });
    await open(page, t.app('/crm/contacts'));

    await page.getByRole('checkbox', { name: 'Select Ada Lovelace' }).check();
    await page.getByRole('checkbox', { name: 'Select Bob Babbage' }).check();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await bar.getByText('2 selected').waitFor();
    await bar.getByLabel('Tag').selectOption({ label: 'VIP' });
    await bar.getByRole('button', { name: 'Add tag' }).click();
    await expect.poll(async () => (await contact(t, ada.id)).tags.map((x) => x.id)).toEqual([tag.id]);
    expect((await contact(t, bob.id)).tags.map((x) => x.id)).toEqual([tag.id]);
    expect((await contact(t, cy.id)).tags).toEqual([]);

    // Delete, then undo: the rows leave at once and come back; nothing was deleted.
    await page.getByRole('checkbox', { name: 'Select Ada Lovelace' }).check();
    await page.getByRole('checkbox', { name: 'Select Bob Babbage' }).check();
    await bar.getByRole('button', { name: 'Delete selected' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted 2 contacts.' }).waitFor();
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    expect(await status(t, `/api/v1/crm/contacts/${ada.id}`)).toBe(200);

    // Delete one and let it go (Dismiss sends the delete at once).
    await page.getByRole('checkbox', { name: 'Select Cy Clerk' }).check();
    await bar.getByRole('button', { name: 'Delete selected' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted Cy Clerk.' }).waitFor();
    await page.getByRole('button', { name: 'Dismiss and delete now' }).click();
    await expect.poll(() => status(t, `/api/v1/crm/contacts/${cy.id}`)).toBe(404);
    expect(await status(t, `/api/v1/crm/contacts/${bob.id}`)).toBe(200);

    // Leaving the page inside the undo window still deletes (sent as the page goes).
    await page.getByRole('checkbox', { name: 'Select Bob Babbage' }).check();
    await bar.getByRole('button', { name: 'Delete selected' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted Bob Babbage.' }).waitFor();
    await page.goto(t.app('/crm/leads'));
    await expect.poll(() => status(t, `/api/v1/crm/contacts/${bob.id}`)).toBe(404);
  });

  it('edits a note and an activity from the timeline; a blank note shows on its field and keeps the dialog', async () => {
    const { t, page } = await signedIn('notes');
    const ada = await t.as<Row>('POST', '/api/v1/crm/contacts', { name: 'Ada Lovelace' });
    const note = await t.as<{ id: string }>('POST', '/api/v1/crm/notes', {
      contactId: ada.id,
      body: 'Frist call went well',
    });
    const call = await t.as<{ id: string }>('POST', '/api/v1/crm/activities', {
      kind: 'call',
      subject: 'Call Ada',
      contactId: ada.id,
    });
    await open(page, t.app(`/crm/contacts/${ada.id}`));

    await page.getByRole('button', { name: 'Edit note' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit note' });
    const body = dialog.getByLabel('Note');
    await body.fill('   ');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.locator('#nf-body-error').waitFor();
    expect(await body.getAttribute('aria-invalid')).toBe('true');
    expect(await body.inputValue()).toBe('   ');
    await body.fill('First call went well');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('First call went well').waitFor();
    const notes = await t.as<{ data: { id: string; body: string }[] }>('GET', `/api/v1/crm/notes?contactId=${ada.id}`);
    expect(notes.data).toEqual([expect.objectContaining({ id: note.id, body: 'First call went well' })]);

    await page.getByRole('button', { name: 'Edit call: Call Ada' }).click();
    const a = page.getByRole('dialog', { name: 'Edit Call Ada' });
    await a.getByLabel('Subject').fill('Call Ada about the engine');
    await a.getByLabel('Kind').selectOption('meeting');
    await a.getByRole('button', { name: 'Save changes' }).click();
    await a.waitFor({ state: 'hidden' });
    await expect
      .poll(async () => t.as<{ subject: string; kind: string }>('GET', `/api/v1/crm/activities/${call.id}`))
      .toMatchObject({ subject: 'Call Ada about the engine', kind: 'meeting' });
  });

  it("shows a company with its people's deals, and an opportunity with its stage history", async () => {
    const { t, page } = await signedIn('company');
    const co = await t.as<Row>('POST', '/api/v1/crm/contacts', { kind: 'company', name: 'Analytical Engines' });
    const ada = await t.as<Row>('POST', '/api/v1/crm/contacts', { name: 'Ada Lovelace', companyId: co.id });
    const deal = await t.as<{ id: string }>('POST', '/api/v1/crm/opportunities', {
      title: 'Engine No. 2',
      value: '1200.00',
      contactId: ada.id,
    });
    const pipelines = await t.as<{ data: { stages: { id: string; name: string }[] }[] }>(
      'GET',
      '/api/v1/crm/pipelines',
    );
    const proposal = pipelines.data[0]?.stages.find((s) => s.name === 'Proposal');
    await t.as('POST', `/api/v1/crm/opportunities/${deal.id}/move`, { stageId: proposal?.id });

    await open(page, t.app('/crm/companies'));
    await page.getByRole('link', { name: 'Analytical Engines' }).click();
    await page.getByRole('heading', { name: 'Analytical Engines', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    await page.getByRole('link', { name: 'Engine No. 2' }).first().click();
    await page.getByRole('heading', { name: 'Engine No. 2', level: 1 }).waitFor();
    const history = page.getByRole('region', { name: 'Stage history' });
    await history.getByText('Created in New').waitFor();
    await history.getByText('New → Proposal').waitFor();

    // Moving it from its page adds a line.
    await page.getByLabel('Stage', { exact: true }).selectOption({ label: 'Negotiation' });
    await history.getByText('Proposal → Negotiation').waitFor();
  });

  it('merges two duplicates side by side, choosing a field from each', async () => {
    const { t, page } = await signedIn('dupes');
    const ada = await t.as<Row>('POST', '/api/v1/crm/contacts', {
      name: 'Ada Lovelace',
      email: 'ada@engines.test',
      city: 'London',
    });
    const twin = await t.as<Row>('POST', '/api/v1/crm/contacts', {
      name: 'Ada King',
      email: 'ADA@engines.test',
      city: 'Paris',
      phone: '+44 20 7946 0000',
    });
    await t.as('POST', '/api/v1/crm/notes', { contactId: twin.id, body: 'Met at the fair' });
    await open(page, t.app('/crm/settings/duplicates'));
    await page.getByText('Same email').waitFor();
    await page.getByRole('button', { name: /^Review Ada/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge duplicates' });
    // Keep Ada Lovelace, but take the city from Ada King; the phone fills in by itself.
    await dialog.getByRole('radio', { name: 'Ada Lovelace', exact: true }).check();
    await dialog.getByRole('radio', { name: 'City: Paris (Ada King)' }).check();
    await dialog.getByRole('button', { name: 'Merge' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('No likely duplicates among the contacts you can see.').waitFor();

    const kept = await t.as<Row & { city: string; phone: string; email: string }>(
      'GET',
      `/api/v1/crm/contacts/${ada.id}`,
    );
    expect(kept).toMatchObject({
      name: 'Ada Lovelace',
      city: 'Paris',
      phone: '+44 20 7946 0000',
      email: 'ada@engines.test',
    });
    expect(await status(t, `/api/v1/crm/contacts/${twin.id}`)).toBe(404);
    const notes = await t.as<{ data: { body: string }[] }>('GET', `/api/v1/crm/notes?contactId=${ada.id}`);
    expect(notes.data.map((n) => n.body)).toEqual(['Met at the fair']);
  });
});
