// Editing crm records in a real browser: the contact edit dialog (a server validation error on the
// field, the dialog kept), an inline list cell (Enter saves, Escape cancels, an error restores the
// value), and two sessions editing the same contact (the second save gets the conflict message).
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

interface ContactRow {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  city: string | null;
}

async function session(t: Tenant): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  const p = await context.newPage();
  await signIn(p, t);
  return p;
}

/** A company with one contact, Ada Lovelace (email with a typo), and its owner signed in. */
async function withAda(): Promise<{ t: Tenant; ada: ContactRow; page: Page }> {
  if (!platform) throw new Error('the platform did not start');
  const t = await createTenant(platform, { prefix: 'edit', name: 'Edit Co' });
  const ada = await t.as<ContactRow>('POST', '/api/v1/crm/contacts', {
    kind: 'person',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@lovelcae.test',
    city: 'London',
  });
  page = await session(t);
  return { t, ada, page };
}
const contact = (t: Tenant, id: string) => t.as<ContactRow>('GET', `/api/v1/crm/contacts/${id}`);

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

describe('editing crm records', { timeout: 90_000 }, () => {
  it('fixes a typo in an email in the edit dialog; a wrong email shows on the field and keeps the dialog', async () => {
    const { t, ada, page } = await withAda();
    await open(page, t.app(`/crm/contacts/${ada.id}`));
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Ada Lovelace' });
    const email = dialog.getByLabel('Email (optional)');
    await expect.poll(() => email.inputValue()).toBe('ada@lovelcae.test');

    // The browser lets "ada@lovelace" through; the server refuses it, on the field.
    await email.fill('ada@lovelace');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.locator('#cf-email-error').waitFor();
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.isVisible()).toBe(true);
    expect((await contact(t, ada.id)).email).toBe('ada@lovelcae.test');

    await email.fill('ada@lovelace.test');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('link', { name: 'ada@lovelace.test' }).waitFor();
    expect((await contact(t, ada.id)).email).toBe('ada@lovelace.test');
  });

  it('edits a list cell in place: Enter saves, Escape cancels, an error restores the value', async () => {
    const { t, ada, page } = await withAda();
    await open(page, t.app('/crm/contacts'));
    const city = () => page.getByRole('button', { name: /^Edit City of Ada Lovelace/ });
    await city().click();
    await page.getByRole('textbox', { name: 'City of Ada Lovelace' }).fill('Paris');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await contact(t, ada.id)).city).toBe('Paris');
    await expect.poll(() => city().textContent()).toBe('Paris');

    await city().click();
    await page.getByRole('textbox', { name: 'City of Ada Lovelace' }).fill('Rome');
    await page.keyboard.press('Escape');
    await expect.poll(() => city().textContent()).toBe('Paris');

    // A second save from the same cell carries the updatedAt of the first (no false conflict).
    await city().click();
    await page.getByRole('textbox', { name: 'City of Ada Lovelace' }).fill('Lyon');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await contact(t, ada.id)).city).toBe('Lyon');

    const email = () => page.getByRole('button', { name: /^Edit Email of Ada Lovelace/ });
    await email().click();
    await page.getByRole('textbox', { name: 'Email of Ada Lovelace' }).fill('ada@nowhere');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Email' }).waitFor();
    await expect.poll(() => email().textContent()).toBe('ada@lovelcae.test');
    expect((await contact(t, ada.id)).email).toBe('ada@lovelcae.test');
  });

  it('two sessions edit the same contact: the second save gets the conflict message, not an overwrite', async () => {
    const { t, ada, page: first } = await withAda();
    const second = await session(t);
    for (const p of [first, second]) {
      await open(p, t.app(`/crm/contacts/${ada.id}`));
      await p.getByRole('button', { name: 'Edit', exact: true }).click();
    }
    const d1 = first.getByRole('dialog', { name: 'Edit Ada Lovelace' });
    await d1.getByLabel('City (optional)').fill('Paris');
    await d1.getByRole('button', { name: 'Save changes' }).click();
    await d1.waitFor({ state: 'hidden' });

    page = second;
    const d2 = second.getByRole('dialog', { name: 'Edit Ada Lovelace' });
    await d2.getByLabel('Phone (optional)').fill('+44 20 7946 0000');
    await d2.getByRole('button', { name: 'Save changes' }).click();
    await d2.getByRole('alert').filter({ hasText: 'was changed by someone else' }).waitFor();
    expect(await d2.isVisible()).toBe(true);
    const now = await contact(t, ada.id);
    expect(now.city).toBe('Paris');
    expect(now.phone).toBeNull();
  });

  it('edits an opportunity from its board card and a lead from the leads list; a bad value shows on its field', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'edit', name: 'Edit Co' });
    const deal = await t.as<{ id: string }>('POST', '/api/v1/crm/opportunities', {
      title: 'Engine deal',
      value: '100.00',
    });
    const lead = await t.as<{ id: string }>('POST', '/api/v1/crm/leads', { title: 'Fair lead', source: 'web' });
    page = await session(t);

    await open(page, t.app('/crm/pipeline'));
    await page.getByRole('button', { name: 'Edit Engine deal' }).click();
    const d = page.getByRole('dialog', { name: 'Edit Engine deal' });
    await d.getByLabel(/^Value/).fill('12,5');
    await d.getByRole('button', { name: 'Save changes' }).click();
    await d.locator('#of-value-error').waitFor();
    expect(await d.getByLabel(/^Value/).inputValue()).toBe('12,5');
    await d.getByLabel(/^Value/).fill('2500.50');
    await d.getByLabel(/^Expected close date/).fill('2027-03-31');
    await d.getByRole('button', { name: 'Save changes' }).click();
    await d.waitFor({ state: 'hidden' });
    const saved = await t.as<{ value: string; expectedCloseDate: string }>(
      'GET',
      `/api/v1/crm/opportunities/${deal.id}`,
    );
    expect(saved).toMatchObject({ value: '2500.50', expectedCloseDate: '2027-03-31' });

    await open(page, t.app('/crm/leads'));
    await page.getByRole('button', { name: 'Edit Fair lead' }).click();
    const l = page.getByRole('dialog', { name: 'Edit Fair lead' });
    await l.getByLabel('Source').selectOption('event');
    await l.getByLabel('Status').selectOption('qualified');
    await l.getByRole('button', { name: 'Save changes' }).click();
    await l.waitFor({ state: 'hidden' });
    const now = await t.as<{ source: string; status: string }>('GET', `/api/v1/crm/leads/${lead.id}`);
    expect(now).toMatchObject({ source: 'event', status: 'qualified' });

    // The status cell of the list: choosing saves (the row's updatedAt is the one after the dialog's save).
    await page.getByRole('button', { name: /^Edit Status of Fair lead: qualified/ }).click();
    await page.getByRole('combobox', { name: 'Status of Fair lead' }).selectOption('contacted');
    await expect
      .poll(async () => (await t.as<{ status: string }>('GET', `/api/v1/crm/leads/${lead.id}`)).status)
      .toBe('contacted');
    await page.getByRole('button', { name: /^Edit Status of Fair lead: contacted/ }).waitFor();
  });
});
