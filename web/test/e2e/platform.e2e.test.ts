// The platform in a real browser: sign-up, login and logout, the marketplace enabling and
// disabling crm (its menu and URLs come and go), branding, the shell on a phone.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  newContext,
  open,
  type Platform,
  ready,
  screenshot,
  setTheme,
  startPlatform,
} from './platform.ts';

let platform: Platform;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const company = { name: 'Acme Trading', slug: 'acme-trading', email: 'owner@acme.test', password: 'correct-horse-1' };

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
  context = await newContext(browser);
  page = await context.newPage();
}, 90_000);

// On failure: what the page showed (saved as screenshots/failed-<test>.png) and where it was.
afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail' || !page) return;
  await screenshot(page, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => {});
  console.log(
    `failed at ${page.url()}:\n${(
      await page
        .locator('body')
        .textContent()
        .catch(() => '')
    )?.slice(0, 500)}`,
  );
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('platform web app', { timeout: 90_000 }, () => {
  it('signs up a company, then logs out and back in (errors shown inline)', async () => {
    await open(page, `${platform.url}/signup`);
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
    const other = await context.browser()?.newContext();
    const p2 = await other?.newPage();
    if (!p2) throw new Error('no second page');
    await open(p2, `${platform.url}/signup`);
    await p2.getByLabel('Company name').fill(company.name);
    await p2.getByLabel('Work email').fill('someone@else.test');
    await p2.getByLabel('Password').fill(company.password);
    await p2.getByRole('button', { name: 'Create company' }).click();
    await p2.getByText('This address is taken. Pick another one.').waitFor();
    await other?.close();

    // Sign out through the user menu.
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`**/t/${company.slug}/auth/login`);
    // Pages behind the login send you to it, and back after it.
    await open(page, `${platform.url}/t/${company.slug}/admin/marketplace`);
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
    await open(page, `${platform.url}/t/${company.slug}/admin/marketplace`);
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
    await page.waitForURL(`**/t/${company.slug}/crm/pipeline`);
    await page.getByRole('heading', { level: 1, name: 'Pipeline' }).waitFor();

    await open(page, `${platform.url}/t/${company.slug}/admin/marketplace`);
    await card.getByRole('button', { name: 'Disable CRM' }).click();
    await page
      .getByRole('dialog', { name: 'Disable CRM?' })
      .getByRole('button', { name: 'Disable', exact: true })
      .click();
    await card.getByText('Not enabled', { exact: true }).waitFor();
    expect(await nav.getByRole('link', { name: 'Contacts', exact: true }).count()).toBe(0);
    const res = await page.goto(`${platform.url}/t/${company.slug}/crm/contacts`);
    expect(res?.status()).toBe(404);
    await ready(page);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    // The shell is still there around the not-found page.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).waitFor();

    // Enable it again for the rest of the file.
    await open(page, `${platform.url}/t/${company.slug}/admin/marketplace`);
    await card.getByRole('button', { name: 'Enable CRM' }).click();
    await page
      .getByRole('dialog', { name: 'Enable CRM?' })
      .getByRole('button', { name: 'Enable', exact: true })
      .click();
    await nav.getByRole('link', { name: 'Contacts', exact: true }).waitFor();
  });

  it('remembers the theme per user and applies the branding colour', async () => {
    await open(page, `${platform.url}/t/${company.slug}/`);
    await setTheme(page, 'dark');
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.className)).toContain('dark');
    await screenshot(page, 'dashboard-dark');
    await open(page, `${platform.url}/t/${company.slug}/admin/marketplace`);
    await screenshot(page, 'marketplace-dark');
    await setTheme(page, 'light');
    await open(page, `${platform.url}/t/${company.slug}/`);
    await screenshot(page, 'dashboard-light');

    await open(page, `${platform.url}/t/${company.slug}/admin/branding`);
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
    const second = await context.newPage();
    const accessCookie = `ev_${company.slug}_at`;
    for (let round = 0; round < 3; round++) {
      // The access token is gone (as when it expires); both tabs load pages at once.
      await context.clearCookies({ name: accessCookie });
      const [a, b] = await Promise.all([
        page.goto(`${platform.url}/t/${company.slug}/admin/marketplace`),
        second.goto(`${platform.url}/t/${company.slug}/`),
      ]);
      // Had either tab presented the spent refresh token, the kernel would have revoked the
      // session and both would be on the login page now.
      expect([a?.url(), b?.url()]).toEqual([
        `${platform.url}/t/${company.slug}/admin/marketplace`,
        `${platform.url}/t/${company.slug}`,
      ]);
      await page.getByRole('heading', { name: 'Marketplace' }).waitFor();
      await second.getByTestId('tenant-name').waitFor();
    }
    await second.close();
  });

  it('serves a tenant on its own host as well (<slug>.localhost)', async () => {
    const host = platform.url.replace('127.0.0.1', `${company.slug}.localhost`);
    const own = await newContext(browser);
    const p = await own.newPage();
    await open(p, `${host}/`);
    expect(p.url()).toBe(`${host}/auth/login?next=%2F`);
    await p.getByLabel('Email').fill(company.email);
    await p.getByLabel('Password').fill(company.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(`${host}/`);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts', exact: true }).click();
    await p.waitForURL(`${host}/crm/contacts`);
    await p.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor();
    await own.close();
  });

  it('fits a 375 px phone: the menu opens as a drawer, skip link first', async () => {
    const phone = await newContext(browser, 375);
    const p = await phone.newPage();
    await open(p, `${platform.url}/t/${company.slug}/auth/login`);
    await screenshot(p, 'login-phone-light');
    // Before anyone signs in, the theme follows the system setting.
    await p.emulateMedia({ colorScheme: 'dark' });
    await p.reload();
    await screenshot(p, 'login-phone-dark');
    await p.emulateMedia({ colorScheme: 'light' });
    await p.reload();
    await ready(p);
    await p.getByLabel('Email').fill(company.email);
    await p.getByLabel('Password').fill(company.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(`**/t/${company.slug}`);
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
