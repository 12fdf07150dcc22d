import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local server speaking Stripe's documented format for what the Stripe addon calls (POST
// /v1/checkout/sessions, form-encoded with bracketed keys, Bearer secret key, JSON answers) and
// Stripe's webhook signature (Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<payload>">
// with the whsec_ secret). Written from Stripe's documentation for sales' end-to-end test.

export interface StripeFake {
  url: string;
  keys: Set<string>;
  sessions: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

/** `a[b][0][c]=1` → { a: { b: [ { c: '1' } ] } }, as Stripe reads form bodies. */
function decodeForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> = out;
    path.forEach((seg, i) => {
      if (i === path.length - 1) node[seg] = value;
      else {
        node[seg] ??= /^\d+$/.test(path[i + 1] ?? '') ? [] : {};
        node = node[seg] as Record<string, unknown>;
      }
    });
  }
  return out;
}

export async function startStripeFake(): Promise<StripeFake> {
  const keys = new Set<string>();
  const sessions = new Map<string, Record<string, unknown>>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          'request-id': `req_${randomBytes(6).toString('hex')}`,
        });
        res.end(JSON.stringify(body));
      };
      if (!keys.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) {
        return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      }
      if (req.method !== 'POST' || req.url !== '/v1/checkout/sessions') {
        return send(404, {
          error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.url})` },
        });
      }
      const form = decodeForm(raw);
      const item = (
        form.line_items as { price_data: { currency: string; unit_amount: string }; quantity?: string }[]
      )[0];
      const amount = Number(item?.price_data.unit_amount) * Number(item?.quantity ?? 1);
      const id = `cs_test_${randomBytes(12).toString('hex')}`;
      const session = {
        id,
        object: 'checkout.session',
        amount_subtotal: amount,
        amount_total: amount,
        cancel_url: form.cancel_url ?? null,
        client_reference_id: form.client_reference_id ?? null,
        created: Math.floor(Date.now() / 1000),
        currency: item?.price_data.currency,
        customer_email: form.customer_email ?? null,
        expires_at: Math.floor(Date.now() / 1000) + 86400,
        livemode: false,
        metadata: form.metadata ?? {},
        mode: form.mode,
        payment_intent: null,
        payment_status: 'unpaid',
        status: 'open',
        success_url: form.success_url,
        url: `https://checkout.stripe.com/c/pay/${id}`,
      };
      sessions.set(id, session);
      send(200, session);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    sessions,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Stripe's `checkout.session.completed` for a session, paid, and its signature header. */
export function paidWebhook(session: Record<string, unknown>, secret: string) {
  const payload = JSON.stringify({
    id: `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'checkout.session.completed',
    data: {
      object: {
        ...session,
        status: 'complete',
        payment_status: 'paid',
        payment_intent: `pi_${randomBytes(12).toString('hex')}`,
      },
    },
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${payload}`, 'utf8').digest('hex');
  return { payload, signature: `t=${t},v1=${v1}` };
}
