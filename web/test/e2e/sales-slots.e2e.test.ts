// The whole sale from crm's opportunity, through the page slots sales fills on crm's pages:
// opportunity → "Create quote" (sales' button on crm's page) → a product line → send → the customer
// accepts on the public link in a second browser with a typed name → order confirmed → delivered →
// invoice created and posted (REST: the invoice pages are built elsewhere) → paid through the Stripe
// pay link on the local server speaking Stripe's format (its signed checkout.session.completed) →
// the opportunity shows won and the contact's Sales panel the paid invoice. Then the slots' rules
// in the browser: a company without sales, and a user without sales' permissions, see none of it.
// Screenshots of the contact page with the Sales panel at 1440 and 375 px, light and dark, with axe.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  completedEvent,
  type FakeStripe,
  signature,
  startFakeStripe,
} from '../../../addons/stripe/test/fake-stripe.ts';
import { visit } from './crawl.ts';
import {
  afterBrowserTest,
  api,
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

let platform: Platform;
let browser: Browser;
let stripe: FakeStripe;
let page: Page | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stripe = await startFakeStripe();
  ({ platform, browser } = await startAll({ STRIPE_API_BASE: stripe.url }));
}, 90_000);
afterEach(async ({ task }) => afterBrowserTest(task, page, contexts));
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await stripe?.close();
});

async function context(width = 1440): Promise<BrowserContext> {
  const c = await newContext(browser, width);
  contexts.push(c);
  return c;
}

interface Setup {
  tenant: Tenant;
  tenantId: string;
  productId: string;
  contactId: string;
  opportunityId: string;
  webhookSecret: string;
}

async function salesTenant(): Promise<Setup> {
  const tenant = await createTenant(platform, { prefix: 'slots' });
  await tenant.as('POST', '/api/v1/core/addons/sales/enable', {});
  await tenant.as('POST', '/api/v1/core/addons/stripe/enable', {});
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  stripe.keys.add(secretKey);
  await tenant.as('PUT', '/api/v1/stripe/settings', { secretKey, webhookSecret });
  const product = await tenant.as<{ id: string }>('POST', '/api/v1/inventory/products', {
    sku: 'LOOM-01',
    name: 'Jacquard loom',
    salePrice: '12.50',
  });
  await tenant.as('POST', '/api/v1/inventory/receipts', { productId: product.id, quantity: '10' });
  const contact = await tenant.as<{ id: string }>('POST', '/api/v1/crm/contacts', {
    name: 'Ada Lovelace',
    email: 'ada@example.test',
  });
  const opp = await tenant.as<{ id: string }>('POST', '/api/v1/crm/opportunities', {
    title: 'Looms for the mill',
    contactId: contact.id,
    value: '37.50',
  });
  const me = await tenant.as<{ tenant: { id: string } }>('GET', '/api/v1/core/me');
  return {
    tenant,
    tenantId: me.tenant.id,
    productId: product.id,
    contactId: contact.id,
    opportunityId: opp.id,
    webhookSecret,
  };
}

/** Stripe tells the platform the checkout of `sessionId` was paid (signed as Stripe signs). */
async function stripePaid(s: Setup, sessionId: string): Promise<void> {
  const session = stripe.sessions.get(sessionId);
  if (!session) throw new Error(`the local Stripe server has no session ${sessionId}`);
  const payload = JSON.stringify(completedEvent(session));
  const res = await fetch(`${platform.url}/api/v1/stripe/webhooks/${s.tenantId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature(payload, s.webhookSecret) },
    body: payload,
  });
  expect(res.status).toBe(200);
}

/** A user of the tenant holding only `permissions` (a custom role), signed in on a new page. */
async function userWithOnly(s: Setup, permissions: string[]): Promise<Page> {
  const key = `only-${randomBytes(3).toString('hex')}`;
  await s.tenant.as('POST', '/api/v1/core/roles', { key, name: key, permissions });
  const email = `${key}@${s.tenant.slug}.test`;
  const password = `${key}-secret-1`;
  // The kernel as the CLI uses it (not listening) creates the user with that role.
  const core = (await import(pathToFileURL(`${process.cwd()}/core/src/index.ts`).href)) as {
    loadConfig(env: Record<string, string | undefined>, o: { workers: boolean }): unknown;
    createKernel(o: { config: unknown }): Promise<{
      tenants: { bySlug(slug: string): Promise<{ id: string } | null> };
      users: {
        create(t: string, u: { email: string; password: string; name: string; role: string }): Promise<unknown>;
      };
      stop(): Promise<void>;
    }>;
  };
  const kernel = await core.createKernel({
    config: core.loadConfig(
      {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: platform.databaseUrl,
        REDIS_PREFIX: platform.redisPrefix,
      },
      { workers: false },
    ),
  });
  try {
    await kernel.users.create(s.tenantId, { email, password, name: 'Carl Crm', role: key });
  } finally {
    await kernel.stop();
  }
  const p = await (await context()).newPage();
  await open(p, s.tenant.app('/auth/login'));
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.waitForURL(s.tenant.app());
  return p;
}

describe('sales on crm’s pages (slots)', { timeout: 300_000 }, () => {
  it('opportunity → Create quote → accepted by the customer → order → delivery → invoice paid through Stripe → won, and the Sales panel shows it paid', async () => {
    const s = await salesTenant();
    const { tenant } = s;
    page = await (await context()).newPage();
    const p = page;
    await signIn(p, tenant);

    // crm's opportunity page, with sales' button and panel in its slots.
    await open(p, tenant.app(`/crm/opportunities/${s.opportunityId}`));
    expect(await p.getByTestId('opportunity-quotes').textContent()).toContain('No quotes for this deal yet.');
    await p.getByRole('link', { name: 'Create quote' }).click();
    await p.waitForURL((u) => u.pathname.endsWith('/sales/quotes/new'));
    await ready(p);
    expect(new URL(p.url()).searchParams.get('opportunity')).toBe(s.opportunityId);
    await expect.poll(() => p.getByTestId('customer-chosen').textContent()).toContain('Ada Lovelace');

    // A product line in the line editor.
    const line = p.getByTestId('line-0');
    const product = line.getByRole('combobox', { name: 'Product or description' });
    await product.fill('Jacq');
    await line.getByRole('option', { name: /Jacquard loom/ }).click();
    await line.getByLabel('Quantity').fill('3');
    await expect.poll(() => p.getByTestId('total-total').textContent()).toBe('$37.50');
    await p.getByRole('button', { name: 'Create quote' }).click();
    await p.waitForURL(/\/sales\/quotes\/[0-9a-f-]{36}$/);
    const quoteUrl = p.url();
    await ready(p);
    await expect.poll(() => p.getByTestId('quote-state').textContent(), { timeout: 10_000 }).toBe('Draft');
    await p.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => p.getByTestId('quote-state').textContent(), { timeout: 10_000 }).toBe('Sent');
    await p.getByRole('button', { name: 'Share link' }).click();
    const shareUrl = await p.getByTestId('share-url').inputValue();
    expect(shareUrl).toMatch(/\/q\/[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/);
    await p.getByRole('button', { name: 'Done' }).click();

    // The customer, in a second browser context without a session: a typed name and signature.
    const customer = await (await context(375)).newPage();
    page = customer; // a failure here reports the customer's page
    await open(customer, shareUrl);
    expect(await customer.getByTestId('quote-totals').textContent()).toContain('$37.50');
    await customer.getByLabel('Your full name').fill('Ada Lovelace');
    await customer.getByText('Type', { exact: true }).click();
    await customer.getByLabel('Type your signature').fill('Ada Lovelace');
    await customer.getByRole('button', { name: 'Accept and sign' }).click();
    await expect
      .poll(() => customer.getByRole('heading', { name: 'Quote accepted' }).count(), { timeout: 10_000 })
      .toBe(1);

    page = p;

    // The order: confirmed (stock reserved), then delivered in full.
    await open(p, quoteUrl);
    await expect.poll(() => p.getByTestId('quote-state').textContent(), { timeout: 10_000 }).toBe('Accepted');
    await p.getByRole('link', { name: /^Order SO\d{5}$/ }).click();
    await p.waitForURL(/\/sales\/orders\/[0-9a-f-]{36}$/);
    await ready(p);
    await expect.poll(() => p.getByTestId('order-state').textContent(), { timeout: 10_000 }).toBe('Draft');
    const orderId = p.url().split('/').at(-1) as string;
    await p.getByRole('button', { name: 'Confirm', exact: true }).click();
    await expect.poll(() => p.getByTestId('order-state').textContent(), { timeout: 10_000 }).toBe('Confirmed');
    await p.getByRole('button', { name: 'Deliver', exact: true }).click();
    await p.getByRole('dialog', { name: 'Deliver' }).getByRole('button', { name: 'Validate delivery' }).click();
    await expect.poll(() => p.getByTestId('order-delivery').textContent(), { timeout: 10_000 }).toBe('Delivered');
    const stock = await tenant.as<{ onHand: string; reserved: string }>(
      'GET',
      `/api/v1/inventory/stock?productId=${s.productId}`,
    );
    expect([Number(stock.onHand), Number(stock.reserved)]).toEqual([7, 0]);

    // The invoice through the REST API, then paid through the Stripe pay link.
    const draft = await tenant.as<{ id: string }>('POST', `/api/v1/sales/orders/${orderId}/invoices`, {});
    const posted = await tenant.as<{ id: string; number: string; amountTotal: string }>(
      'POST',
      `/api/v1/sales/invoices/${draft.id}/post`,
      {},
    );
    const link = await tenant.as<{ id: string; url: string; provider: string }>(
      'POST',
      `/api/v1/sales/invoices/${draft.id}/pay-link`,
      { successUrl: tenant.app(`/sales/orders/${orderId}`), cancelUrl: tenant.app(`/sales/orders/${orderId}`) },
    );
    expect(link.provider).toBe('stripe');
    expect(stripe.sessions.get(link.id)).toMatchObject({ amount_total: 3750, currency: 'usd' });
    await stripePaid(s, link.id);
    await expect
      .poll(
        async () =>
          (await tenant.as<{ paymentStatus: string }>('GET', `/api/v1/sales/invoices/${draft.id}`)).paymentStatus,
        {
          timeout: 20_000,
        },
      )
      .toBe('paid');

    // crm's opportunity: won by the accepted quote; its quotes panel says so; no Create quote any more.
    await open(p, tenant.app(`/crm/opportunities/${s.opportunityId}`));
    expect(await p.locator('#opp-title + p').textContent()).toContain('Won');
    expect(await p.getByTestId('opportunity-quotes').textContent()).toMatch(/S\d{5}\s*Accepted/);
    expect(await p.getByRole('link', { name: 'Create quote' }).count()).toBe(0);

    // crm's contact page: sales' panel with the quote, the order and the paid invoice.
    await open(p, tenant.app(`/crm/contacts/${s.contactId}`));
    const panel = p.getByTestId('sales-panel');
    expect(await panel.getByRole('heading', { name: 'Sales' }).count()).toBe(1);
    const invoice = panel.getByTestId('sales-invoice');
    expect(await invoice.textContent()).toContain(posted.number);
    expect(await invoice.textContent()).toContain('Paid');
    expect(await invoice.textContent()).toContain('$37.50');
    expect(await panel.getByTestId('sales-invoiced').textContent()).toBe('$37.50');
    expect(await panel.getByTestId('sales-due').textContent()).toBe('$0.00');
    expect(await panel.getByRole('link', { name: posted.number }).getAttribute('href')).toContain(
      `/sales/invoices/${posted.id}`,
    );
    expect(await panel.textContent()).toMatch(/SO\d{5}\s*Done/);

    // Looked at: 1440 and 375 px, light and dark; axe finds nothing serious; nothing wider than the phone.
    const url = tenant.app(`/crm/contacts/${s.contactId}`);
    for (const width of [1440, 375]) {
      const c = await context(width);
      const v = await c.newPage();
      const consoleErrors: string[] = [];
      v.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
      });
      v.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
      await signIn(v, tenant);
      for (const theme of ['light', 'dark'] as const) {
        await open(v, url);
        await setTheme(v, theme);
        const seen = await visit(v, url, `/t/${tenant.slug}`, consoleErrors, { axe: true, narrow: width === 375 });
        expect(seen.failures).toEqual([]);
        expect(await v.getByTestId('sales-panel').count()).toBe(1);
        await screenshot(v, `crm-contact-sales-panel-${width}-${theme}`);
        if (width === 375)
          expect(await v.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      }
    }
  });

  it('the slots show sales only where sales is enabled and to users holding its permissions', async () => {
    const s = await salesTenant();
    await api(
      platform.url,
      'POST',
      '/api/v1/sales/quotes',
      {
        contactId: s.contactId,
        opportunityId: s.opportunityId,
        lines: [{ description: 'Survey', unitPrice: '10' }],
      },
      s.tenant.token,
    );

    // A crm-only user: crm's pages open, sales' panel, button and quotes are not there.
    const crmOnly = await userWithOnly(s, ['crm.contact.read', 'crm.opportunity.read', 'crm.pipeline.read']);
    page = crmOnly;
    await open(crmOnly, s.tenant.app(`/crm/contacts/${s.contactId}`));
    expect(await crmOnly.getByRole('heading', { name: 'Ada Lovelace' }).count()).toBe(1);
    expect(await crmOnly.getByTestId('sales-panel').count()).toBe(0);
    await open(crmOnly, s.tenant.app(`/crm/opportunities/${s.opportunityId}`));
    expect(await crmOnly.getByRole('heading', { name: 'Looms for the mill' }).count()).toBe(1);
    expect(await crmOnly.getByTestId('opportunity-quotes').count()).toBe(0);
    expect(await crmOnly.getByRole('link', { name: 'Create quote' }).count()).toBe(0);

    // Reading quotes but not writing them: the panels, without the button.
    const reader = await userWithOnly(s, [
      'crm.contact.read',
      'crm.opportunity.read',
      'crm.pipeline.read',
      'sales.quote.read',
    ]);
    page = reader;
    await open(reader, s.tenant.app(`/crm/opportunities/${s.opportunityId}`));
    expect(await reader.getByTestId('opportunity-quotes').textContent()).toMatch(/Quotes\s*\(1\)/);
    expect(await reader.getByRole('link', { name: 'Create quote' }).count()).toBe(0);
    await open(reader, s.tenant.app(`/crm/contacts/${s.contactId}`));
    const panel = reader.getByTestId('sales-panel');
    expect(await panel.count()).toBe(1);
    // Without the order and invoice reads, those parts are not in the panel.
    expect(await panel.getByRole('heading', { name: /^Orders/ }).count()).toBe(0);
    expect(await panel.getByRole('heading', { name: /^Quotes/ }).count()).toBe(1);

    // Sales disabled for the company: crm's pages without any of it.
    await s.tenant.as('POST', '/api/v1/core/addons/stripe/disable', {});
    await s.tenant.as('POST', '/api/v1/core/addons/sales/disable', {});
    page = await (await context()).newPage();
    await signIn(page, s.tenant);
    await open(page, s.tenant.app(`/crm/contacts/${s.contactId}`));
    expect(await page.getByRole('heading', { name: 'Ada Lovelace' }).count()).toBe(1);
    expect(await page.getByTestId('sales-panel').count()).toBe(0);
    await open(page, s.tenant.app(`/crm/opportunities/${s.opportunityId}`));
    expect(await page.getByTestId('opportunity-quotes').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Create quote' }).count()).toBe(0);
  });
});
