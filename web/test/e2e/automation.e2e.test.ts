// Admin → Automation in the browser: build "opportunity won → activity for the owner + notify
// the owner" in the builder, win a deal, see the notification arrive live in the bell and the
// activity on the deal; screenshots of the list and the builder at desktop and phone width, light and dark.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, visit } from './crawl.ts';
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
    // The company's activity types are its own list (crm 1.2.0): the key is typed.
    await step1.getByLabel('Type', { exact: true }).fill('task');
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

  it('builds a rule with a branch from a webhook, moves steps by drag and by keyboard (into and out of the branch), test-runs a sample payload, and shows each run’s steps', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'autobr' });
    const context = await newContext(browser, 1440);
    contexts.push(context);
    page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await signIn(page, t);
    await t.as('POST', '/api/v1/core/teams', { name: 'Inside sales' });

    await open(page, t.app('/admin/automation/new'));
    await page.getByRole('heading', { name: 'New rule' }).waitFor();
    await page.getByLabel('Name').fill('Web lead router');
    await page.getByLabel('Trigger').selectOption('inbound');
    await page.getByLabel('Fields the sender posts').fill('email, score');

    // Step 1: a branch on the score; yes → notify a user picked by name; no → a task.
    await page.getByRole('button', { name: 'Add branch', exact: true }).click();
    const branch = page.getByRole('listitem', { name: 'Branch 1' });
    await branch.getByLabel('Branch 1 condition 1: variable').selectOption('payload.score');
    await branch.getByLabel('Branch 1 condition 1: comparison').selectOption('greater');
    await branch.getByLabel('Branch 1 condition 1: value').fill('50');
    await page.getByRole('button', { name: 'Add action (step 1 yes)' }).click();
    await page.getByLabel('Step 1 yes 1', { exact: true }).selectOption('core.send_notification');
    const yes = page.getByRole('listitem', { name: 'Action 1 yes 1' });
    await yes.getByLabel('Search users for User').fill('olivia');
    const picker = yes.getByLabel('User', { exact: true });
    const olivia = await picker.locator('option', { hasText: 'Olivia Owner' }).getAttribute('value');
    await picker.selectOption(olivia as string);
    await yes.getByLabel('Title', { exact: true }).fill('Hot lead: ');
    await yes.getByLabel('Insert a variable into Title').selectOption('payload.email');
    await page.getByRole('button', { name: 'Add action (step 1 no)' }).click();
    await page.getByLabel('Step 1 no 1', { exact: true }).selectOption('crm.create_activity');
    const no = page.getByRole('listitem', { name: 'Action 1 no 1' });
    await no.getByLabel('Type', { exact: true }).fill('task');
    await no.getByLabel('Subject', { exact: true }).fill('Call back ');
    await no.getByLabel('Insert a variable into Subject').selectOption('payload.email');
    // Step 2: a note to the owner after either side.
    await page.getByRole('button', { name: 'Add action', exact: true }).click();
    await page.getByLabel('Step 2', { exact: true }).selectOption('core.send_notification');
    const after = page.getByRole('listitem', { name: 'Action 2' });
    await after.getByLabel('User', { exact: true }).selectOption(olivia as string);
    await after.getByLabel('Title', { exact: true }).fill('Lead in');

    // Drag step 2 above the branch by its handle; then back with the keyboard (Down on the focused button).
    const order = () =>
      page
        ?.locator('form > section > ol > li[data-step]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    const before = await order();
    // Both steps on screen (a drag does not scroll the page), then drag the handle onto the branch.
    await page.setViewportSize({ width: 1440, height: 3600 });
    await after.locator('[draggable="true"]').first().hover();
    await page.mouse.down();
    const target = await branch.getByText('Step 1: if…').boundingBox();
    if (!target) throw new Error('the branch is not on screen');
    await page.mouse.move(target.x + 5, target.y + 5, { steps: 5 });
    await page.mouse.up();
    await expect.poll(order).toEqual([before?.[1], before?.[0]]);
    await page.getByRole('button', { name: 'Move step 1 down', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(order).toEqual(before);
    // Into the branch: drag step 2 onto the end of its "no" side; out again from the keyboard.
    await after.locator('[draggable="true"]').first().hover();
    await page.mouse.down();
    const noEnd = await page.locator('[data-drop-end="actions.0.branch.no"] button').first().boundingBox();
    if (!noEnd) throw new Error('the "no" side is not on screen');
    await page.mouse.move(noEnd.x + 5, noEnd.y + 5, { steps: 5 });
    await page.mouse.up();
    await expect.poll(order).toEqual([before?.[0]]);
    await page.getByRole('listitem', { name: 'Action 1 no 2' }).waitFor();
    await page.getByLabel('Move step 1 no 2 to').selectOption({ label: 'Top level' });
    await expect.poll(order).toEqual(before);
    await page.setViewportSize({ width: 1440, height: 860 });
    expect(await page.getByLabel('Step 2', { exact: true }).inputValue()).toBe('core.send_notification');

    // A webhook brings no record: the test run takes a payload, prefilled from the sender's fields.
    const sample = page.getByLabel('Sample payload (JSON)');
    expect(JSON.parse(await sample.inputValue())).toEqual({ email: 'someone@example.com', score: 'Sample score' });
    await sample.fill('{ "email": "hot@lead.test", "score": 90 }');
    await page.getByRole('button', { name: 'Test run', exact: true }).click();
    await expect.poll(() => page?.getByTestId('test-steps').textContent()).toContain('Take the "yes" side');

    // axe on the builder with its branch as built (no reload: the form is unsaved), both themes.
    const checks: string[] = [];
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      for (const v of await axeViolations(page)) checks.push(`builder 1440 ${theme}: ${v}`);
      await screenshot(page, `automation-branch-1440-${theme}`);
    }
    await setTheme(page, 'light');

    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.waitForURL(t.app('/admin/automation'));
    await page.getByRole('link', { name: 'Web lead router', exact: true }).click();
    await page.getByRole('heading', { name: 'Edit rule' }).waitFor();
    // The saved branch comes back as it was built.
    expect(await page.getByLabel('Branch 1 condition 1: value').inputValue()).toBe('50');
    expect(await page.getByLabel('Step 1 no 1', { exact: true }).inputValue()).toBe('crm.create_activity');
    await page.getByLabel('Require a signature').uncheck();
    await page.getByRole('button', { name: 'Make URL' }).click();
    const url = await page.getByLabel('URL', { exact: true }).inputValue();
    expect(url).toContain('/api/v1/core/automation/inbound/');

    // A web form posts twice (a retry with the same webhook-id) and once more with a low score.
    const post = (body: unknown, id: string) =>
      fetch(`${t.base}${new URL(url).pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    expect(await post({ email: 'hot@lead.test', score: 90 }, 'form-1')).toBe(202);
    expect(await post({ email: 'hot@lead.test', score: 90 }, 'form-1')).toBe(200);
    expect(await post({ email: 'cold@lead.test', score: 5 }, 'form-2')).toBe(202);
    await expect
      .poll(
        async () =>
          (await t.as<{ data: { status: string }[] }>('GET', '/api/v1/core/automation/runs')).data.map((r) => r.status),
        {
          timeout: 30_000,
        },
      )
      .toEqual(['succeeded', 'succeeded']);
    const acts = await t.as<{ data: { subject: string }[] }>('GET', '/api/v1/crm/activities?limit=50');
    expect(acts.data.map((a) => a.subject)).toEqual(['Call back cold@lead.test']);

    await open(page, t.app('/admin/automation'));
    // Hot: the branch's notification and step 4's; cold: step 4's.
    await expect.poll(() => page?.getByTestId('notification-count').textContent(), { timeout: 30_000 }).toBe('3');
    const runButtons = page.getByRole('button', { name: /^Steps of the run/ });
    await runButtons.nth(1).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('step-4').first().waitFor();
    // The hot run took the "yes" side: the branch, its notification (step-2), then step-4; never the task (step-3).
    const hotSteps = await dialog.locator('li .font-medium').allTextContents();
    expect(hotSteps).toEqual(['branch-1', 'step-2', 'step-4']);
    await screenshot(page, 'automation-branch-run-light');
    await page.keyboard.press('Escape');

    const phone = await newContext(browser, 375);
    contexts.push(phone);
    page = await phone.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    await signIn(page, t);
    const ruleId = (await t.as<{ data: { id: string }[] }>('GET', '/api/v1/core/automation/rules')).data[0]?.id;
    await open(page, t.app(`/admin/automation/${ruleId}`));
    await page.getByRole('heading', { name: 'Edit rule' }).waitFor();
    // The saved rule's page at phone width: the crawl's checks (layout, axe, errors), both themes.
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      const v = await visit(page, page.url(), `/t/${t.slug}`, consoleErrors, { axe: true, narrow: true });
      for (const f of v.failures) checks.push(`rule 375 ${theme}: ${f.kind}: ${f.detail}`);
      await screenshot(page, `automation-branch-375-${theme}`);
    }
    expect(checks).toEqual([]);
  });
});
