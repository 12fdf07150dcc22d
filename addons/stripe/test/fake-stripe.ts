import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking Stripe's documented API format for what the addon calls
 * (POST /v1/checkout/sessions: form-encoded with bracketed keys, Bearer secret key; JSON answers,
 * errors as { error: { type, message, param } }), and Stripe's webhook signature scheme
 * (Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<payload>"> keyed with the whsec_ secret),
 * written here from Stripe's documentation, independently of the client library.
 */
export interface FakeStripe {
  url: string;
  /** Secret keys the server accepts. */
  keys: Set<string>;
  /** Every request to /v1/checkout/sessions: the key and the decoded form. */
  requests: { key: string; form: Record<string, unknown>; headers: IncomingMessage['headers'] }[];
  sessions: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

/** `a[b][0][c]=1` → { a: { b: [ { c: '1' } ] } }, as Stripe reads form bodies. */
export function decodeForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> = out;
    path.forEach((seg, i) => {
      if (i === path.length - 1) node[seg] = value;
      else {
        if (node[seg] === undefined) node[seg] = /^\d+$/.test(path[i + 1] ?? '') ? [] : {};
        node = node[seg] as Record<string, unknown>;
      }
    });
  }
  return out;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const keys = new Set<string>();
  const requests: FakeStripe['requests'] = [];
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
      const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!keys.has(key)) {
        return send(401, {
          error: {
            type: 'invalid_request_error',
            message: `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`,
          },
        });
      }
      if (req.method !== 'POST' || req.url !== '/v1/checkout/sessions') {
        return send(404, {
          error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.url})` },
        });
      }
      const form = decodeForm(raw);
      requests.push({ key, form, headers: req.headers });
      for (const p of ['mode', 'success_url', 'line_items']) {
        if (!form[p])
          return send(400, {
            error: { type: 'invalid_request_error', message: `Missing required param: ${p}.`, param: p },
          });
      }
      const item = (form.line_items as Record<string, Record<string, Record<string, string>>>[])[0];
      const price = item?.price_data as unknown as { currency: string; unit_amount: string };
      const quantity = Number(item?.quantity ?? 1);
      const id = `cs_test_${randomBytes(12).toString('hex')}`;
      const session = {
        id,
        object: 'checkout.session',
        amount_subtotal: Number(price.unit_amount) * quantity,
        amount_total: Number(price.unit_amount) * quantity,
        cancel_url: form.cancel_url ?? null,
        client_reference_id: form.client_reference_id ?? null,
        created: Math.floor(Date.now() / 1000),
        currency: price.currency,
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
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    keys,
    requests,
    sessions,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** The Stripe-Signature header for a payload, as Stripe computes it. */
export function signature(payload: string, secret: string, t = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${t}.${payload}`, 'utf8').digest('hex');
  return `t=${t},v1=${v1}`;
}

/** A `checkout.session.completed` event for a session, paid, as Stripe sends it. */
export function completedEvent(
  session: Record<string, unknown>,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
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
        ...over,
      },
    },
  };
}
