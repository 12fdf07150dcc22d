// One person, two companies, in a real browser: an admin of B invites into a custom role
// (Administration → Invitations lists it); the invitee, who has an account in A, joins with it
// on the accept page (the link read from the SMTP server); the profile page's switcher lists
// both companies and switches between them with no second password.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, startSmtp, type TestSmtp } from '../../../core/test/support/smtp.ts';
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
let smtp: TestSmtp;
let page: Page | undefined;
const contexts: BrowserContext[] = [];

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

async function freshPage(width?: number): Promise<Page> {
  const context = await newContext(browser, width);
  contexts.push(context);
  page = await context.newPage();
  return page;
}

describe('one person, several companies', () => {
  it('invites into a custom role; the invitee joins with their account elsewhere and switches companies', async () => {
    if (!platform) throw new Error('the platform did not start');
    const a = await createTenant(platform, { prefix: 'home', name: 'Home Co', crm: false });
    const b = await createTenant(platform, { prefix: 'join', name: 'Join Co', crm: false });
    await b.as('POST', '/api/v1/core/roles', { name: 'Auditor', permissions: ['core.audit.read'] });
    // B's admin invites A's owner into the custom role from the Invitations page.
    const admin = await freshPage();
    await signIn(admin, b);
    await open(admin, b.app('/admin/invitations'));
    await admin.getByLabel('Email').fill(a.owner.email);
    await admin.getByLabel('Role').selectOption({ label: 'Auditor' });
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    await expect.poll(() => admin.getByRole('cell', { name: a.owner.email, exact: true }).count()).toBe(1);
    await expect.poll(() => admin.getByRole('cell', { name: 'Auditor', exact: true }).count()).toBe(1);
    await screenshot(admin, 'invitations-custom-role');

    // (Their first mail is the sign-up's verification link.)
    const invitation = () =>
      smtp.to(a.owner.email).find((m) => (m as { text?: string }).text?.includes('/accept-invitation'));
    await expect.poll(() => Boolean(invitation()), { timeout: 20_000 }).toBe(true);
    const link = linkIn(invitation() as { text?: string }, '/accept-invitation');
    const p = await freshPage(375);
    await open(p, `${platform.url}/accept-invitation?${new URL(link).searchParams}`);
    await p.getByRole('button', { name: 'I already have an account in another company' }).click();
    await p.getByLabel('Company address you sign in to').fill(a.slug);
    await p.getByLabel('Password of that account').fill('wrong-password-here');
    await p.getByRole('button', { name: 'Join' }).click();
    await expect.poll(() => p.getByText('Does not match an account with this email there.').count()).toBe(1);
    await p.getByLabel('Password of that account').fill(a.owner.password);
    await p.getByRole('button', { name: 'Join' }).click();
    await p.waitForURL(b.app());
    const scroll = await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(scroll).toBe(true);

    // The profile lists both companies; switching opens A with no password asked.
    await open(p, b.app('/profile'));
    await expect.poll(() => p.getByRole('heading', { name: 'Your companies' }).count()).toBe(1);
    await screenshot(p, 'profile-companies-phone');
    await p.getByRole('button', { name: 'Switch to Home Co' }).click();
    await p.waitForURL(a.app());
    await open(p, a.app('/profile'));
    await p.getByRole('button', { name: 'Switch to Join Co' }).click();
    await p.waitForURL(b.app());
  });
});
