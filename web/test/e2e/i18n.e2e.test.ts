// Languages in a real browser: the login page follows the browser's language (Accept-Language)
// and its chooser; a user picks German on the profile page and sees the shell, a crm page and a
// date in German (the locale follows the language, as they set none). Screenshots at 1440 and
// 375 px in both themes: i18n-contacts-{1440,375}-{light,dark}.png. Every addon's pages and the
// admin pages in German: the heading from the German catalogue and no English text of it on the
// page (i18n-pages-*-375-dark.png).
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { afterBrowserTest, createTenant, open, type Platform, screenshot, signIn, startAll } from './platform.ts';

let platform: Platform | undefined;
let browser: Browser;
let page: Page | undefined;
const contexts: BrowserContext[] = [];

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

const ZONE = 'Europe/Berlin';

async function context(width: number, locale: string): Promise<BrowserContext> {
  const c = await browser.newContext({
    viewport: { width, height: 860 },
    colorScheme: 'light',
    locale,
    timezoneId: ZONE,
  });
  c.setDefaultTimeout(15_000);
  contexts.push(c);
  return c;
}

describe('languages', { timeout: 120_000 }, () => {
  it('the login page follows the browser language, and its chooser switches it', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'i18n-login', name: 'Sprach GmbH', crm: false });
    page = await (await context(1440, 'de-DE')).newPage();
    await open(page, t.app('/auth/login'));
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.getByLabel('Passwort').count()).toBe(1);
    const chooser = page.getByRole('navigation', { name: 'Sprache' });
    expect(await chooser.getByRole('link', { name: 'Deutsch' }).getAttribute('aria-current')).toBe('true');

    await chooser.getByRole('link', { name: 'Español' }).click();
    await page.getByRole('heading', { name: 'Iniciar sesión' }).waitFor();
    await page.getByRole('navigation', { name: 'Idioma' }).waitFor();
    // Remembered (cookie) on the next visit without ?lang; a wrong password is said in Spanish.
    await open(page, t.app('/auth/login'));
    await page.getByLabel('Correo electrónico').fill(t.owner.email);
    await page.getByLabel('Contraseña').fill('not-the-password');
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await expect
      .poll(() => page?.getByRole('alert').textContent())
      .toContain('El correo o la contraseña no son correctos');
  });

  it('a user switches to German on the profile: shell, contacts and dates in German', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'i18n', name: 'Sprachschule' });
    const ada = await t.as<{ id: string; createdAt: string }>('POST', '/api/v1/crm/contacts', {
      name: 'Ada Lovelace',
      email: 'ada@example.org',
      city: 'London',
    });
    page = await (await context(1440, 'en-US')).newPage();
    await signIn(page, t);
    await page.getByRole('link', { name: 'Contacts' }).first().waitFor();

    await open(page, t.app('/profile'));
    await page.getByLabel('Language', { exact: true }).selectOption('de');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    // Saving reloads the page: rendered by the server in German.
    await page.getByRole('heading', { name: 'Ihr Profil' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    // The locale follows the language: German dates, in the browser's time zone.
    const sample = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeStyle: 'short', timeZone: ZONE }).format(
      new Date('2026-12-01T05:00:00Z'),
    );
    expect(await page.getByTestId('format-sample').textContent()).toContain(sample);
    expect(await page.getByTestId('format-sample').textContent()).toMatch(/1\.234,50\s€/);

    // The shell: sidebar, top bar, user menu, search dialog.
    const nav = page.getByRole('navigation', { name: 'Hauptmenü' });
    await open(page, t.app('/crm/contacts'));
    for (const label of ['Übersicht', 'Kontakte', 'Firmen', 'Verkaufschancen', 'Aktivitäten']) {
      await nav.getByRole('link', { name: label, exact: true }).first().waitFor();
    }
    expect(await nav.getByText('Verwaltung').count()).toBe(1);
    await page.getByRole('button', { name: 'Kontomenü von Olivia Owner' }).click();
    await page.getByRole('link', { name: 'Ihr Profil' }).waitFor();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Suche' });
    await dialog.waitFor();
    await dialog.getByRole('combobox', { name: 'Datensätze durchsuchen' }).fill('zzzzqx');
    await expect.poll(() => dialog.getByTestId('search-status').textContent()).toBe('Keine Ergebnisse für „zzzzqx“');
    await page.keyboard.press('Escape');

    // The crm page: heading, table headers, the date of the row, the paging.
    await page.getByRole('heading', { name: 'Kontakte', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Kontakte' });
    for (const header of ['Name', 'E-Mail', 'Ort', 'Hinzugefügt', 'Tags']) {
      await table.getByRole('columnheader', { name: header }).first().waitFor();
    }
    const added = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeZone: ZONE }).format(
      new Date(ada.createdAt),
    );
    expect(added).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
    await table
      .getByRole('row', { name: /Ada Lovelace/ })
      .getByText(added)
      .waitFor();
    expect(await page.getByText('1–1 von 1').count()).toBe(1);
    await page.getByRole('button', { name: 'Neuer Kontakt' }).waitFor();
    await screenshot(page, 'i18n-contacts-1440-light');
    await setThemeDe(page, 'dark');
    await screenshot(page, 'i18n-contacts-1440-dark');

    // The contact page.
    await table.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.waitForURL(t.app(`/crm/contacts/${ada.id}`));
    await page.getByRole('heading', { name: 'Verlauf', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Bearbeiten' }).first().waitFor();
    await page.getByText('Notiz hinzufügen').waitFor();

    // 375 px: the drawer's menu in German.
    const narrow = await (await context(375, 'en-US')).newPage();
    await signIn(narrow, t);
    await open(narrow, t.app('/crm/contacts'));
    await narrow.getByRole('heading', { name: 'Kontakte', level: 1 }).waitFor();
    await screenshot(narrow, 'i18n-contacts-375-light');
    await setThemeDe(narrow, 'dark');
    await screenshot(narrow, 'i18n-contacts-375-dark');
    await narrow.getByRole('button', { name: 'Menü öffnen' }).click();
    await narrow.getByRole('dialog', { name: 'Menü' }).getByRole('link', { name: 'Kontakte', exact: true }).waitFor();
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // Back to the browser's language: English again.
    await t.as('PUT', '/api/v1/core/account/preferences', { language: null });
    await open(page, t.app('/crm/contacts'));
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
  });
});

const ROOT = new URL('../../../', import.meta.url);
const catalogue = (path: string, lang: string): Record<string, string> =>
  JSON.parse(readFileSync(new URL(`${path}/${lang}.json`, ROOT), 'utf8'));

describe('every addon in German', { timeout: 240_000 }, () => {
  it('crm, inventory, sales and the admin pages: German headings and none of their English text', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'i18n-pages', name: 'Seiten GmbH' });
    await t.as('POST', '/api/v1/core/addons/inventory/enable', {});
    await t.as('POST', '/api/v1/core/addons/sales/enable', {});
    await t.as('PUT', '/api/v1/core/account/preferences', { language: 'de' });
    const pages: [string, string, string][] = [
      ['/crm/pipeline', 'addons/crm/web/messages', 'board.title'],
      ['/crm/leads', 'addons/crm/web/messages', 'leads.title'],
      ['/crm/companies', 'addons/crm/web/messages', 'companies.title'],
      ['/crm/opportunities', 'addons/crm/web/messages', 'opportunities.title'],
      ['/crm/activities', 'addons/crm/web/messages', 'activities.title'],
      ['/crm/settings', 'addons/crm/web/messages', 'settings.title'],
      ['/inventory', 'addons/inventory/web/messages', 'products.title'],
      ['/sales/quotes', 'addons/sales/web/messages', 'quotes.title'],
      ['/admin/webhooks', 'web/src/messages', 'webhooks.title'],
      ['/admin/automation', 'web/src/messages', 'automation.title'],
      ['/admin/custom-fields', 'web/src/messages', 'customFields.title'],
      ['/admin/users', 'web/src/messages', 'nav.users'],
    ];
    page = await (await context(375, 'en-US')).newPage();
    await signIn(page, t);
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const [path, dir, key] of pages) {
      const de = catalogue(dir, 'de');
      const en = catalogue(dir, 'en');
      await open(page, t.app(path));
      await page.getByRole('heading', { level: 1, name: de[key], exact: true }).waitFor();
      // An addon page's title is made in its load: German too, after hydration as well.
      if (!path.startsWith('/admin')) expect(await page.title(), path).toBe(`${de[key]} · ElevateCRM`);
      // Whole English sentences of this catalogue that German says differently must not show.
      const text = (await page.locator('main').textContent()) ?? '';
      const english = Object.entries(en)
        .filter(([k, v]) => v.length >= 12 && !/[{<]/.test(v) && de[k] !== v && / /.test(v))
        .map(([, v]) => v)
        .filter((v) => text.includes(v));
      expect(english, path).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), path).toBe(true);
      await screenshot(page, `i18n-pages-${path.replaceAll('/', '-').slice(1)}-375-dark`);
    }
  });
});

/** setTheme with the German label of the theme button. */
async function setThemeDe(p: Page, theme: 'light' | 'dark'): Promise<void> {
  const toggle = p.getByRole('button', { name: 'Dunkles Design' });
  const pressed = (await toggle.getAttribute('aria-pressed')) === 'true';
  if (pressed !== (theme === 'dark')) await toggle.click();
  await p.waitForFunction((t) => document.documentElement.classList.contains('dark') === (t === 'dark'), theme);
}
