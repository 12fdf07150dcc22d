// Two-step sign-in and API keys in a real browser: enrol on the profile page (the secret read from
// the page, codes computed with otplib), sign out, sign in with the code, see the dashboard; an
// admin creates an API key (shown once) that then works on the API, and revokes it.

import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

/** CSP violations the pages reported (the QR code is a data: image; the policy must allow it). */
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

describe('two-step sign-in', () => {
  it('enrols on the profile page, signs out, signs in with the code and sees the dashboard', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'mfa', name: 'Mfa Co', crm: false });
    const p = await freshPage();
    await signIn(p, t);
    await p.getByRole('button', { name: /Account menu for/ }).click();
    await p.getByRole('link', { name: 'Your profile' }).click();
    await p.waitForURL(t.app('/profile'));
    // The sessions list shows this browser.
    await expect.poll(() => p.getByRole('cell', { name: /\(this browser\)$/ }).count()).toBe(1);
    await p.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    await expect.poll(() => p.getByAltText('QR code for your authenticator app').isVisible()).toBe(true);
    await screenshot(p, 'profile-mfa-enrol');
    const secret = ((await p.getByTestId('mfa-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await p.locator('input[name="code"]').fill('000000');
    await p.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => p.getByRole('alert').textContent()).toMatch(/not right/);
    await p.locator('input[name="code"]').fill(await generate({ secret }));
    await p.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => p.getByTestId('backup-codes').locator('li').count()).toBe(10);
    await expect.poll(() => p.getByText(/^On\. Signing in asks for a code/).count()).toBe(1);
    await screenshot(p, 'profile-mfa-on');
    // New backup codes, confirmed with one of the old ones.
    const first = ((await p.getByTestId('backup-codes').locator('li').first().textContent()) ?? '').trim();
    await p.getByLabel('Code, for new backup codes').fill(first);
    await p.getByRole('button', { name: 'New backup codes' }).click();
    await expect
      .poll(async () => ((await p.getByTestId('backup-codes').locator('li').first().textContent()) ?? '').trim())
      .not.toBe(first);
    await expect.poll(() => p.getByTestId('backup-codes').locator('li').count()).toBe(10);

    // Sign out, then in again: the password, then the code.
    await p.getByRole('button', { name: /Account menu for/ }).click();
    await p.getByRole('button', { name: 'Sign out', exact: true }).click();
    await p.waitForURL(/\/auth\/login/);
    await open(p, t.app('/auth/login'));
    await p.getByLabel('Email').fill(t.owner.email);
    await p.getByLabel('Password').fill(t.owner.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    const codeField = p.getByLabel('Code from your authenticator app');
    await expect.poll(() => codeField.isVisible()).toBe(true);
    await screenshot(p, 'login-mfa-step');
    await codeField.fill('123456');
    await p.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => p.getByRole('alert').textContent()).toMatch(/not right/);
    // The enrolment spent the current step: the next one's code (accepted within the window).
    await p
      .getByLabel('Code from your authenticator app')
      .fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await p.getByRole('button', { name: 'Verify' }).click();
    await p.waitForURL(t.app());
    await expect.poll(() => p.getByRole('button', { name: `Account menu for ${t.owner.name}` }).count()).toBe(1);
    await expect.poll(() => p.getByRole('link', { name: 'Dashboard' }).count()).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });

  it('an admin requires two-step sign-in; a user without a factor can only enrol, then continues', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'req', name: 'Req Co', crm: false });
    // Requiring it needs a factor of one's own: the owner enrols (API), then signs in with a code.
    const e = await t.as<{ secret: string }>('POST', '/api/v1/core/account/mfa/enrol', {});
    await t.as('POST', '/api/v1/core/account/mfa/confirm', { code: await generate({ secret: e.secret }) });
    const p = await freshPage();
    await open(p, t.app('/auth/login'));
    await p.getByLabel('Email').fill(t.owner.email);
    await p.getByLabel('Password').fill(t.owner.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p
      .getByLabel('Code from your authenticator app')
      .fill(await generate({ secret: e.secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await p.getByRole('button', { name: 'Verify' }).click();
    await p.waitForURL(t.app());
    await p.getByRole('link', { name: 'Security' }).first().click();
    await p.waitForURL(t.app('/admin/security'));
    await p.getByLabel('Everyone must use two-step sign-in').check();
    await expect.poll(() => p.getByText('Two-step sign-in is now required.').count()).toBe(1);
    const settings = await t.as<{ requireMfa: boolean }>('GET', '/api/v1/core/security-settings');
    expect(settings.requireMfa).toBe(true);
    // The owner's factor is reset (a lost phone): this very session is now limited to enrolment.
    const me = await t.as<{ user: { id: string } }>('GET', '/api/v1/core/me');
    await t.as('DELETE', `/api/v1/core/users/${me.user.id}/mfa`);
    await open(p, t.app('/admin/users'));
    await p.waitForURL(t.app('/auth/enrol-mfa'));
    await expect.poll(() => p.getByText('Req Co requires it before you continue.').count()).toBe(1);
    await screenshot(p, 'enrol-mfa-required');
    const blocked = await fetch(`${platform.url}/api/v1/core/addons`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(blocked.status).toBe(403);
    await p.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    const secret = ((await p.getByTestId('mfa-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    await p.getByLabel('Code from the app').fill(await generate({ secret }));
    await p.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => p.getByTestId('backup-codes').locator('li').count()).toBe(10);
    await p.getByRole('link', { name: 'Continue' }).click();
    await p.waitForURL(t.app());
    await expect.poll(() => p.getByRole('link', { name: 'Users' }).count()).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });

  it("on the Users page an admin resets a user's two-step sign-in and signs them out everywhere", async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'adm', name: 'Adm Co', crm: false });
    // The owner has two-step sign-in (set up through the API) and another session (the API's).
    const e = await t.as<{ secret: string }>('POST', '/api/v1/core/account/mfa/enrol', {});
    await t.as('POST', '/api/v1/core/account/mfa/confirm', { code: await generate({ secret: e.secret }) });
    const p = await freshPage();
    // Signing in needs the code now.
    await open(p, t.app('/auth/login'));
    await p.getByLabel('Email').fill(t.owner.email);
    await p.getByLabel('Password').fill(t.owner.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p
      .getByLabel('Code from your authenticator app')
      .fill(await generate({ secret: e.secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await p.getByRole('button', { name: 'Verify' }).click();
    await p.waitForURL(t.app());
    await p.getByRole('link', { name: 'Users' }).first().click();
    await p.waitForURL(t.app('/admin/users'));
    await p.getByRole('button', { name: `Reset 2-step sign-in of ${t.owner.name}` }).click();
    await p.getByRole('dialog').getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => p.getByText(`Two-step sign-in of ${t.owner.name} is reset.`).count()).toBe(1);
    expect((await t.as<{ enabled: boolean }>('GET', '/api/v1/core/account/mfa')).enabled).toBe(false);
    await p.getByRole('button', { name: `Sign out ${t.owner.name} everywhere` }).click();
    await p.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
    // This browser's session ended too: the next page asks to sign in again.
    await open(p, t.app('/admin/users'));
    await p.waitForURL(/\/auth\/login/);
    const me = await fetch(`${platform.url}/api/v1/core/me`, { headers: { authorization: `Bearer ${t.token}` } });
    expect(me.status).toBe(401);
    expect(violations).toEqual([]);
  });

  it('an admin creates an API key, sees it once, and revokes it', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'keys', name: 'Keys Co' });
    const p = await freshPage();
    await signIn(p, t);
    await p.getByRole('link', { name: 'API keys' }).first().click();
    await p.waitForURL(t.app('/admin/api-keys'));
    await p.getByLabel('Name').fill('Website form');
    await p.getByLabel('Permissions').fill('crm.contact.read');
    await p.getByRole('button', { name: 'Create key' }).click();
    const shown = p.getByTestId('new-api-key');
    await expect.poll(() => shown.isVisible()).toBe(true);
    await screenshot(p, 'api-key-shown');
    const key = ((await shown.textContent()) ?? '').trim();
    expect(key).toMatch(/^ek_live_/);
    const call = () =>
      fetch(`${platform?.url}/api/v1/crm/contacts`, { headers: { authorization: `Bearer ${key}` } }).then(
        (r) => r.status,
      );
    expect(await call()).toBe(200);
    await p.getByRole('button', { name: 'Done' }).click();
    // Listed by its prefix only.
    await expect.poll(() => p.getByRole('cell', { name: `${key.slice(0, 16)}…` }).count()).toBe(1);
    expect(await p.content()).not.toContain(key);
    await p.getByRole('button', { name: 'Revoke the key Website form' }).click();
    await p.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => p.getByRole('cell', { name: 'Revoked' }).count()).toBe(1);
    await screenshot(p, 'api-keys-list');
    expect(violations).toEqual([]);
    expect(await call()).toBe(401);
  });
});
