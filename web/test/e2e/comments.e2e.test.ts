// Comments with @mentions in a real browser: user A (the owner) mentions user B on a contact, picking
// B from the @ autocomplete by keyboard; B, on another page, sees the notification arrive live in
// the bell, opens it and lands on the contact at the comment. B then sets mentions to the daily
// digest on the profile. The crawl's checks (errors, axe at 1440, layout at 375) and screenshots of
// the contact page and the profile, light and dark.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, startSmtp, type TestSmtp } from '../../../core/test/support/smtp.ts';
import { pageChecker } from './check-pages.ts';
import {
  afterBrowserTest,
  api,
  createTenant,
  newContext,
  open,
  type Platform,
  signIn,
  startAll,
  type Tenant,
} from './platform.ts';

const checkPages = pageChecker('comments', {
  height: 900,
  beforeShot: (p, name) =>
    p.getByTestId(name === 'contact' ? 'comments' : 'notification-preferences').scrollIntoViewIfNeeded(),
});
let platform: Platform | undefined;
let browser: Browser;
let smtp: TestSmtp;
let page: Page | undefined;
const contexts: BrowserContext[] = [];
const PASSWORD = 'amber-river-stone-17';

beforeAll(async () => {
  smtp = await startSmtp();
  ({ platform, browser } = await startAll({ SMTP_URL: smtp.url }));
}, 120_000);
afterEach(async (ctx) => {
  await afterBrowserTest(ctx.task, page, contexts);
  page = undefined;
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await smtp?.close();
});

/** A member joined through a real invitation: their id and access token. */
async function member(t: Tenant, name: string, email: string): Promise<{ id: string; token: string }> {
  await t.as('POST', '/api/v1/core/invitations', { email, role: 'member' });
  await expect.poll(() => smtp.to(email).length, { timeout: 20_000 }).toBeGreaterThan(0);
  const token = new URL(linkIn(smtp.to(email)[0] as { text?: string }, '/accept-invitation')).searchParams.get('token');
  const session = await api<{ accessToken: string }>(t.base, 'POST', '/api/v1/auth/invitations/accept', {
    token,
    name,
    password: PASSWORD,
  });
  const me = await api<{ user: { id: string } }>(t.base, 'GET', '/api/v1/core/me', undefined, session.accessToken);
  return { id: me.user.id, token: session.accessToken };
}

async function signInAs(p: Page, t: Tenant, email: string): Promise<void> {
  await open(p, t.app('/auth/login'));
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.waitForURL(t.app());
}

describe('comments with @mentions', { timeout: 240_000 }, () => {
  it('A mentions B on a contact; B sees it live and opens the contact at the comment', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'cmt' });
    const bEmail = `bruno@${t.slug}.test`;
    const bruno = await member(t, 'Bruno Berg', bEmail);
    // B owns the contact (a member sees their own records), so B may read it and be mentioned.
    const contact = await t.as<{ id: string }>('POST', '/api/v1/crm/contacts', {
      name: 'Ada Lovelace',
      email: 'ada@example.test',
      ownerId: bruno.id,
    });

    const bContext = await newContext(browser, 1440);
    contexts.push(bContext);
    const bPage = await bContext.newPage();
    await signInAs(bPage, t, bEmail);
    await bPage.getByTestId('notification-bell').waitFor();

    const aContext = await newContext(browser, 1440);
    contexts.push(aContext);
    page = await aContext.newPage();
    await signIn(page, t);
    await open(page, t.app(`/crm/contacts/${contact.id}`));
    const box = page.getByRole('combobox', { name: 'Add a comment' });
    await box.click();
    await box.pressSequentially('Please call her back, @Bru');
    const option = page.getByRole('option', { name: /Bruno Berg/ });
    await option.waitFor();
    expect(await option.getAttribute('aria-selected')).toBe('true');
    expect(await box.getAttribute('aria-expanded')).toBe('true');
    expect(await box.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
    await page.keyboard.press('Enter');
    await box.pressSequentially('**today** if you can.');
    expect(await box.inputValue()).toBe('Please call her back, @Bruno Berg **today** if you can.');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    const posted = page.getByTestId('comment').first();
    await posted.getByText('@Bruno Berg').waitFor();
    expect(await posted.locator('strong').textContent()).toBe('today');
    const commentId = ((await posted.getAttribute('id')) ?? '').replace('comment-', '');
    expect(commentId).toMatch(/^[0-9a-f-]{36}$/);

    // B: live, without reloading.
    await expect.poll(() => bPage.getByTestId('notification-count').textContent(), { timeout: 30_000 }).toBe('1');
    await bPage.getByTestId('notification-bell').click();
    const item = bPage
      .getByRole('region', { name: 'Notifications' })
      .getByRole('link', { name: /mentioned you on Ada Lovelace/ });
    expect(await item.getAttribute('data-type')).toBe('core.mention');
    await item.click();
    await bPage.waitForURL(`**/crm/contacts/${contact.id}#comment-${commentId}`);
    const target = bPage.locator(`#comment-${commentId}`);
    await target.getByText('Please call her back').waitFor();
    await expect
      .poll(() => bPage.evaluate(() => document.activeElement?.id ?? ''), { timeout: 10_000 })
      .toBe(`comment-${commentId}`);
    expect(await target.getAttribute('class')).toContain('ring-amber');
    // B replies; the reply shows under the comment.
    await target.getByRole('button', { name: /^Reply/ }).click();
    await bPage.getByRole('combobox', { name: /Reply to/ }).fill('Will do.');
    await bPage.getByRole('button', { name: 'Reply', exact: true }).click();
    await bPage.getByRole('list', { name: 'Replies' }).getByText('Will do.').waitFor();

    // The crawl's checks and screenshots of the contact page with the thread, and of the profile.
    await checkPages(bPage, t, [
      ['contact', t.app(`/crm/contacts/${contact.id}`)],
      ['profile', t.app('/profile')],
    ]);

    // B chooses the daily digest for mentions on the profile screen.
    await bPage.setViewportSize({ width: 1440, height: 900 });
    await open(bPage, t.app('/profile'));
    const prefs = bPage.getByTestId('notification-preferences');
    await prefs
      .getByRole('radiogroup', { name: 'Someone mentioned you in a comment' })
      .getByText('Daily digest')
      .click();
    await expect
      .poll(async () => {
        const res = await api<{ data: { type: string; channel: string }[] }>(
          t.base,
          'GET',
          '/api/v1/core/notifications/preferences',
          undefined,
          bruno.token,
        );
        return res.data.find((p) => p.type === 'core.mention')?.channel;
      })
      .toBe('digest');
  });
});
