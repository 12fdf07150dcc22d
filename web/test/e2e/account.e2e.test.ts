// Account flows in a real browser, with the links read from a real SMTP server the test starts:
// accept an invitation (name + password, then signed in) and forgot/reset password.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, startSmtp, type TestSmtp } from '../../../core/test/support/smtp.ts';
import { afterBrowserTest, createTenant, newContext, open, type Platform, signIn, startAll } from './platform.ts';

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

/** The link to `path` in the newest mail to `address` whose subject matches, on the test's platform. */
async function mailedLink(address: string, subject: RegExp, path: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const mail = smtp
      .to(address)
      .filter((m) => subject.test(m.subject ?? ''))
      .at(-1);
    if (mail) {
      const link = new URL(linkIn(mail, path));
      // PUBLIC_URL is not known before the platform picked its port: same path on this platform.
      return `${platform?.url}${link.pathname}${link.search}`;
    }
    if (Date.now() > deadline) throw new Error(`no mail "${subject}" to ${address}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function freshPage(): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  page = await context.newPage();
  return page;
}

describe('account pages', () => {
  it('an admin invites from the Invitations page; the invitee accepts from the mail (weak password refused) and is signed in', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'invite', name: 'Invite Co', crm: false });
    const email = `nina@${t.slug}.test`;
    const admin = await freshPage();
    await signIn(admin, t);
    await admin.getByRole('link', { name: 'Invitations' }).first().click();
    await admin.waitForURL(t.app('/admin/invitations'));
    await admin.getByLabel('Email').fill('not-an-address@x');
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    await expect.poll(() => admin.locator('#invite-email-error').textContent()).toMatch(/must be an email address/);
    await admin.getByLabel('Email').fill(email);
    await admin.getByLabel('Role').selectOption('member');
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    await expect.poll(() => admin.getByRole('cell', { name: email, exact: true }).count()).toBe(1);
    const link = await mailedLink(email, /invited you to Invite Co/, '/accept-invitation');
    const p = await freshPage();
    await open(p, link);
    await expect.poll(() => p.getByRole('heading', { name: 'Join Invite Co' }).isVisible()).toBe(true);
    await p.getByLabel('Your name').fill('Nina Member');
    await p.getByLabel('Password').fill('password123');
    await p.getByRole('button', { name: 'Join' }).click();
    await expect.poll(() => p.locator('#password-error').textContent()).toMatch(/too common/);
    await p.getByLabel('Password').fill('violet-harbour-lamp-42');
    await p.getByRole('button', { name: 'Join' }).click();
    await p.waitForURL(`${platform.url}/t/${t.slug}`);
    // Signed in as the new member: the account menu names her.
    await expect.poll(() => p.getByRole('button', { name: 'Account menu for Nina Member' }).count()).toBe(1);
    // Used: the same link now says so.
    await open(p, link);
    await expect.poll(() => p.getByRole('alert').textContent()).toMatch(/invalid, used, revoked or expired/);
    // Accepted: no longer pending on the admin's page.
    await admin.reload();
    await expect.poll(() => admin.getByText('No pending invitations.').isVisible()).toBe(true);
  });

  it('resets a forgotten password from the emailed link and signs in with the new one', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'reset', name: 'Reset Co', crm: false });
    const p = await freshPage();
    await open(p, t.app('/auth/login'));
    await p.getByRole('link', { name: 'Forgot password?' }).click();
    await p.waitForURL(t.app('/auth/forgot-password'));
    await p.getByLabel('Email').fill(t.owner.email);
    await p.getByRole('button', { name: 'Send reset link' }).click();
    await expect.poll(() => p.getByRole('status').textContent()).toMatch(/a reset link is on its way/);
    const link = await mailedLink(t.owner.email, /Reset your Reset Co password/, '/reset-password');
    await open(p, link);
    await p.getByLabel('New password', { exact: true }).fill('amber-quartz-meadow-7');
    await p.getByLabel('Repeat the new password').fill('amber-quartz-meadow-7');
    await p.getByRole('button', { name: 'Set new password' }).click();
    await expect.poll(() => p.getByRole('status').textContent()).toMatch(/password was changed/);
    await p.getByRole('link', { name: 'Sign in' }).click();
    await p.waitForURL(t.app('/auth/login'));
    await p.getByLabel('Email').fill(t.owner.email);
    await p.getByLabel('Password', { exact: true }).fill('amber-quartz-meadow-7');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(t.app());
  });
});
