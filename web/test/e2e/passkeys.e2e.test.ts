// Passkeys in the real Chromium with a virtual authenticator (CDP WebAuthn domain): add one on the
// profile page, sign out, sign in with the password and then the passkey, remove it. The pages
// are opened on localhost: the relying party is PUBLIC_URL's host (localhost by default), and
// browsers allow WebAuthn on http only there.

import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  afterBrowserTest,
  createTenant,
  newContext,
  open,
  type Platform,
  screenshot,
  setTheme,
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

async function withAuthenticator(p: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

describe('passkeys', () => {
  it('adds a passkey on the profile page, signs in with it, removes it', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'pk', name: 'Passkey Co', crm: false });
    const local = (path: string) => `${platform?.url.replace('127.0.0.1', 'localhost')}/t/${t.slug}${path}`;
    const context = await newContext(browser);
    contexts.push(context);
    const p = await context.newPage();
    page = p;
    const { cdp, authenticatorId } = await withAuthenticator(p);
    const signInWithPassword = async () => {
      await open(p, local('/auth/login'));
      await p.getByLabel('Email').fill(t.owner.email);
      await p.getByLabel('Password').fill(t.owner.password);
      await p.getByRole('button', { name: 'Sign in' }).click();
    };
    await signInWithPassword();
    await p.waitForURL(local(''));

    await open(p, local('/profile'));
    await expect.poll(() => p.getByText('No passkeys yet.').first().isVisible()).toBe(true);
    await p.getByLabel('Name of the new passkey').fill('Work laptop');
    await p.getByRole('button', { name: 'Add a passkey' }).click();
    await expect
      .poll(
        async () => (await p.getByRole('alert').count()) + (await p.getByRole('cell', { name: 'Work laptop' }).count()),
      )
      .toBeGreaterThan(0);
    // A refusal shows its reason: fail with it rather than a timeout.
    if (await p.getByRole('alert').count())
      throw new Error(`${p.url()}: ${await p.getByRole('alert').first().textContent()}`);
    await expect.poll(() => p.getByRole('cell', { name: 'Work laptop', exact: true }).count()).toBe(1);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    await screenshot(p, 'profile-passkeys');
    await setTheme(p, 'dark');
    await screenshot(p, 'profile-passkeys-dark');
    const status = await t.as<{ passkeys: number; enabled: boolean }>('GET', '/api/v1/core/account/mfa');
    expect(status).toMatchObject({ passkeys: 1, enabled: false });

    // Sign out; the password step now asks for the passkey (no authenticator app: no code field).
    await p.getByRole('button', { name: /Account menu for/ }).click();
    await p.getByRole('button', { name: 'Sign out', exact: true }).click();
    await p.waitForURL(/\/auth\/login/);
    await signInWithPassword();
    await expect.poll(() => p.getByRole('button', { name: 'Use a passkey' }).isVisible()).toBe(true);
    expect(await p.getByLabel('Code from your authenticator app').count()).toBe(0);
    await screenshot(p, 'login-passkey-step');
    await p.getByRole('button', { name: 'Use a passkey' }).click();
    await p.waitForURL(local(''));
    const after = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    expect(after[0]?.signCount).toBeGreaterThan(0);

    await open(p, local('/profile'));
    await p.getByRole('button', { name: 'Remove the passkey Work laptop' }).click();
    await p.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => p.getByText('No passkeys yet.').first().isVisible()).toBe(true);
    expect((await t.as<{ data: unknown[] }>('GET', '/api/v1/core/account/webauthn')).data).toEqual([]);
  });
});
