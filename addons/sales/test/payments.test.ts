import { randomUUID } from 'node:crypto';
import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import {
  type CheckoutRequest,
  defineAddon,
  PaymentSucceeded,
  type PaymentSucceededPayload,
  Payments,
  provideValue,
} from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sales } from '../src/index.ts';
import { API, contact, ok } from './helpers.ts';

// A payment provider written as a provider addon would write it, with only the SDK's contract:
// it hands out checkout pages and publishes `payments.payment.succeeded` when told money arrived.
const checkouts: CheckoutRequest[] = [];
const testpay = defineAddon({
  id: 'testpay',
  version: '1.0.0',
  title: 'Test pay',
  description: 'A payment provider for tests',
  category: 'Test',
  platform: '^1.0.0',
  events: [PaymentSucceeded],
  provides: [
    provideValue(Payments, {
      provider: 'testpay',
      createCheckout: async (req) => {
        checkouts.push(req);
        return { id: `cs_${checkouts.length}`, url: `https://pay.example.test/c/${checkouts.length}` };
      },
    }),
  ],
  rest: (r) => {
    r.post<Record<string, string>, PaymentSucceededPayload>('/succeed', {}, async ({ body, ctx }) => {
      await ctx.events.publish(PaymentSucceeded, body.providerEventId, body);
      return { status: 202, body: { ok: true } };
    });
  },
});

let env: TestEnv;
let acme: TestTenant;
let nopay: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales, testpay], workers: false });
  acme = await env.tenant('pay-acme', { enable: ['sales', 'testpay'] });
  other = await env.tenant('pay-other', { enable: ['sales', 'testpay'] });
  nopay = await env.tenant('pay-none', { enable: ['sales'] });
});
afterAll(() => env?.close());

const urls = { successUrl: 'https://app.example.test/paid', cancelUrl: 'https://app.example.test/back' };

async function postedInvoice(t: TestTenant, price = '119') {
  const c = await contact(t.client);
  const o = await ok(
    t.client.post(`${API}/orders`, {
      contactId: c.id,
      currency: 'USD',
      lines: [{ description: 'Work', unitPrice: price }],
    }),
    201,
  );
  await ok(t.client.post(`${API}/orders/${o.id}/confirm`));
  const inv = await ok(t.client.post(`${API}/orders/${o.id}/invoices`, {}), 201);
  return ok<{ id: string; number: string }>(t.client.post(`${API}/invoices/${inv.id}/post`));
}

const succeeded = (invoiceId: string, over: Partial<PaymentSucceededPayload> = {}): PaymentSucceededPayload => ({
  reference: `sales.invoice:${invoiceId}`,
  provider: 'testpay',
  providerPaymentId: `pi_${randomUUID()}`,
  checkoutId: 'cs_1',
  providerEventId: `evt_${randomUUID()}`,
  amount: '119.00',
  currency: 'USD',
  ...over,
});

const invoice = (t: TestTenant, id: string) =>
  ok<{ paymentStatus: string; amountPaid: string; payments: { method: string; amount: string }[] }>(
    t.client.get(`${API}/invoices/${id}`),
  );

describe('payments through a provider', () => {
  it('a pay link is a checkout for what is due, referencing the invoice', async () => {
    const inv = await postedInvoice(acme);
    await ok(acme.client.post(`${API}/invoices/${inv.id}/payments`, { amount: '19' }), 201);
    const link = await ok(acme.client.post(`${API}/invoices/${inv.id}/pay-link`, urls), 201);
    expect(link).toMatchObject({ provider: 'testpay', url: expect.stringMatching(/^https:\/\/pay\.example\.test\//) });
    expect(checkouts.at(-1)).toMatchObject({
      reference: `sales.invoice:${inv.id}`,
      amount: { amount: '100.00', currency: 'USD' },
      description: `Invoice ${inv.number}`,
      customerEmail: expect.stringContaining('@example.test'),
      ...urls,
    });
    const relative = await acme.client.post(`${API}/invoices/${inv.id}/pay-link`, { ...urls, successUrl: '/paid' });
    expect(relative.status).toBe(400);
  });

  it('without a payment addon: 409 with a clear code', async () => {
    const inv = await postedInvoice(nopay);
    const res = await nopay.client.post(`${API}/invoices/${inv.id}/pay-link`, urls);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('SALES_NO_PAYMENT_PROVIDER');
  });

  it('the payment event, delivered twice, records the payment once and marks the invoice paid', async () => {
    const inv = await postedInvoice(acme);
    const e = succeeded(inv.id);
    await ok(acme.client.post('/api/v1/testpay/succeed', e), 202);
    await ok(acme.client.post('/api/v1/testpay/succeed', e), 202);
    // The same payment reported under another event id is still one payment.
    await ok(acme.client.post('/api/v1/testpay/succeed', { ...e, providerEventId: `evt_${randomUUID()}` }), 202);
    await vi.waitFor(async () => expect(await env.flush()).toBe(0), { timeout: 20_000, interval: 50 });
    const after = await invoice(acme, inv.id);
    expect(after).toMatchObject({ paymentStatus: 'paid', amountPaid: '119.0000' });
    expect(after.payments).toMatchObject([{ method: 'provider', amount: '119.0000' }]);
    const paid = await env.sql<{ n: number }>(
      `select count(*)::int as n from core_outbox where tenant_id = $1 and name = 'sales.invoice.paid' and aggregate_id = $2`,
      [acme.id, inv.id],
    );
    expect(paid).toEqual([{ n: 1 }]);
  });

  it('events that are not ours or do not fit are skipped without holding back the relay', async () => {
    const inv = await postedInvoice(acme);
    await ok(acme.client.post('/api/v1/testpay/succeed', succeeded(inv.id, { reference: 'shop.order:1' })), 202);
    await ok(acme.client.post('/api/v1/testpay/succeed', succeeded(inv.id, { currency: 'EUR' })), 202);
    await ok(acme.client.post('/api/v1/testpay/succeed', succeeded(randomUUID())), 202);
    await vi.waitFor(async () => expect(await env.flush()).toBe(0), { timeout: 20_000, interval: 50 });
    expect(await invoice(acme, inv.id)).toMatchObject({ paymentStatus: 'unpaid', payments: [] });
    // The relay went on: a good event after them is recorded.
    await ok(acme.client.post('/api/v1/testpay/succeed', succeeded(inv.id, { amount: '19.00' })), 202);
    await vi.waitFor(async () => expect(await env.flush()).toBe(0), { timeout: 20_000, interval: 50 });
    expect(await invoice(acme, inv.id)).toMatchObject({ paymentStatus: 'partial', amountPaid: '19.0000' });
  });

  it('another company: 404 on the pay link, and its event cannot pay our invoice', async () => {
    const inv = await postedInvoice(acme);
    expect((await other.client.post(`${API}/invoices/${inv.id}/pay-link`, urls)).status).toBe(404);
    await ok(other.client.post('/api/v1/testpay/succeed', succeeded(inv.id)), 202);
    await vi.waitFor(async () => expect(await env.flush()).toBe(0), { timeout: 20_000, interval: 50 });
    expect(await invoice(acme, inv.id)).toMatchObject({ paymentStatus: 'unpaid' });
  });

  it('a sales rep cannot send pay links', async () => {
    const inv = await postedInvoice(acme);
    const rep = await acme.as('member');
    expect((await rep.post(`${API}/invoices/${inv.id}/pay-link`, urls)).status).toBe(403);
  });
});
