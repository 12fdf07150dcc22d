import { randomBytes, randomUUID } from 'node:crypto';
import { defineAddon, PaymentSucceeded, type PaymentSucceededPayload, subscribe } from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripe } from '../src/index.ts';
import { completedEvent, type FakeStripe, signature, startFakeStripe } from './fake-stripe.ts';

const API = '/api/v1/stripe';
const seen: PaymentSucceededPayload[] = [];
// A consumer written as another addon would write it: it only knows the SDK's contract.
const payee = defineAddon({
  id: 'payee',
  version: '1.0.0',
  title: 'Payee',
  description: 'Records payments (test)',
  category: 'Test',
  platform: '^1.0.0',
  subscribers: [subscribe(PaymentSucceeded, 'record', (e) => void seen.push(e.payload))],
});

let env: TestEnv;
let fake: FakeStripe;
let acme: TestTenant;
let globex: TestTenant;
const keyOf = () => `sk_test_${randomBytes(18).toString('hex')}`;
const whsecOf = () => `whsec_${randomBytes(24).toString('base64').replace(/[+/=]/g, 'x')}`;
const secrets = new Map<string, { secretKey: string; webhookSecret: string }>();

async function connectTenant(t: TestTenant) {
  const s = { secretKey: keyOf(), webhookSecret: whsecOf() };
  fake.keys.add(s.secretKey);
  const res = await t.client.put(`${API}/settings`, s);
  expect(res.status).toBe(200);
  secrets.set(t.id, s);
  return s;
}

const checkoutBody = (over: Record<string, unknown> = {}) => ({
  reference: `sales.invoice:${randomUUID()}`,
  amount: { amount: '119.00', currency: 'EUR' },
  description: 'Invoice INV/2026/0042',
  customerEmail: 'ada@customer.test',
  successUrl: 'https://app.example.test/paid',
  cancelUrl: 'https://app.example.test/cancelled',
  ...over,
});

/** A paid session for a new checkout of tenant `t`, as Stripe would later report it. */
async function paidEvent(t: TestTenant, over: Record<string, unknown> = {}) {
  const res = await t.client.post(`${API}/checkouts`, checkoutBody());
  expect(res.status).toBe(201);
  const session = fake.sessions.get(res.body.id) as Record<string, unknown>;
  return completedEvent(session, over);
}

function deliver(tenantId: string, payload: string, sig: string | null) {
  return fetch(`${env.url}${API}/webhooks/${tenantId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...(sig ? { 'stripe-signature': sig } : {}) },
    body: payload,
  }).then(async (r) => ({ status: r.status, body: await r.json() }));
}

const eventsIn = (tenantId: string, eventId: string) =>
  env.sql<{ n: number }>('select count(*)::int as n from stripe_event where tenant_id = $1 and event_id = $2', [
    tenantId,
    eventId,
  ]);
const outboxFor = (tenantId: string, providerEventId: string) =>
  env.sql<{ payload: PaymentSucceededPayload }>(
    `select payload from core_outbox where tenant_id = $1 and name = 'payments.payment.succeeded' and payload->>'providerEventId' = $2`,
    [tenantId, providerEventId],
  );

beforeAll(async () => {
  fake = await startFakeStripe();
  process.env.STRIPE_API_BASE = fake.url;
  env = await bootTestKernel({ addons: [stripe, payee], workers: false });
  acme = await env.tenant('stripe-acme', { enable: ['stripe', 'payee'] });
  globex = await env.tenant('stripe-globex', { enable: ['stripe', 'payee'] });
  await connectTenant(acme);
  await connectTenant(globex);
});
afterAll(async () => {
  await env?.close();
  await fake?.close();
});

describe('connecting Stripe', () => {
  it('stores the key and webhook secret encrypted and never shows them', async () => {
    const t = await env.tenant(`stripe-c-${randomBytes(3).toString('hex')}`, { enable: ['stripe'] });
    expect((await t.client.get(`${API}/settings`)).body).toMatchObject({ connected: false, secretKeyLast4: null });
    const s = { secretKey: keyOf(), webhookSecret: whsecOf() };
    const put = await t.client.put(`${API}/settings`, s);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      connected: true,
      livemode: false,
      secretKeyLast4: s.secretKey.slice(-4),
      webhookSecretSet: true,
      webhookPath: `/api/v1/stripe/webhooks/${t.id}`,
    });
    const got = await t.client.get(`${API}/settings`);
    expect(JSON.stringify(got.body)).not.toContain(s.secretKey);
    expect(JSON.stringify(got.body)).not.toContain(s.webhookSecret);
    const [row] = await env.sql<{ k: string; w: string }>(
      'select secret_key_sealed as k, webhook_secret_sealed as w from stripe_account where tenant_id = $1',
      [t.id],
    );
    expect(row?.k).toMatch(/^v1\./);
    expect(row?.k).not.toContain(s.secretKey.slice(8));
    expect(row?.w).not.toContain(s.webhookSecret.slice(6));
    // The audit log keeps no copy either.
    const audit = await env.sql<{ a: string }>(
      "select after::text as a from core_audit where table_name = 'stripe_account' and tenant_id = $1",
      [t.id],
    );
    expect(audit.length).toBeGreaterThan(0);
    for (const a of audit) expect(a.a).not.toContain(row?.k);
    // Reconnecting replaces; disconnecting forgets.
    expect((await t.client.put(`${API}/settings`, { ...s, secretKey: keyOf() })).status).toBe(200);
    expect(await env.sql('select 1 from stripe_account where tenant_id = $1', [t.id])).toHaveLength(1);
    expect((await t.client.delete(`${API}/settings`)).status).toBe(204);
    expect((await t.client.get(`${API}/settings`)).body.connected).toBe(false);
  });

  it('refuses what is not a Stripe key or signing secret, naming the field', async () => {
    const res = await acme.client.put(`${API}/settings`, {
      secretKey: 'pk_test_abcdefghijkl',
      webhookSecret: 'secret',
    });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['secretKey', 'webhookSecret']);
    const missing = await acme.client.put(`${API}/settings`, { secretKey: keyOf() });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body.details)).toContain('webhookSecret');
  });

  it('is for admins: a manager or member may not see or change it', async () => {
    for (const role of ['manager', 'member'] as const) {
      const c = await acme.as(role);
      expect((await c.get(`${API}/settings`)).status).toBe(403);
      expect((await c.put(`${API}/settings`, { secretKey: keyOf(), webhookSecret: whsecOf() })).status).toBe(403);
      expect((await c.delete(`${API}/settings`)).status).toBe(403);
      expect((await c.get(`${API}/events`)).status).toBe(403);
    }
    const admin = await acme.as('admin');
    expect((await admin.get(`${API}/settings`)).status).toBe(200);
  });

  it("keeps tenants apart: B sees its own connection, not A's", async () => {
    const a = (await acme.client.get(`${API}/settings`)).body;
    const b = (await globex.client.get(`${API}/settings`)).body;
    expect(a.secretKeyLast4).toBe(secrets.get(acme.id)?.secretKey.slice(-4));
    expect(b.secretKeyLast4).toBe(secrets.get(globex.id)?.secretKey.slice(-4));
    // A row sealed for A, copied into B's row, does not open there (the tenant is bound in).
    const t = await env.tenant(`stripe-copy-${randomBytes(3).toString('hex')}`, { enable: ['stripe'] });
    await connectTenant(t);
    await env.sql(
      `update stripe_account set secret_key_sealed = (select secret_key_sealed from stripe_account where tenant_id = $1) where tenant_id = $2`,
      [acme.id, t.id],
    );
    const res = await t.client.post(`${API}/checkouts`, checkoutBody());
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('STRIPE_RECONNECT');
  });
});

describe('checkout sessions (the Payments provider)', () => {
  it("creates a Checkout Session with the tenant's key, the exact amount in minor units and the reference", async () => {
    const n = fake.requests.length;
    const body = checkoutBody({ amount: { amount: '119.5', currency: 'EUR' } });
    const res = await acme.client.post(`${API}/checkouts`, body);
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^cs_test_/);
    expect(res.body.url).toBe(`https://checkout.stripe.com/c/pay/${res.body.id}`);
    const req = fake.requests[n];
    expect(req?.key).toBe(secrets.get(acme.id)?.secretKey);
    expect(req?.form).toMatchObject({
      mode: 'payment',
      success_url: body.successUrl,
      cancel_url: body.cancelUrl,
      customer_email: body.customerEmail,
      line_items: [
        {
          quantity: '1',
          price_data: { currency: 'eur', unit_amount: '11950', product_data: { name: body.description } },
        },
      ],
      metadata: { elevate_reference: body.reference, elevate_tenant: acme.id },
      payment_intent_data: { metadata: { elevate_reference: body.reference } },
    });
  });

  it('sends JPY and KWD in their own minor units', async () => {
    for (const [amount, currency, minor] of [
      ['1500', 'JPY', '1500'],
      ['12.34', 'KWD', '12340'],
    ] as const) {
      const n = fake.requests.length;
      const res = await acme.client.post(`${API}/checkouts`, checkoutBody({ amount: { amount, currency } }));
      expect(res.status).toBe(201);
      expect(
        ((fake.requests[n]?.form.line_items ?? []) as { price_data: { unit_amount: string } }[])[0]?.price_data
          .unit_amount,
      ).toBe(minor);
    }
  });

  it('refuses bad input with a 400 naming the field, before calling Stripe', async () => {
    const n = fake.requests.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: { amount: '10.999', currency: 'EUR' } }, 'amount.amount'],
      [{ amount: { amount: '10.5', currency: 'JPY' } }, 'amount.amount'],
      [{ amount: { amount: '0', currency: 'EUR' } }, 'amount.amount'],
      [{ amount: { amount: '1000000', currency: 'EUR' } }, 'amount.amount'],
      [{ successUrl: '/relative' }, 'successUrl'],
      [{ reference: 'no colon' }, 'reference'],
    ];
    for (const [over, path] of cases) {
      const res = await acme.client.post(`${API}/checkouts`, checkoutBody(over));
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(fake.requests.length).toBe(n);
  });

  it('answers 409 NOT_CONFIGURED before the tenant connects, 502 when Stripe refuses the key', async () => {
    const t = await env.tenant(`stripe-nc-${randomBytes(3).toString('hex')}`, { enable: ['stripe'] });
    const res = await t.client.post(`${API}/checkouts`, checkoutBody());
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('NOT_CONFIGURED');
    await t.client.put(`${API}/settings`, { secretKey: keyOf(), webhookSecret: whsecOf() }); // a key Stripe does not know
    const refused = await t.client.post(`${API}/checkouts`, checkoutBody());
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ code: 'PAYMENT_PROVIDER_ERROR' });
    expect(refused.body.message).toMatch(/secret key/);
  });

  it('needs stripe.checkout.create: a manager may, a member may not', async () => {
    expect((await (await acme.as('manager')).post(`${API}/checkouts`, checkoutBody())).status).toBe(201);
    expect((await (await acme.as('member')).post(`${API}/checkouts`, checkoutBody())).status).toBe(403);
  });
});

describe('the webhook', () => {
  it('verifies the signature and publishes payments.payment.succeeded with the exact amount', async () => {
    const event = await paidEvent(acme);
    const payload = JSON.stringify(event);
    const res = await deliver(acme.id, payload, signature(payload, secrets.get(acme.id)?.webhookSecret as string));
    expect(res).toEqual({ status: 200, body: { received: true, duplicate: false, outcome: 'payment.succeeded' } });
    const session = (event.data as { object: Record<string, unknown> }).object;
    const expected = {
      reference: (session.metadata as Record<string, string>).elevate_reference,
      provider: 'stripe',
      providerPaymentId: session.payment_intent,
      checkoutId: session.id,
      providerEventId: event.id,
      amount: '119.00',
      currency: 'EUR',
    };
    expect((await outboxFor(acme.id, event.id as string)).map((r) => r.payload)).toEqual([expected]);
    await env.flush();
    expect(seen.filter((p) => p.providerEventId === event.id)).toEqual([expected]);
    const list = await acme.client.get(`${API}/events?limit=200`);
    expect(list.body.data.find((e: { eventId: string }) => e.eventId === event.id)).toMatchObject({
      type: 'checkout.session.completed',
      reference: expected.reference,
      outcome: 'payment.succeeded',
    });
  });

  it('processes an event delivered twice exactly once', async () => {
    const event = await paidEvent(acme);
    const payload = JSON.stringify(event);
    const whsec = secrets.get(acme.id)?.webhookSecret as string;
    expect((await deliver(acme.id, payload, signature(payload, whsec))).body.duplicate).toBe(false);
    const again = await deliver(acme.id, payload, signature(payload, whsec));
    expect(again).toEqual({ status: 200, body: { received: true, duplicate: true, outcome: 'duplicate' } });
    expect((await eventsIn(acme.id, event.id as string))[0]?.n).toBe(1);
    expect(await outboxFor(acme.id, event.id as string)).toHaveLength(1);
  });

  it('processes an event delivered concurrently exactly once', async () => {
    const event = await paidEvent(acme);
    const payload = JSON.stringify(event);
    const whsec = secrets.get(acme.id)?.webhookSecret as string;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => deliver(acme.id, payload, signature(payload, whsec))),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1);
    expect((await eventsIn(acme.id, event.id as string))[0]?.n).toBe(1);
    expect(await outboxFor(acme.id, event.id as string)).toHaveLength(1);
  });

  it('refuses a bad, missing, stale or tampered signature with 400 and writes nothing', async () => {
    const event = await paidEvent(acme);
    const payload = JSON.stringify(event);
    const whsec = secrets.get(acme.id)?.webhookSecret as string;
    const now = Math.floor(Date.now() / 1000);
    const tampered = payload.replace('"amount_total":11900', '"amount_total":1');
    expect(tampered).not.toBe(payload);
    const cases: [string, string | null][] = [
      [payload, null],
      [payload, 'garbage'],
      [payload, signature(payload, whsecOf())],
      [payload, signature(payload, whsec, now - 400)],
      [payload, signature(payload, whsec, now + 400)],
      [tampered, signature(payload, whsec)],
    ];
    for (const [body, sig] of cases) {
      const res = await deliver(acme.id, body, sig);
      expect(res.status, String(sig)).toBe(400);
      expect(res.body.code).toBe('STRIPE_SIGNATURE_INVALID');
    }
    // Inside the tolerance it verifies.
    expect((await deliver(acme.id, payload, signature(payload, whsec, now - 250))).status).toBe(200);
    expect((await eventsIn(acme.id, event.id as string))[0]?.n).toBe(1);
  });

  it('answers 404 for an unknown tenant, a malformed one and one without the addon; 409 when not connected', async () => {
    const payload = JSON.stringify(await paidEvent(acme));
    const sig = signature(payload, secrets.get(acme.id)?.webhookSecret as string);
    expect((await deliver(randomUUID(), payload, sig)).status).toBe(404);
    expect((await deliver('not-a-tenant', payload, sig)).status).toBe(404);
    const off = await env.tenant(`stripe-off-${randomBytes(3).toString('hex')}`, { enable: [] });
    const offRes = await deliver(off.id, payload, sig);
    expect(offRes.status).toBe(404);
    expect(offRes.body.code).toBe('NOT_FOUND');
    const unconnected = await env.tenant(`stripe-un-${randomBytes(3).toString('hex')}`, { enable: ['stripe'] });
    const res = await deliver(unconnected.id, payload, sig);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('NOT_CONFIGURED');
  });

  it("cannot replay a delivery signed with A's secret into B, nor a session of A's with B's secret", async () => {
    const event = await paidEvent(acme);
    const payload = JSON.stringify(event);
    const res = await deliver(globex.id, payload, signature(payload, secrets.get(acme.id)?.webhookSecret as string));
    expect(res.status).toBe(400);
    expect(await eventsIn(globex.id, event.id as string)).toEqual([{ n: 0 }]);
    // Even correctly signed for B, a session A created has no effect in B.
    const signedB = await deliver(
      globex.id,
      payload,
      signature(payload, secrets.get(globex.id)?.webhookSecret as string),
    );
    expect(signedB.body.outcome).toBe('ignored:tenant');
    expect(await outboxFor(globex.id, event.id as string)).toHaveLength(0);
  });

  it('records an unpaid completion and other event types without effect', async () => {
    const whsec = secrets.get(acme.id)?.webhookSecret as string;
    const unpaid = await paidEvent(acme, { payment_status: 'unpaid' });
    const p1 = JSON.stringify(unpaid);
    expect((await deliver(acme.id, p1, signature(p1, whsec))).body.outcome).toBe('ignored:unpaid');
    const other = {
      ...unpaid,
      id: `evt_${randomBytes(8).toString('hex')}`,
      type: 'customer.created',
      data: { object: { id: 'cus_1' } },
    };
    const p2 = JSON.stringify(other);
    expect((await deliver(acme.id, p2, signature(p2, whsec))).body.outcome).toBe('ignored');
    expect(await outboxFor(acme.id, unpaid.id as string)).toHaveLength(0);
  });

  it("lists only the tenant's own events; another tenant's event id is a 404", async () => {
    const event = await paidEvent(acme);
    const payload = JSON.stringify(event);
    await deliver(acme.id, payload, signature(payload, secrets.get(acme.id)?.webhookSecret as string));
    const mine = await acme.client.get(`${API}/events?limit=200`);
    const row = mine.body.data.find((e: { eventId: string }) => e.eventId === event.id);
    expect(row).toBeTruthy();
    const theirs = await globex.client.get(`${API}/events?limit=200`);
    expect(theirs.body.data.map((e: { eventId: string }) => e.eventId)).not.toContain(event.id);
    expect((await globex.client.get(`${API}/events/${row.id}`)).status).toBe(404);
    expect((await acme.client.get(`${API}/events/${row.id}`)).status).toBe(200);
  });
});
