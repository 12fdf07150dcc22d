// An addon package outside the workspace's addons/ (tests/fixtures/addons/guestbook), reached only
// through ADDON_PATHS — by the build (the root build:web script names it) and by the kernel — shows
// its page and its menu entry, found through its package's exports["./web"]. Its page uses the UI kit
// (@elevate/sdk/web): the shell's context, the API client in a server-side load, PageHeader, and a
// typed resource client with the kit's Field, Modal and DataTable.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, newContext, open, type Platform, startAll } from './platform.ts';

let platform: Platform;
let browser: Browser;
const contexts: BrowserContext[] = [];

let companies = 0;
async function company(addons: string[]) {
  companies += 1;
  const slug = `guestbook${companies}`;
  const owner = { email: `owner@${slug}.test`, password: 'guestbook-secret-1' };
  const name = `Guestbook Co ${companies}`;
  const session = await api<{ accessToken: string }>(platform.url, 'POST', '/api/v1/auth/signup', {
    company: name,
    slug,
    name: 'Gail Guest',
    ...owner,
  });
  for (const addon of addons) {
    await api(platform.url, 'POST', `/api/v1/core/addons/${addon}/enable`, {}, session.accessToken);
  }
  return { slug, name, owner, app: (path = '') => `${platform.url}/t/${slug}${path}` };
}

async function signedIn(c: Awaited<ReturnType<typeof company>>): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  await open(page, c.app('/auth/login'));
  await page.getByLabel('Email').fill(c.owner.email);
  await page.getByLabel('Password').fill(c.owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(c.app());
  return page;
}

beforeAll(async () => {
  ({ platform, browser } = await startAll({ ADDON_PATHS: 'tests/fixtures/addons/guestbook' }));
}, 90_000);

afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('an addon installed as a package', { timeout: 120_000 }, () => {
  it('shows its menu entry and its server-rendered page to a company that enabled it', async () => {
    const c = await company(['guestbook']);
    const page = await signedIn(c);
    await page.getByRole('link', { name: 'Guestbook', exact: true }).click();
    await page.waitForURL(c.app('/guestbook'));
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Guestbook');
    expect(await page.getByTestId('guestbook-greeting').textContent()).toBe(`Signed by Gail Guest for ${c.name}`);

    // The first paint already holds the page and its data (the load ran on the server).
    const html = await page.context().request.get(c.app('/guestbook'));
    expect(html.status()).toBe(200);
    expect(await html.text()).toContain(`Signed by Gail Guest for ${c.name}`);
  });

  it('saves through its resource with the kit’s form, dialog and table; errors show on the field', async () => {
    const c = await company(['guestbook']);
    const page = await signedIn(c);
    await open(page, c.app('/guestbook'));
    await expect.poll(() => page.getByText('Nobody has signed yet.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign the guestbook' });
    // Empty: the server's answer is shown under the field it names, tied to it for screen readers.
    await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect.poll(() => dialog.getByText('Message is required').isVisible()).toBe(true);
    expect(await dialog.getByLabel('Message').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Message').fill('Lovely place');
    await dialog.getByLabel('Mood').selectOption('grumpy');
    await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
    const table = page.getByRole('table', { name: 'Signatures' });
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.getByRole('row').nth(1).textContent()).toContain('Lovely place');
    expect(await table.getByRole('row').nth(1).textContent()).toContain('grumpy');
    expect(await page.getByText('1 signatures').isVisible()).toBe(true);

    // At phone width the same table stacks each row into a card, each cell saying its column.
    await page.setViewportSize({ width: 390, height: 800 });
    const row = table.getByRole('row').nth(1);
    await expect.poll(() => row.evaluate((el) => getComputedStyle(el).display)).toBe('block');
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator; innerText is the text as shown
    expect(await row.innerText()).toMatch(/Lovely place\s*Mood\s*grumpy/);
    expect(await table.locator('thead th').first().isVisible()).toBe(false);
  });

  it('does not exist for a company that has not enabled it', async () => {
    const c = await company([]);
    const page = await signedIn(c);
    expect(await page.getByRole('link', { name: 'Guestbook', exact: true }).count()).toBe(0);
    const res = await page.context().request.get(c.app('/guestbook'));
    expect(res.status()).toBe(404);
  });
});
