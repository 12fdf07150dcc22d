import { crc32, deflateSync } from 'node:zlib';
import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sales } from '../src/index.ts';
import { API, contact, ok, tax } from './helpers.ts';

let env: TestEnv;
let acme: TestTenant;
let other: TestTenant;
const LIMIT = 25;

beforeAll(async () => {
  env = await bootTestKernel({
    addons: [crm, inventory, sales],
    workers: false,
    env: { THROTTLE_PUBLIC_IP: `${LIMIT}/600` },
  });
  acme = await env.tenant('pub-acme', { enable: ['sales'] });
  other = await env.tenant('pub-other', { enable: ['sales'] });
});
afterAll(() => env?.close());

// Every test calls from its own address (the web app's vouched-for header, as the page's server
// side sends it), so the per-address limit of one test never meets another's.
let nextIp = 10;
const fromIp = () => {
  nextIp += 1;
  const ip = `198.51.100.${nextIp}`;
  const headers = { 'x-elevate-client-ip': ip, 'x-elevate-forward-key': process.env.ELEVATE_FORWARD_KEY ?? '' };
  const anon = env.anonymous();
  return {
    ip,
    get: (path: string) => anon.request('GET', path, undefined, headers),
    post: (path: string, body: unknown) => anon.request('POST', path, body, headers),
  };
};

/** A sent quote with an internal note, a section, a taxed product line and a note line, and its link. */
async function shared(t: TestTenant, extra: Record<string, unknown> = {}) {
  const vat = await tax(t.client, '20');
  const c = await contact(t.client, 'Ada Lovelace');
  const q = await ok<{ id: string; number: string }>(
    t.client.post(`${API}/quotes`, {
      contactId: c.id,
      currency: 'EUR',
      note: 'INTERNAL: margin is thin, do not discount further',
      lines: [
        { kind: 'section', description: 'Hardware' },
        {
          description: 'Analytical engine',
          quantity: '2',
          unitPrice: '1250.50',
          discountPercent: '10',
          taxIds: [vat.id],
        },
        { kind: 'note', description: 'Delivered within two weeks' },
      ],
      ...extra,
    }),
    201,
  );
  await ok(t.client.post(`${API}/quotes/${q.id}/send`));
  const link = await ok<{ token: string; path: string }>(t.client.post(`${API}/quotes/${q.id}/share-links`), 201);
  return { q, link, url: `${API}/public/${t.id}/quotes/${link.token}` };
}

/** A real PNG of `w` × `h` white pixels (what a signature pad's canvas exports). */
function png(w: number, h: number): string {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.alloc((w + 1) * h, 0xff);
  for (let y = 0; y < h; y++) rows[y * (w + 1)] = 0;
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${bytes.toString('base64')}`;
}

const orderCount = async (t: TestTenant) => (await t.client.get(`${API}/orders?count=true`)).body.total_count as number;

describe('public quote link', () => {
  it('shows the customer the document without a sign-in, and nothing internal', async () => {
    const { q, url } = await shared(acme);
    const res = await fromIp().get(url);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      company: 'pub-acme Inc',
      customer: { name: 'Ada Lovelace', company: null },
      number: q.number,
      state: 'sent',
      expired: false,
      currency: 'EUR',
      // 2 × 1250.50 = 2501.00 − 10 % = 2250.90; 20 % = 450.18
      amountUntaxed: '2250.9000',
      amountTax: '450.1800',
      amountTotal: '2701.0800',
    });
    expect(res.body.lines.map((l: { kind: string }) => l.kind)).toEqual(['section', 'product', 'note']);
    expect(res.body.taxSummary).toEqual([
      expect.objectContaining({ rate: '20.0000', base: '2250.90', amount: '450.18' }),
    ]);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('INTERNAL');
    for (const key of [
      'note',
      'ownerId',
      'opportunity',
      'contact',
      'acceptedIp',
      'acceptedSignature',
      'costPrice',
      'taxId',
    ]) {
      expect(text).not.toContain(`"${key}":`);
    }
    expect(res.headers.get('ratelimit-limit')).toBe(String(LIMIT));
  });

  it('accepts with a typed name and a drawn signature, recorded with time and address; the quote becomes an order', async () => {
    const { q, url } = await shared(acme);
    const caller = fromIp();
    const before = await orderCount(acme);
    const signature = png(400, 150);
    const res = await caller.post(`${url}/accept`, { name: '  Ada Lovelace ', signature });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ accepted: true, orderNumber: expect.stringMatching(/^SO\d{5}$/) });
    const [row] = await env.sql<{
      state: string;
      accepted_name: string;
      accepted_ip: string;
      accepted_signature: string;
      accepted_at: Date;
    }>('select state, accepted_name, accepted_ip, accepted_signature, accepted_at from sales_quote where id = $1', [
      q.id,
    ]);
    expect(row).toMatchObject({
      state: 'accepted',
      accepted_name: 'Ada Lovelace',
      accepted_ip: caller.ip,
      accepted_signature: signature,
    });
    expect(Math.abs(Date.now() - new Date(row?.accepted_at ?? 0).getTime())).toBeLessThan(600_000);
    expect(await orderCount(acme)).toBe(before + 1);
    // The page now shows the acceptance; a second accept changes nothing.
    expect((await caller.get(url)).body).toMatchObject({ state: 'accepted', acceptedName: 'Ada Lovelace' });
    const again = await caller.post(`${url}/accept`, { name: 'Mallory', signature: 'Mallory' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SALES_QUOTE_STATE');
    expect(await orderCount(acme)).toBe(before + 1);
  });

  it('accepts a typed signature', async () => {
    const { q, url } = await shared(acme);
    expect((await fromIp().post(`${url}/accept`, { name: 'Grace Hopper', signature: ' Grace  Hopper ' })).status).toBe(
      201,
    );
    const [row] = await env.sql<{ accepted_signature: string }>(
      'select accepted_signature from sales_quote where id = $1',
      [q.id],
    );
    expect(row?.accepted_signature).toBe('Grace Hopper');
  });

  it('refuses a bad name or signature with a 400 naming the field, writing nothing', async () => {
    const { q, url } = await shared(acme);
    const caller = fromIp();
    const before = await orderCount(acme);
    const cases: [unknown, string][] = [
      [{ name: '', signature: 'Ada' }, 'name'],
      [{ name: '   ', signature: 'Ada' }, 'name'],
      [{ name: 'Ada' }, 'signature'],
      [{ name: 'Ada', signature: 'data:image/png;base64,AAAA' }, 'signature'],
      [{ name: 'Ada', signature: 'data:image/svg+xml;base64,PHN2Zz4=' }, 'signature'],
      [
        {
          name: 'Ada',
          signature: `data:image/png;base64,${Buffer.from('GIF89a not a png at all, really not').toString('base64')}`,
        },
        'signature',
      ],
      [{ name: 'Ada', signature: png(3000, 100) }, 'signature'],
      [{ name: 'Ada', signature: png(400, 150).slice(0, -20) }, 'signature'],
      [{ name: 'Ada', signature: `data:image/png;base64,${'A'.repeat(250_000)}` }, 'signature'],
      [{ name: 'Ada', signature: 'x'.repeat(201) }, 'signature'],
      [{ name: 'Ada', signature: 'Ada\u0000' }, 'signature'],
      [{ name: 'Ada', signature: 'Ada', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await caller.post(`${url}/accept`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.details ?? res.body.message)).toContain(field);
    }
    const [row] = await env.sql<{ state: string }>('select state from sales_quote where id = $1', [q.id]);
    expect(row?.state).toBe('sent');
    expect(await orderCount(acme)).toBe(before);
  });

  it('unknown → 404; revoked, expired or superseded → 410 with a code; nothing accepted', async () => {
    const caller = fromIp();
    const unknown = `${acme.id.replaceAll('-', '')}.${'A'.repeat(43)}`;
    for (const token of [unknown, 'not-a-token', `${'0'.repeat(32)}.${'A'.repeat(43)}`]) {
      const res = await caller.get(`${API}/public/${acme.id}/quotes/${token}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    const revoked = await shared(acme);
    const links = await env.sql<{ id: string }>('select id from sales_share_link where quote_id = $1', [revoked.q.id]);
    await ok(acme.client.delete(`${API}/quotes/${revoked.q.id}/share-links/${links[0]?.id}`), 204);
    const expired = await shared(acme);
    await env.sql("update sales_share_link set expires_at = now() - interval '1 minute' where quote_id = $1", [
      expired.q.id,
    ]);
    const superseded = await shared(acme);
    await ok(acme.client.post(`${API}/quotes/${superseded.q.id}/revise`));
    for (const [s, code] of [
      [revoked, 'SALES_LINK_REVOKED'],
      [expired, 'SALES_LINK_EXPIRED'],
      [superseded, 'SALES_QUOTE_SUPERSEDED'],
    ] as const) {
      const view = await caller.get(s.url);
      expect([view.status, view.body.code]).toEqual([410, code]);
      const accept = await caller.post(`${s.url}/accept`, { name: 'Ada', signature: 'Ada' });
      expect([accept.status, accept.body.code]).toEqual([410, code]);
    }
    const states = await env.sql<{ state: string }>('select state from sales_quote where id = any($1) order by state', [
      [revoked.q.id, expired.q.id, superseded.q.id],
    ]);
    expect(states.map((r) => r.state)).toEqual(['sent', 'sent', 'superseded']);
  });

  it('a quote past its validity shows as expired and cannot be accepted', async () => {
    const { url } = await shared(acme, { validUntil: '2020-01-31' });
    const caller = fromIp();
    expect((await caller.get(url)).body).toMatchObject({ expired: true, validUntil: '2020-01-31' });
    const res = await caller.post(`${url}/accept`, { name: 'Ada', signature: 'Ada' });
    expect([res.status, res.body.code]).toEqual([409, 'SALES_QUOTE_STATE']);
  });

  it('is isolated: a token of one company with another company in the path is 404, and so is a company without sales', async () => {
    const { q, link } = await shared(acme);
    const caller = fromIp();
    expect((await caller.get(`${API}/public/${other.id}/quotes/${link.token}`)).status).toBe(404);
    const accept = await caller.post(`${API}/public/${other.id}/quotes/${link.token}/accept`, {
      name: 'A',
      signature: 'A',
    });
    expect(accept.status).toBe(404);
    // Even with the company part of the token rewritten to the other company's, the link is not there.
    const forged = `${other.id.replaceAll('-', '')}.${link.token.split('.')[1]}`;
    expect((await caller.get(`${API}/public/${other.id}/quotes/${forged}`)).status).toBe(404);
    const [row] = await env.sql<{ state: string }>('select state from sales_quote where id = $1', [q.id]);
    expect(row?.state).toBe('sent');
    const off = await env.tenant(`pub-off-${Date.now()}`, { enable: ['crm', 'inventory'] });
    expect((await caller.get(`${API}/public/${off.id}/quotes/${link.token}`)).status).toBe(404);
  });

  it('needs no permission but the token: a signed-in member of another company gains nothing, a member of the company is not asked', async () => {
    const { url, link } = await shared(acme);
    const outsider: ApiClient = await other.as('member');
    expect((await outsider.get(`${API}/public/${other.id}/quotes/${link.token}`)).status).toBe(404);
    // The authenticated quote routes still need their permission; the public one serves anyone holding the token.
    const member = await acme.as('member');
    expect((await member.get(url)).status).toBe(200);
    expect((await env.anonymous().get(`${API}/quotes`)).status).toBe(401);
  });

  it('limits calls per address (429 with Retry-After), other addresses unaffected', async () => {
    const { url } = await shared(acme);
    const caller = fromIp();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push((await caller.get(url)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.slice(LIMIT)).toEqual([429, 429]);
    const limited = await caller.post(`${url}/accept`, { name: 'Ada', signature: 'Ada' });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Unknown tokens count too (no probing at speed), and another address is still served.
    expect((await caller.get(`${API}/public/${acme.id}/quotes/nope`)).status).toBe(429);
    expect((await fromIp().get(url)).status).toBe(200);
  });
});
