// Global search in a real browser: Ctrl+K opens the dialog from any page, a name typed without
// its accents and with a typo finds the records, ↓ moves to the next hit (the company), Enter
// opens its page, Esc closes the dialog. Screenshots at 1440 and 375 px in both themes, axe on the
// open dialog.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  afterBrowserTest,
  createTenant,
  newContext,
  open,
  type Platform,
  SCREENSHOTS,
  setTheme,
  signIn,
  startAll,
} from './platform.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

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

/** The viewport (the modal and its backdrop cover it), not the full page. */
async function screenshot(p: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await p.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

async function axe(p: Page): Promise<string[]> {
  await p.evaluate(AXE);
  return p.evaluate(async () => {
    const a = (
      window as unknown as {
        axe: {
          run(
            d: Document,
          ): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await a.run(document);
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

describe('global search', { timeout: 120_000 }, () => {
  it('Ctrl+K, a name without accents and with a typo, ↓, Enter: lands on the record', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'search', name: 'Search Co' });
    const person = await t.as<{ id: string }>('POST', '/api/v1/crm/contacts', {
      name: 'Jürgen Müller',
      email: 'jm@example.de',
    });
    const company = await t.as<{ id: string }>('POST', '/api/v1/crm/contacts', {
      name: 'Müller & Söhne GmbH',
      kind: 'company',
      city: 'Köln',
    });
    await t.as('POST', '/api/v1/crm/contacts', { name: 'Ada Lovelace' });
    const context = await newContext(browser, 1440);
    contexts.push(context);
    page = await context.newPage();
    await signIn(page, t);
    await open(page, t.app('/crm/contacts'));

    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search' });
    await dialog.waitFor();
    const box = dialog.getByRole('combobox', { name: 'Search records' });
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await box.fill('mulr');
    const options = dialog.getByRole('option');
    await expect
      .poll(() => options.allTextContents())
      .toEqual([expect.stringContaining('Jürgen Müller'), expect.stringContaining('Müller & Söhne GmbH')]);
    expect(
      await dialog
        .getByRole('group')
        .evaluateAll((gs) =>
          gs.map(
            (g) =>
              g.getAttribute('aria-labelledby') &&
              document.getElementById(g.getAttribute('aria-labelledby') ?? '')?.textContent?.trim(),
          ),
        ),
    ).toEqual(['Contacts', 'Companies']);
    // The first hit is active; ↓ moves to the company.
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
    await box.press('ArrowDown');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    expect(await box.getAttribute('aria-activedescendant')).toBe(await options.nth(1).getAttribute('id'));
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'search-1440-light');
    await setThemeWithDialog(page, 'dark');
    await box.fill('jurgen mul');
    await expect.poll(() => options.allTextContents()).toEqual([expect.stringContaining('Jürgen Müller')]);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'search-1440-dark');
    await box.fill('mulr');
    await expect.poll(() => options.count()).toBe(2);
    await box.press('ArrowDown');
    await box.press('Enter');
    await page.waitForURL(t.app(`/crm/companies/${company.id}`));
    await page.getByRole('heading', { name: 'Müller & Söhne GmbH' }).first().waitFor();
    expect(await dialog.isVisible()).toBe(false);

    // Esc closes; the header button opens it too; a miss says so.
    await page.keyboard.press('Control+k');
    await dialog.waitFor();
    await box.fill('zzzzqx');
    await expect.poll(() => dialog.getByTestId('search-status').textContent()).toBe('No results for “zzzzqx”');
    await box.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await page.getByTestId('search-open').click();
    await dialog.waitFor();
    await box.fill('muller');
    await expect.poll(() => options.count()).toBe(2);
    await box.press('Enter');
    await page.waitForURL(t.app(`/crm/contacts/${person.id}`));
  });

  it('at 375 px, light and dark', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'search-narrow', name: 'Narrow Co' });
    await t.as('POST', '/api/v1/crm/contacts', { name: 'Zoë Ångström', email: 'zoe@example.se' });
    await t.as('POST', '/api/v1/crm/leads', { title: 'Ångström rollout' });
    const context = await newContext(browser, 375);
    contexts.push(context);
    page = await context.newPage();
    await signIn(page, t);
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await page.getByTestId('search-open').click();
      const dialog = page.getByRole('dialog', { name: 'Search' });
      await dialog.waitFor();
      await dialog.getByRole('combobox').fill('angstrom');
      await expect.poll(() => dialog.getByRole('option').count()).toBe(2);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(375);
      expect(await axe(page)).toEqual([]);
      await screenshot(page, `search-375-${theme}`);
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);
    }
  });
});

/** The theme switch sits behind the modal dialog: close it, switch, open it again. */
async function setThemeWithDialog(p: Page, theme: 'light' | 'dark') {
  await p.keyboard.press('Escape');
  await setTheme(p, theme);
  await p.keyboard.press('Control+k');
  await p.getByRole('dialog', { name: 'Search' }).waitFor();
}
