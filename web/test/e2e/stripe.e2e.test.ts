// The Stripe settings page: an admin connects Stripe with a secret key and a signing secret, sees
// the connection (last four characters only) and the webhook address, and the events Stripe sent.
// Screenshots at 1440 and 375 px, light and dark.
import { createHmac, randomBytes } from 'node:crypto';
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

let platform: Platform;
let browser: Browser;
let page: Page | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ({ platform, browser } = await startAll());
}, 90_000);
afterEach(async ({ task }) => afterBrowserTest(task, page, contexts));
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('stripe', { timeout: 120_000 }, () => {
  it('an admin connects Stripe; the page shows the connection, the webhook address and received events', async () => {
    const tenant = await createTenant(platform, { prefix: 'stripe', crm: false });
    await tenant.as('POST', '/api/v1/core/addons/stripe/enable', {});
    const context = await newContext(browser, 1440);
    contexts.push(context);
    page = await context.newPage();
    await signIn(page, tenant);
    await page.getByRole('link', { name: 'Stripe', exact: true }).click();
    await page.waitForURL(tenant.app('/stripe'));
    expect(await page.getByText('Not connected').count()).toBe(1);

    // A publishable key is not a secret key: named under the field, nothing saved.
    await page.getByLabel('Secret key').fill('pk_test_abcdefghijklmnop');
    await page.getByLabel('Webhook signing secret').fill('whsec_abcdefghijklmnop');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => page?.getByText('must be a Stripe secret key').count()).toBe(1);

    const key = `sk_test_${randomBytes(12).toString('hex')}`;
    const whsec = `whsec_${randomBytes(16).toString('hex')}`;
    await page.getByLabel('Secret key').fill(key);
    await page.getByLabel('Webhook signing secret').fill(whsec);
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => page?.getByText('Test mode').count()).toBe(1);
    expect(await page.getByText(`…${key.slice(-4)}`).count()).toBe(1);
    expect(await page.locator('body').textContent()).not.toContain(key);
    const me = await tenant.as<{ tenant: { id: string } }>('GET', '/api/v1/core/me');
    const webhookPath = `/api/v1/stripe/webhooks/${me.tenant.id}`;
    expect(await page.getByTestId('webhook-url').textContent()).toBe(`${platform.url}${webhookPath}`);

    // Stripe delivers a paid checkout: it shows in the events table.
    const event = {
      id: `evt_${randomBytes(8).toString('hex')}`,
      object: 'event',
      type: 'checkout.session.completed',
      livemode: false,
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: `cs_test_${randomBytes(8).toString('hex')}`,
          object: 'checkout.session',
          amount_total: 264044,
          currency: 'eur',
          payment_status: 'paid',
          payment_intent: 'pi_123',
          metadata: { elevate_reference: 'sales.invoice:INV-2026-0117', elevate_tenant: me.tenant.id },
        },
      },
    };
    const payload = JSON.stringify(event);
    const t = Math.floor(Date.now() / 1000);
    const sig = `t=${t},v1=${createHmac('sha256', whsec).update(`${t}.${payload}`).digest('hex')}`;
    const res = await fetch(`${platform.url}${webhookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': sig },
      body: payload,
    });
    expect(res.status).toBe(200);
    await open(page, tenant.app('/stripe'));
    expect(await page.getByRole('cell', { name: 'sales.invoice:INV-2026-0117' }).count()).toBe(1);
    expect(await page.getByRole('cell', { name: /2,640\.44/ }).count()).toBe(1);

    await screenshot(page, 'stripe-settings-1440-light');
    await setTheme(page, 'dark');
    await screenshot(page, 'stripe-settings-1440-dark');
    const phone = await newContext(browser, 375);
    contexts.push(phone);
    const small = await phone.newPage();
    await signIn(small, tenant);
    await open(small, tenant.app('/stripe'));
    await setTheme(small, 'light');
    await screenshot(small, 'stripe-settings-375-light');
    await setTheme(small, 'dark');
    await screenshot(small, 'stripe-settings-375-dark');
    // Nothing wider than the phone.
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });
});
