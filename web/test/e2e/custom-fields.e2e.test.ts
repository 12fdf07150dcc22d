// Custom fields in a real browser: an admin adds a select field to contacts in Settings → Custom
// fields, a member fills it in on a contact's form and sees it in the contacts list and on the
// contact's page; the new screens pass the crawl's checks (axe at 1440, layout at 375) in both
// themes, with screenshots (web/test/screenshots/custom-fields-<page>-<width>-<theme>.png).

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, startSmtp, type TestSmtp } from '../../../core/test/support/smtp.ts';
import { pageChecker } from './check-pages.ts';
import {
  afterBrowserTest,
  api,
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
let smtp: TestSmtp;
let page: Page | undefined;
const contexts: BrowserContext[] = [];
const PASSWORD = 'amber-field-lantern-17';

beforeAll(async () => {
  smtp = await startSmtp();
  ({ platform, browser } = await startAll({ SMTP_URL: smtp.url }));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await smtp?.close();
});
afterEach(async (ctx) => afterBrowserTest(ctx.task, page, contexts));

async function freshPage(): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  page = await context.newPage();
  return page;
}

/** A member joined through a real invitation (the link read from the SMTP server). */
async function member(t: Tenant, name: string): Promise<string> {
  const email = `${name.split(' ')[0]?.toLowerCase()}@${t.slug}.test`;
  await t.as('POST', '/api/v1/core/invitations', { email, role: 'member' });
  const deadline = Date.now() + 20_000;
  while (smtp.to(email).length === 0) {
    if (Date.now() > deadline) throw new Error(`no invitation mail to ${email}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const token = new URL(linkIn(smtp.to(email)[0] as { text?: string }, '/accept-invitation')).searchParams.get('token');
  await api(t.base, 'POST', '/api/v1/auth/invitations/accept', { token, name, password: PASSWORD });
  return email;
}

const checkPages = pageChecker('custom-fields');

describe('custom fields', { timeout: 180_000 }, () => {
  it('an admin adds a select field to contacts; a member fills it in and sees it in the list', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'cfe2e', name: 'Fields Co' });
    const ada = await t.as<{ id: string }>('POST', '/api/v1/crm/contacts', { firstName: 'Ada', lastName: 'Lovelace' });
    const email = await member(t, 'Mona Member');
    // The contact is the member's, so their record rule shows it.
    const users = await t.as<{ data: { id: string; email: string }[] }>('GET', '/api/v1/core/users');
    const mona = users.data.find((u) => u.email === email)?.id;
    await t.as('PATCH', `/api/v1/crm/contacts/${ada.id}`, { ownerId: mona });

    // The admin (the owner) adds the field on the settings screen.
    const admin = await freshPage();
    await signIn(admin, t);
    await open(admin, t.app('/admin/custom-fields'));
    await admin.getByRole('button', { name: 'Add field' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Add a custom field' });
    await dialog.getByLabel('Label').fill('Customer tier');
    await expect.poll(() => dialog.getByLabel('Key').inputValue()).toBe('customer_tier');
    await dialog.getByLabel('Type').selectOption('select');
    await dialog.getByLabel('Options').fill('Gold\nSilver\nBronze');
    await dialog.getByLabel('Filterable (indexed for fast list filters)').check();
    await dialog.getByRole('button', { name: 'Add field' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await admin.getByRole('cell', { name: 'customer_tier' }).first().waitFor();
    const defs = await t.as<{ data: { key: string; type: string; options: { id: string }[] }[] }>(
      'GET',
      '/api/v1/core/custom-fields?model=crm.contact',
    );
    expect(defs.data).toMatchObject([
      { key: 'customer_tier', type: 'select', options: [{ id: 'gold' }, { id: 'silver' }, { id: 'bronze' }] },
    ]);
    await checkPages(admin, t, [['settings', t.app('/admin/custom-fields')]]);

    // The member fills it in on the contact's edit form.
    const m = await freshPage();
    await open(m, t.app('/auth/login'));
    await m.getByLabel('Email').fill(email);
    await m.getByLabel('Password').fill(PASSWORD);
    await m.getByRole('button', { name: 'Sign in' }).click();
    await m.waitForURL(t.app());
    await open(m, t.app(`/crm/contacts/${ada.id}`));
    await m.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = m.getByRole('dialog', { name: 'Edit Ada Lovelace' });
    await form.getByLabel('Customer tier').selectOption({ label: 'Silver' });
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'hidden' });
    const stored = await t.as<{ custom: Record<string, unknown> }>('GET', `/api/v1/crm/contacts/${ada.id}`);
    expect(stored.custom).toEqual({ customer_tier: 'silver' });

    // The list shows the column and the value (at 1440, where the column is shown).
    await m.setViewportSize({ width: 1440, height: 860 });
    await open(m, t.app('/crm/contacts'));
    await m.getByRole('columnheader', { name: 'Customer tier' }).waitFor();
    const row = m.getByRole('row', { name: /Ada Lovelace/ });
    await expect.poll(() => row.textContent()).toContain('Silver');
    await checkPages(m, t, [
      ['contacts', t.app('/crm/contacts')],
      ['contact', t.app(`/crm/contacts/${ada.id}`)],
    ]);
  });
});

describe('custom fields on leads, and saved views on the new lists', { timeout: 180_000 }, () => {
  it('a lead gets a filterable field in the new-lead dialog; the list filters by it and saves the filter as a view', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'cfl2e', name: 'Leads Co' });
    await t.as('POST', '/api/v1/core/addons/sales/enable', {});
    await t.as('POST', '/api/v1/core/custom-fields', {
      model: 'crm.lead',
      key: 'tier',
      label: 'Tier',
      type: 'select',
      filterable: true,
      options: [{ label: 'Gold' }, { label: 'Silver' }],
    });
    await t.as('POST', '/api/v1/core/custom-fields', {
      model: 'inventory.product',
      key: 'shelf_life',
      label: 'Shelf life',
      type: 'number',
      filterable: true,
    });
    await t.as('POST', '/api/v1/crm/leads', { title: 'Silver lead', custom: { tier: 'silver' } });
    await t.as('POST', '/api/v1/inventory/products', { sku: 'MILK-1', name: 'Milk', custom: { shelf_life: '10' } });

    const p = await freshPage();
    await p.setViewportSize({ width: 1440, height: 860 });
    await signIn(p, t);
    await open(p, t.app('/crm/leads'));
    await p.getByRole('button', { name: 'New lead' }).click();
    const dialog = p.getByRole('dialog', { name: 'New lead' });
    await dialog.getByLabel('Title').fill('Gold lead');
    await dialog.getByLabel('Tier').selectOption({ label: 'Gold' });
    await dialog.getByRole('button', { name: 'Add lead' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await p.getByRole('columnheader', { name: 'Tier' }).waitFor();
    await expect.poll(() => p.getByRole('row', { name: /Gold lead/ }).textContent()).toContain('Gold');

    // The filter above the views bar: in the URL, then saved as a view with its count.
    await p.getByTestId('custom-filters').getByLabel('Tier').selectOption({ label: 'Gold' });
    await p.waitForURL(/custom\.tier=gold/);
    await expect.poll(() => p.getByRole('row', { name: /(Gold|Silver) lead/ }).count()).toBe(1);
    await p.getByRole('button', { name: 'Save as new view' }).click();
    const save = p.getByRole('dialog', { name: 'Save as new view' });
    await save.getByLabel('Name').fill('Gold leads');
    await save.getByRole('button', { name: 'Save view' }).click();
    await p.waitForURL(/view=[0-9a-f-]{36}/);
    const views = await t.as<{ data: { name: string; filters: Record<string, string>; count: number }[] }>(
      'GET',
      '/api/v1/core/views?list=crm.leads&counts=true',
    );
    expect(views.data).toMatchObject([{ name: 'Gold leads', filters: { 'custom.tier': 'gold' }, count: 1 }]);

    await checkPages(p, t, [
      ['leads', t.app('/crm/leads')],
      ['products', t.app('/inventory')],
      ['quotes', t.app('/sales/quotes')],
      ['invoices', t.app('/sales/invoices')],
    ]);
  });
});
