// The web app under its Content-Security-Policy: the main pages load, hydrate and work with no
// CSP violation in the browser console (SvelteKit hashes its inline scripts; vite.config.ts hashes
// the one in app.html), and every page answer carries the policy and the other security headers.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { afterBrowserTest, createTenant, newContext, open, type Platform, signIn, startAll } from './platform.ts';

let platform: Platform | undefined;
let browser: Browser;
let page: Page | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // One trusted proxy (the test's X-Forwarded-For plays the browser's address); 3 failed logins per address.
  ({ platform, browser } = await startAll({ TRUST_PROXY: '1', THROTTLE_LOGIN_IP: '3/600' }));
}, 90_000);

afterEach(async (ctx) => {
  await afterBrowserTest(ctx.task, page, contexts);
  page = undefined;
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** A page that records every CSP violation: console errors and `securitypolicyviolation` events. */
async function watchedPage(headers: Record<string, string> = {}): Promise<{ page: Page; violations: string[] }> {
  const context = await newContext(browser);
  await context.setExtraHTTPHeaders(headers);
  contexts.push(context);
  const violations: string[] = [];
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const p = await context.newPage();
  p.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy|CSP violation/i.test(text)) violations.push(text);
  });
  page = p;
  return { page: p, violations };
}

describe('Content-Security-Policy', { timeout: 90_000 }, () => {
  it('the main pages load and work with no CSP violation', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'csp' });
    await t.as('POST', '/api/v1/crm/contacts', { name: 'Ada Lovelace', email: 'ada@example.test' });
    const { page, violations } = await watchedPage();

    const signup = await page.goto(`${platform.url}/signup`);
    const csp = signup?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self' 'sha256-");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(signup?.headers()['x-content-type-options']).toBe('nosniff');
    expect(signup?.headers()['x-frame-options']).toBe('DENY');
    await page.waitForFunction(() => document.documentElement.dataset.ready === '1');

    await signIn(page, t); // the login page, its form, the redirect to the dashboard
    for (const path of [
      '',
      '/crm/contacts',
      '/crm/pipeline',
      '/crm/leads',
      '/crm/activities',
      '/admin/marketplace',
      '/admin/branding',
    ]) {
      await open(page, t.app(path));
      await page.waitForLoadState('networkidle').catch(() => {});
    }
    // A client-side navigation and a detail page.
    await open(page, t.app('/crm/contacts'));
    await page.getByRole('link', { name: 'Ada Lovelace' }).first().click();
    await page.waitForURL(/\/crm\/contacts\/[0-9a-f-]{36}/);
    await page.getByText('ada@example.test').first().waitFor();

    // The inline theme script ran under the policy (it is hashed, not blocked).
    expect(violations).toEqual([]);
    const tzCookie = await page.evaluate(() => document.cookie);
    expect(tzCookie).toContain('ev_tz=');
  });

  it('the API pages (GraphiQL, the REST reference) load under their own policies with no violation', async () => {
    if (!platform) throw new Error('the platform did not start');
    const { page, violations } = await watchedPage();
    const gql = await page.goto(`${platform.url}/graphql`);
    expect(gql?.headers()['content-security-policy']).toMatch(/script-src 'self' 'sha256-[^']+'/);
    await page.locator('.graphiql-container').first().waitFor();
    await page.locator('.graphiql-query-editor, .graphiql-editor').first().waitFor();
    await page.waitForLoadState('networkidle').catch(() => {});
    expect(violations).toEqual([]);
    await page.goto(`${platform.url}/api/v1/docs`);
    await page.waitForLoadState('networkidle').catch(() => {});
    // Scalar's bundle probes once whether it may compile code (zod: `try { Function('') } catch`) and
    // falls back when not: that refused probe is the policy working, and the only report expected.
    const others = violations.filter((v) => !/script-src eval .*\/api\/v1\/docs\/scalar\.js/.test(v));
    expect(others).toEqual([]);
  });

  it('blocks a script injected into the page (the policy is enforced, not only sent)', async () => {
    if (!platform) throw new Error('the platform did not start');
    const { page, violations } = await watchedPage();
    await open(page, `${platform.url}/signup`);
    const ran = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true;';
      document.head.append(s);
      await new Promise((r) => setTimeout(r, 100));
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    expect(violations.length).toBeGreaterThan(0);
  });
});

describe('limits per address through the web app', { timeout: 90_000 }, () => {
  it("counts the browser's address, not the web server's: one address is limited, another signs in", async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'fwd', crm: false });
    const { page: guesser } = await watchedPage({ 'x-forwarded-for': '203.0.113.7' });
    await open(guesser, t.app('/auth/login'));
    const emails = ['a', 'b', 'c', 'd'].map((u) => `${u}@${t.slug}.test`);
    for (const email of emails) {
      await guesser.getByLabel('Email').fill(email);
      await guesser.getByLabel('Password').fill('not-the-password');
      await Promise.all([
        guesser.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/auth/login')),
        guesser.getByRole('button', { name: 'Sign in' }).click(),
      ]);
    }
    await guesser.getByText(/Too many attempts; try again in \d+ s/).waitFor();
    // The owner, from another address, is not held back by the guesser (the web server calls the
    // API for both from 127.0.0.1: without the forwarded address they would share one budget).
    const { page: owner } = await watchedPage({ 'x-forwarded-for': '198.51.100.9' });
    await signIn(owner, t);
    expect(owner.url()).toBe(t.app());
  });
});
