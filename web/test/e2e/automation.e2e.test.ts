// Admin → Automation in the browser: build "opportunity won → activity for the owner + notify
// the owner" in the builder, win a deal, see the notification arrive live in the bell and the
// activity on the deal; screenshots of the list and the builder at desktop and phone width, light and dark.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  afterBrowserTest,
  createTenant,
  newContext,
  open,
  type Platform,
  screenshot,
  setTheme,
  signIn,
  startAll,
} from './platform.ts';

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

describe('automation builder', { timeout: 180_000 }, () => {
  it('builds a won-deal rule, and a won deal brings its activity and a live notification', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'auto' });
    const context = await newContext(browser, 1440);
    contexts.push(context);
    page = await context.newPage();
    await signIn(page, t);

    await open(page, t.app('/admin/automation'));
    await page.getByRole('heading', { name: 'Automation', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'New rule' }).click();
    await page.getByRole('heading', { name: 'New rule' }).waitFor();
    await page.getByLabel('Name').fill('Won deal follow-up');
    await page.getByLabel('Trigger').selectOption('event');
    await page.getByLabel('Event', { exact: true }).selectOption('crm.opportunity.won');

    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1: variable').selectOption('payload.value');
    await page.getByLabel('Condition 1: comparison').selectOption('greater');
    await page.getByLabel('Condition 1: value').fill('100');

    await page.getByRole('button', { name: 'Add action' }).click();
    await page.getByLabel('Step 1', { exact: true }).selectOption('crm.create_activity');
    const step1 = page.getByRole('listitem', { name: 'Action 1' });
    await step1.getByLabel('Type').selectOption('task');
    await step1.getByLabel('Subject', { exact: true }).fill('Kick-off for ');
    await step1.getByLabel('Insert a variable into Subject').selectOption('payload.title');
    await page.getByRole('button', { name: 'Add action' }).click();
    await page.getByLabel('Step 2', { exact: true }).selectOption('core.send_notification');
    const step2 = page.getByRole('listitem', { name: 'Action 2' });
    await step2.getByLabel('Insert a variable into User').selectOption('payload.ownerId');
    await step2.getByLabel('Title', { exact: true }).fill('Deal won: ');
    await step2.getByLabel('Insert a variable into Title').selectOption('payload.title');
    // Reorder and back: the notification first, then the activity.
    await page.getByRole('button', { name: 'Move step 2 up' }).click();
    expect(await page.getByLabel('Step 1', { exact: true }).inputValue()).toBe('core.send_notification');
    await page.getByRole('button', { name: 'Move step 1 down' }).click();
    expect(await page.getByLabel('Step 1', { exact: true }).inputValue()).toBe('crm.create_activity');
    await screenshot(page, 'automation-builder-light');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.waitForURL(t.app('/admin/automation'));
    await page.getByRole('link', { name: 'Won deal follow-up', exact: true }).waitFor();
    expect(await page.locator('tbody').first().textContent()).toContain('active');

    const bell = page.getByTestId('notification-bell');
    await bell.waitFor();
    const opp = await t.as<{ id: string }>('POST', '/api/v1/crm/opportunities', { title: 'Globex', value: '2500' });
    await t.as('POST', `/api/v1/crm/opportunities/${opp.id}/win`, {});
    await expect.poll(() => page?.getByTestId('notification-count').textContent(), { timeout: 30_000 }).toBe('1');
    await bell.click();
    await page.getByRole('region', { name: 'Notifications' }).getByText('Deal won: Globex').waitFor();
    const acts = await t.as<{ data: { subject: string; kind: string }[] }>('GET', '/api/v1/crm/activities?limit=50');
    expect(acts.data.map((a) => `${a.kind}: ${a.subject}`)).toContain('task: Kick-off for Globex');

    await open(page, t.app('/admin/automation'));
    await page
      .getByRole('button', { name: /^Steps of the run/ })
      .first()
      .click();
    await page.getByRole('dialog').getByText('succeeded').first().waitFor();
    await screenshot(page, 'automation-list-light');
    await page.keyboard.press('Escape');
    await setTheme(page, 'dark');
    await screenshot(page, 'automation-list-dark');

    const phone = await newContext(browser, 375);
    contexts.push(phone);
    page = await phone.newPage();
    await signIn(page, t);
    await open(page, t.app('/admin/automation/new?template=new-lead-round-robin'));
    await page.getByRole('heading', { name: 'New rule' }).waitFor();
    expect(await page.getByLabel('Name').inputValue()).toContain('round-robin');
    await screenshot(page, 'automation-builder-phone-light');
    await setTheme(page, 'dark');
    await screenshot(page, 'automation-builder-phone-dark');
  });
});
