// Admin → Webhooks in the browser: add an endpoint (the secret is shown once), see a delivery
// arrive at a receiver started by the test, redeliver it from the log, disable the endpoint.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { afterBrowserTest, createTenant, newContext, open, type Platform, signIn, startAll } from './platform.ts';

let platform: Platform | undefined;
let browser: Browser;
let page: Page | undefined;
const contexts: BrowserContext[] = [];
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.url === '/fail') return res.writeHead(500).end('broken');
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  ({ platform, browser } = await startAll({
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    WEBHOOKS_ATTEMPTS: '1',
    WEBHOOKS_DISABLE_AFTER: '1',
  }));
}, 90_000);

afterEach(async (ctx) => {
  await afterBrowserTest(ctx.task, page, contexts);
  page = undefined;
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await new Promise((r) => receiver?.close(r));
});

describe('webhooks screen', { timeout: 120_000 }, () => {
  it('adds an endpoint, shows its secret once, logs a signed delivery, redelivers and disables it', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'hooks' });
    const context = await newContext(browser);
    contexts.push(context);
    page = await context.newPage();
    await signIn(page, t);

    await open(page, t.app('/admin/webhooks'));
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByLabel('URL').fill(receiverUrl);
    await page.getByLabel('All crm events').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.locator('tbody').textContent()).toContain(receiverUrl);
    expect(await page.content()).not.toContain(secret);

    await t.as('POST', '/api/v1/crm/contacts', { name: 'Grace Hopper' });
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    const r = received[0];
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key)
      .update(`${r?.headers['webhook-id']}.${r?.headers['webhook-timestamp']}.${r?.body}`)
      .digest('base64');
    expect(r?.headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(JSON.parse(r?.body ?? '{}')).toMatchObject({ type: 'crm.contact.created', tenant: t.slug });

    await page.getByRole('button', { name: `Deliveries of ${receiverUrl}` }).click();
    const log = page.getByRole('dialog', { name: 'Deliveries' });
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('succeeded');
    expect(await log.textContent()).toContain('crm.contact.created');
    await log
      .getByRole('button', { name: /^Redeliver/ })
      .first()
      .click();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(2);
    expect(received[1]?.headers['webhook-id']).toBe(r?.headers['webhook-id']);
    await log.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: `Disable ${receiverUrl}` }).click();
    await expect.poll(() => page?.locator('tbody').textContent()).toContain('Disabled');
  });

  it('tells the admin live in the bell when an endpoint is disabled, and links to the webhooks page', async () => {
    if (!platform) throw new Error('the platform did not start');
    const t = await createTenant(platform, { prefix: 'bell' });
    const failing = receiverUrl.replace(/\/hook$/, '/fail');
    await t.as('POST', '/api/v1/core/webhooks', { url: failing, events: ['crm.*'] });
    const context = await newContext(browser);
    contexts.push(context);
    page = await context.newPage();
    await signIn(page, t);
    const bell = page.getByTestId('notification-bell');
    await bell.waitFor();
    expect(await page.getByTestId('notification-count').count()).toBe(0);

    await t.as('POST', '/api/v1/crm/contacts', { name: 'Ada' });
    await expect.poll(() => page?.getByTestId('notification-count').textContent(), { timeout: 20_000 }).toBe('1');
    await bell.click();
    const panel = page.getByRole('region', { name: 'Notifications' });
    await panel.getByText('A webhook endpoint was disabled').click();
    await page.waitForURL(t.app('/admin/webhooks'));
    await expect.poll(() => page?.locator('tbody').textContent()).toContain('Disabled');
    await expect.poll(() => page?.getByTestId('notification-count').count()).toBe(0);
  });
});
