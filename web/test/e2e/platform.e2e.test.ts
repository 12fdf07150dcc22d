// The platform in a real browser: sign-up, login and logout, the marketplace enabling and
// disabling crm (its menu and URLs come and go), branding, the shell on a phone.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  afterBrowserTest,
  createTenant,
  newContext,
  open,
  type Platform,
  ready,
  screenshot,
  setTheme,
  signIn,
  startAll,
  type Tenant,
} from './platform.ts';

// Shared by the file: the platform and the browser (starting them is the expensive part). Every
// test makes its own company, users and browser context, so the tests run in any order.
let platform: Platform | undefined;
let browser: Browser;
/** The page of the running test (for the failure screenshot). */
let page: Page | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ({ platform, browser } = await startAll());
}, 90_000);

const base = () => {
  if (!platform) throw new Error('the platform did not start');
  return platform.url;
};

/** A fresh browser context (closed after the test) with one page. */
async function freshPage(width?: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, width);
  contexts.push(context);
  page = await context.newPage();
  return { context, page };
}

/** A company of its own (crm enabled unless told otherwise) and its owner signed in on a fresh page. */
async function signedIn(opts: { crm?: boolean } = {}): Promise<{ t: Tenant; context: BrowserContext; page: Page }> {
  if (!platform) throw new Error('the platform did not start');
  const t = await createTenant(platform, { prefix: 'acme', ...opts });
  const fresh = await freshPage();
  await signIn(fresh.page, t);
  return { t, ...fresh };
}

afterEach(async (ctx) => {
  await afterBrowserTest(ctx.task, page, contexts);
  page = undefined;
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('platform web app', { timeout: 90_000 }, () => {
  it('signs up a company, then logs out and back in (errors shown inline)', async () => {
    const company = {
      name: 'Acme Trading',
      slug: 'acme-trading',
      email: 'owner@acme.test',
      password: 'correct-horse-1',
    };
    const { page } = await freshPage();
    await open(page, `${base()}/signup`);
    await screenshot(page, 'signup-light');
    await page.getByLabel('Company name').fill(company.name);
    await expect.poll(() => page.getByLabel('Company address').inputValue()).toBe(company.slug);
    await page.getByLabel('Your name').fill('Olivia Owner');
    await page.getByLabel('Work email').fill(company.email);
    await page.getByLabel('Password').fill(company.password);
    await page.getByRole('button', { name: 'Create company' }).click();
    await page.waitForURL(`**/t/${company.slug}/admin/marketplace?welcome=1`);
    await expect.poll(() => page.getByTestId('tenant-name').textContent()).toBe(company.name);
    await page.getByText('Your company is ready.').waitFor();

    // The same address cannot be taken twice: the field says why.
    const other = await newContext(browser);
    contexts.push(other);
    const p2 = await other.newPage();
    await open(p2, `${base()}/signup`);
    await p2.getByLabel('Company name').fill(company.name);
    await p2.getByLabel('Work email').fill('someone@else.test');
    await p2.getByLabel('Password').fill(company.password);
    await p2.getByRole('button', { name: 'Create company' }).click();
    await p2.getByText('This address is taken. Pick another one.').waitFor();
    await other.close();

    // Sign out through the user menu.
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`**/t/${company.slug}/auth/login`);
    // Pages behind the login send you to it, and back after it.
    await open(page, `${base()}/t/${company.slug}/admin/marketplace`);
    await page.waitForURL(/\/auth\/login\?next=/);
    await page.getByLabel('Email').fill(company.email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Email or password is incorrect');
    expect(await page.getByLabel('Email').inputValue()).toBe(company.email);
    await screenshot(page, 'login-error-light');
    await page.getByLabel('Password').fill(company.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**/t/${company.slug}/admin/marketplace`);
  });

  it('enables crm from the marketplace; disabling it takes its menu and URLs away', async () => {
    const { t, page } = await signedIn({ crm: false });
    await open(page, t.app('/admin/marketplace'));
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Contacts', exact: true }).count()).toBe(0);
    // Search and category filter.
    await page.getByLabel('Search addons').fill('no such addon');
    await page.getByText('No addon matches your search.').waitFor();
    await page.getByLabel('Search addons').fill('pipeline');
    const card = page.getByTestId('addon-crm');
    await card.waitFor();
    await page.getByLabel('Search addons').fill('');
    await page.getByLabel('Category').selectOption('Sales');
    await card.waitFor();
    await screenshot(page, 'marketplace-light');

    await card.getByRole('button', { name: 'Enable CRM' }).click();
    const dialog = page.getByRole('dialog', { name: 'Enable CRM?' });
    await dialog.getByRole('button', { name: 'Enable', exact: true }).click();
    await card.getByText('Enabled', { exact: true }).waitFor();
    await nav.getByRole('link', { name: 'Contacts', exact: true }).waitFor();
    await nav.getByRole('link', { name: 'Pipeline' }).click();
    await page.waitForURL(t.app('/crm/pipeline'));
    await page.getByRole('heading', { level: 1, name: 'Pipeline' }).waitFor();

    await open(page, t.app('/admin/marketplace'));
    await card.getByRole('button', { name: 'Disable CRM' }).click();
    await page
      .getByRole('dialog', { name: 'Disable CRM?' })
      .getByRole('button', { name: 'Disable', exact: true })
      .click();
    await card.getByText('Not enabled', { exact: true }).waitFor();
    expect(await nav.getByRole('link', { name: 'Contacts', exact: true }).count()).toBe(0);
    const res = await page.goto(t.app('/crm/contacts'));
    expect(res?.status()).toBe(404);
    await ready(page);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    // The shell is still there around the not-found page.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).waitFor();

    // Enabled again, its menu comes back.
    await open(page, t.app('/admin/marketplace'));
    await card.getByRole('button', { name: 'Enable CRM' }).click();
    await page
      .getByRole('dialog', { name: 'Enable CRM?' })
      .getByRole('button', { name: 'Enable', exact: true })
      .click();
    await nav.getByRole('link', { name: 'Contacts', exact: true }).waitFor();
  });

  it('remembers the theme per user and applies the branding colour', async () => {
    const { t, page } = await signedIn();
    await open(page, t.app('/'));
    await setTheme(page, 'dark');
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.className)).toContain('dark');
    await screenshot(page, 'dashboard-dark');
    await open(page, t.app('/admin/marketplace'));
    await screenshot(page, 'marketplace-dark');
    await setTheme(page, 'light');
    await open(page, t.app('/'));
    await screenshot(page, 'dashboard-light');

    await open(page, t.app('/admin/branding'));
    await page.getByLabel('Use my own colour').check();
    await page.getByLabel('Primary colour as hex').fill('#0e7490');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.getByText('Branding saved.').waitFor();
    const primary = await page.evaluate(() =>
      getComputedStyle(document.querySelector('[data-brand]') as Element)
        .getPropertyValue('--primary')
        .trim(),
    );
    expect(primary).toBe('#0e7490');
    await screenshot(page, 'branding-light');
  });

  it('refreshes the session once when two tabs find it expired at the same moment', async () => {
    const { t, context, page } = await signedIn();
    const second = await context.newPage();
    const accessCookie = `ev_${t.slug}_at`;
    for (let round = 0; round < 3; round++) {
      // The access token is gone (as when it expires); both tabs load pages at once.
      await context.clearCookies({ name: accessCookie });
      const [a, b] = await Promise.all([page.goto(t.app('/admin/marketplace')), second.goto(t.app('/'))]);
      // Had either tab presented the spent refresh token, the kernel would have revoked the
      // session and both would be on the login page now.
      expect([a?.url(), b?.url()]).toEqual([t.app('/admin/marketplace'), t.app()]);
      await page.getByRole('heading', { name: 'Marketplace' }).waitFor();
      await second.getByTestId('tenant-name').waitFor();
    }
    await second.close();
  });

  it('serves a tenant on its own host as well (<slug>.localhost)', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'acme' });
    const host = base().replace('127.0.0.1', `${t.slug}.localhost`);
    const { context: own, page: p } = await freshPage();
    await open(p, `${host}/`);
    expect(p.url()).toBe(`${host}/auth/login?next=%2F`);
    await p.getByLabel('Email').fill(t.owner.email);
    await p.getByLabel('Password').fill(t.owner.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(`${host}/`);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts', exact: true }).click();
    await p.waitForURL(`${host}/crm/contacts`);
    await p.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor();
    await own.close();
  });

  it('fits a 375 px phone: the menu opens as a drawer, skip link first', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'acme' });
    const { context: phone, page: p } = await freshPage(375);
    await open(p, t.app('/auth/login'));
    await screenshot(p, 'login-phone-light');
    // Before anyone signs in, the theme follows the system setting.
    await p.emulateMedia({ colorScheme: 'dark' });
    await p.reload();
    await screenshot(p, 'login-phone-dark');
    await p.emulateMedia({ colorScheme: 'light' });
    await p.reload();
    await ready(p);
    await p.getByLabel('Email').fill(t.owner.email);
    await p.getByLabel('Password').fill(t.owner.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(t.app());
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to content');
    await p.keyboard.press('Tab'); // on to the menu button; the skip link hides again
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await p.getByRole('button', { name: 'Open menu' }).click();
    const drawer = p.getByRole('dialog', { name: 'Menu' });
    await drawer.getByRole('link', { name: 'Contacts', exact: true }).waitFor();
    await screenshot(p, 'menu-phone-light');
    await drawer.getByRole('link', { name: 'Contacts', exact: true }).click();
    await p.waitForURL(`**/crm/contacts`);
    // A wide table scrolls inside its card, not the page.
    expect(await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await screenshot(p, 'contacts-phone-light');
    await phone.close();
  });
});
