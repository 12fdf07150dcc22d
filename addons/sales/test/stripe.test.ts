import { randomBytes } from 'node:crypto';
import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { stripe } from '@elevate/stripe';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sales } from '../src/index.ts';
import { API, contact, ok } from './helpers.ts';
import { paidWebhook, type StripeFake, startStripeFake } from './stripe-fake.ts';

// End to end with the Stripe addon: pay link → Stripe Checkout (a local server speaking Stripe's
// format) → Stripe's signed webhook, delivered twice → the invoice paid once.

let env: TestEnv;
let fake: StripeFake;
let acme: TestTenant;
const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;

beforeAll(async () => {
  fake = await startStripeFake();
  process.env.STRIPE_API_BASE = fake.url;
  env = await bootTestKernel({ addons: [crm, inventory, sales, stripe], workers: false });
  acme = await env.tenant('stripe-sales', { enable: ['sales', 'stripe'] });
  const secretKey = `sk_test_${randomBytes(18).toString('hex')}`;
  fake.keys.add(secretKey);
  await ok(acme.client.put('/api/v1/stripe/settings', { secretKey, webhookSecret }));
});
afterAll(async () => {
  await env?.close();
  await fake?.close();
});

describe('invoice paid through Stripe', () => {
  it('pay link → checkout session; the signed webhook delivered twice pays the invoice once', async () => {
    const c = await contact(acme.client);
    const o = await ok(
      acme.client.post(`${API}/orders`, {
        contactId: c.id,
        currency: 'EUR',
        lines: [{ description: 'Work', unitPrice: '119' }],
      }),
      201,
    );
    await ok(acme.client.put('/api/v1/core/money/settings', { currency: 'EUR' }));
    await ok(acme.client.post(`${API}/orders/${o.id}/confirm`));
    const draft = await ok(acme.client.post(`${API}/orders/${o.id}/invoices`, {}), 201);
    const inv = await ok(acme.client.post(`${API}/invoices/${draft.id}/post`));
    const link = await ok<{ id: string; url: string; provider: string }>(
      acme.client.post(`${API}/invoices/${inv.id}/pay-link`, {
        successUrl: 'https://app.example.test/paid',
        cancelUrl: 'https://app.example.test/back',
      }),
      201,
    );
    expect(link.provider).toBe('stripe');
    const session = fake.sessions.get(link.id) as Record<string, unknown>;
    expect(session).toMatchObject({ amount_total: 11900, currency: 'eur' });
    const hook = paidWebhook(session, webhookSecret);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${env.url}/api/v1/stripe/webhooks/${acme.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': hook.signature },
        body: hook.payload,
      });
      expect(res.status).toBe(200);
    }
    await vi.waitFor(async () => expect(await env.flush()).toBe(0), { timeout: 20_000, interval: 50 });
    const after = await ok<{ paymentStatus: string; amountPaid: string; payments: unknown[] }>(
      acme.client.get(`${API}/invoices/${inv.id}`),
    );
    expect(after).toMatchObject({ paymentStatus: 'paid', amountPaid: '119.0000' });
    expect(after.payments).toMatchObject([{ method: 'provider', provider: 'stripe', amount: '119.0000' }]);
  });
});
