// Administration → Users in a real browser: an admin changes a member's role and the member's menu
// changes on their next page load; an admin deactivates a user and that user's next navigation
// lands on the login page.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, startSmtp, type TestSmtp } from '../../../core/test/support/smtp.ts';
import {
  afterBrowserTest,
  api,
  createTenant,
  newContext,
  open,
  type Platform,
  screenshot,
  signIn,
  startAll,
  type Tenant,
} from './platform.ts';

let platform: Platform | undefined;
let browser: Browser;
let smtp: TestSmtp;
let page: Page | undefined;
const contexts: BrowserContext[] = [];
const PASSWORD = 'violet-harbour-lamp-42';

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

/** CSP violations seen by any page of the test (console errors, `securitypolicyviolation` events). */
const violations: string[] = [];

async function freshPage(): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page = await context.newPage();
  page.on('console', (msg) => {
    if (/Content Security Policy|CSP violation/i.test(msg.text())) violations.push(msg.text());
  });
  return page;
}

/** A member of the tenant, joined through a real invitation (the link read from the SMTP server). */
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

async function signInAs(p: Page, t: Tenant, email: string): Promise<void> {
  await open(p, t.app('/auth/login'));
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.waitForURL(t.app());
}

describe('Administration → Users', () => {
  it("an admin makes a member a manager; the member's menu changes on their next page load", async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'roles', name: 'Roles Co' });
    const email = await member(t, 'Mona Member');
    const m = await freshPage();
    await signInAs(m, t, email);
    await expect.poll(() => m.getByRole('link', { name: 'Contacts' }).count()).toBeGreaterThan(0);
    expect(await m.getByRole('link', { name: 'Import contacts' }).count()).toBe(0);

    const admin = await freshPage();
    await signIn(admin, t);
    await admin.getByRole('link', { name: 'Users' }).first().click();
    await admin.waitForURL(t.app('/admin/users'));
    await admin.getByRole('button', { name: 'Change the roles of Mona Member' }).first().click();
    const dialog = admin.getByRole('dialog', { name: 'Roles of Mona Member' });
    await dialog.getByRole('checkbox', { name: /^Member/ }).uncheck();
    await dialog.getByRole('checkbox', { name: /^Manager/ }).check();
    await dialog.getByRole('button', { name: 'Save roles' }).click();
    await expect.poll(() => admin.getByRole('cell', { name: 'Manager', exact: true }).count()).toBeGreaterThan(0);

    // The member's same session, next page load: the manager's menu entry is there.
    await m.reload();
    await expect.poll(() => m.getByRole('link', { name: 'Import contacts' }).count()).toBeGreaterThan(0);
  });

  it("an admin deactivates a user; that user's next navigation goes to the login page", async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'deact', name: 'Deact Co' });
    const email = await member(t, 'Dora Leaver');
    const d = await freshPage();
    await signInAs(d, t, email);

    const admin = await freshPage();
    await signIn(admin, t);
    await open(admin, t.app('/admin/users'));
    await admin.getByRole('button', { name: 'Deactivate Dora Leaver' }).first().click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
    await expect.poll(() => admin.getByRole('cell', { name: 'Deactivated', exact: true }).count()).toBeGreaterThan(0);

    await d.getByRole('link', { name: 'Contacts' }).first().click();
    await d.waitForURL((u) => u.pathname === `/t/${t.slug}/auth/login`);
    expect(new URL(d.url()).searchParams.get('ended')).toBe('1');
    // And she cannot sign in again.
    await d.getByLabel('Email').fill(email);
    await d.getByLabel('Password').fill(PASSWORD);
    await d.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => d.getByRole('alert').textContent()).toMatch(/incorrect/i);
  });

  it('the roles editor builds a custom role from the permission table; the teams page makes a team', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'editor', name: 'Editor Co' });
    await member(t, 'Max Member');
    const admin = await freshPage();
    await signIn(admin, t);
    await admin.getByRole('link', { name: 'Roles' }).first().click();
    await admin.waitForURL(t.app('/admin/roles'));
    await admin.getByRole('button', { name: 'New role' }).click();
    const form = admin.getByRole('form', { name: 'New role' });
    await form.getByLabel('Name').fill('Contact viewer');
    await form.getByRole('checkbox', { name: /^See contacts and companies/ }).check();
    await form.getByLabel('Which records: See contacts and companies').selectOption('own');
    await form.getByRole('button', { name: 'Create role' }).click();
    await expect.poll(() => admin.getByRole('button', { name: /Contact viewer/ }).count()).toBe(1);
    const roles = await t.as<{ data: { key: string; permissions: string[] }[] }>('GET', '/api/v1/core/roles');
    expect(roles.data.find((r) => r.key === 'contact-viewer')?.permissions).toEqual(['crm.contact.read@own']);
    await screenshot(admin, 'admin-roles');

    await admin.getByRole('link', { name: 'Teams' }).first().click();
    await admin.waitForURL(t.app('/admin/teams'));
    await admin.getByRole('button', { name: 'New team' }).click();
    const dialog = admin.getByRole('dialog', { name: 'New team' });
    await dialog.getByLabel('Name').fill('North');
    await dialog.getByLabel('Manager').selectOption({ label: 'Olivia Owner' });
    await dialog.getByRole('checkbox', { name: /Max Member/ }).check();
    await dialog.getByRole('button', { name: 'Save team' }).click();
    await expect.poll(() => admin.getByRole('cell', { name: 'North', exact: true }).count()).toBeGreaterThan(0);
    const teams = await t.as<{ data: { name: string; memberIds: string[] }[] }>('GET', '/api/v1/core/teams');
    expect(teams.data.map((x) => [x.name, x.memberIds.length])).toEqual([['North', 2]]);
    await screenshot(admin, 'admin-teams');
    await open(admin, t.app('/admin/users'));
    await screenshot(admin, 'admin-users');
    expect(violations).toEqual([]);
  });
});
