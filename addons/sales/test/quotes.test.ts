import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sales } from '../src/index.ts';
import { API, contact, ok, tax } from './helpers.ts';

let env: TestEnv;
let acme: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales], workers: false });
  acme = await env.tenant('acme', { enable: ['sales'] });
  other = await env.tenant('other', { enable: ['sales'] });
});
afterAll(() => env?.close());

const draft = async (t: TestTenant, lines: unknown[], extra: Record<string, unknown> = {}) => {
  const c = await contact(t.client);
  return ok<{
    number: string;
    revision: number;
    state: string;
    amountTotal: string;
    lines: { id: string; kind: string }[];
    amountTax: string;
    taxSummary: unknown[];
  }>(t.client.post(`${API}/quotes`, { contactId: c.id, currency: 'USD', lines, ...extra }), 201);
};

describe('quotes', () => {
  it('every sales table is tenant-safe', async () => {
    expect(await env.admin.checkSchema()).toEqual([]);
  });

  it('creates a draft with sections, notes and taxed lines; totals and the tax summary are exact', async () => {
    const vat = await tax(acme.client, '20');
    const q = await draft(acme, [
      { kind: 'section', description: 'Hardware' },
      { description: 'Consulting day', quantity: '3', unitPrice: '19.99', discountPercent: '10', taxIds: [vat.id] },
      { kind: 'note', description: 'Delivered on site' },
    ]);
    // 3 × 19.99 = 59.97 − 10 % = 53.973 → 53.97; 20 % = 10.7946 → 10.79
    expect(q).toMatchObject({
      state: 'draft',
      revision: 1,
      amountUntaxed: '53.9700',
      amountTax: '10.7900',
      amountTotal: '64.7600',
    });
    expect(q.number).toMatch(/^S\d{5}$/);
    expect(q.lines.map((l) => l.kind)).toEqual(['section', 'product', 'note']);
    expect(q.taxSummary).toEqual([
      { taxId: vat.id, name: vat.name, rate: '20.0000', inclusive: false, base: '53.97', amount: '10.79' },
    ]);
  });

  it('the company setting rounds per total instead of per line', async () => {
    const vat = await tax(acme.client, '10', true);
    const lines = Array.from({ length: 10 }, () => ({
      description: 'Pen',
      quantity: '1',
      unitPrice: '1.05',
      taxIds: [vat.id],
    }));
    expect((await draft(acme, lines)).amountTax).toBe('1.0000');
    await ok(acme.client.put('/api/v1/core/addons/sales/settings', { rounding: 'total' }));
    try {
      expect(await draft(acme, lines)).toMatchObject({
        amountUntaxed: '9.5500',
        amountTax: '0.9500',
        amountTotal: '10.5000',
      });
    } finally {
      await ok(acme.client.put('/api/v1/core/addons/sales/settings', {}));
    }
  });

  it('refuses bad lines with a 400 naming the field, writing nothing', async () => {
    const c = await contact(acme.client);
    const before = (await acme.client.get(`${API}/quotes?count=true`)).body.total_count;
    const bad = await acme.client.post(`${API}/quotes`, {
      contactId: c.id,
      lines: [
        { description: 'x', quantity: '1', unitPrice: '5' },
        { description: 'y', unitPrice: '5', discountPercent: '150' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('lines.1.discountPercent');
    const noTax = await acme.client.post(`${API}/quotes`, {
      contactId: c.id,
      lines: [{ description: 'x', unitPrice: '5', taxIds: ['00000000-0000-4000-8000-000000000000'] }],
    });
    expect(noTax.status).toBe(400);
    expect(noTax.body.details[0].path).toBe('lines.0.taxIds.0');
    expect((await acme.client.get(`${API}/quotes?count=true`)).body.total_count).toBe(before);
  });

  it('a sent quote never changes in place: revise makes v2 and supersedes v1', async () => {
    const q = await draft(acme, [{ description: 'Audit', quantity: '1', unitPrice: '100' }]);
    const sent = await ok<{ state: string }>(acme.client.post(`${API}/quotes/${q.id}/send`));
    expect(sent.state).toBe('sent');
    const change = await acme.client.patch(`${API}/quotes/${q.id}`, { note: 'cheaper' });
    expect(change.status).toBe(409);
    expect(change.body.code).toBe('SALES_QUOTE_STATE');
    const v2 = await ok<{ number: string; revision: number; parent: string; state: string }>(
      acme.client.post(`${API}/quotes/${q.id}/revise`),
    );
    expect(v2).toMatchObject({ number: q.number, revision: 2, parent: q.id, state: 'draft' });
    const v1 = await ok<{ state: string; amountTotal: string }>(acme.client.get(`${API}/quotes/${q.id}`));
    expect(v1).toMatchObject({ state: 'superseded', amountTotal: '100.0000' });
    // v2 is a draft: it changes; v1 stays as the customer saw it.
    await ok(
      acme.client.patch(`${API}/quotes/${v2.id}`, {
        lines: [{ description: 'Audit', quantity: '1', unitPrice: '90' }],
      }),
    );
    expect((await acme.client.get(`${API}/quotes/${v2.id}`)).body.amountTotal).toBe('90.0000');
    expect((await acme.client.get(`${API}/quotes/${q.id}`)).body.amountTotal).toBe('100.0000');
    expect((await acme.client.post(`${API}/quotes/${q.id}/revise`)).status).toBe(409);
  });

  it('accepting a sent quote makes an order with the same lines and totals', async () => {
    const q = await draft(acme, [{ description: 'Audit', quantity: '2', unitPrice: '100' }]);
    await ok(acme.client.post(`${API}/quotes/${q.id}/send`));
    const res = await ok<{
      quote: { state: string; acceptedName: string };
      order: { number: string; quote: string; amountTotal: string };
    }>(acme.client.post(`${API}/quotes/${q.id}/accept`, { name: 'Grace Hopper', signature: 'Grace Hopper' }), 201);
    expect(res.quote).toMatchObject({ state: 'accepted', acceptedName: 'Grace Hopper' });
    expect(res.order).toMatchObject({ quote: q.id, amountTotal: '200.0000' });
    expect((await acme.client.post(`${API}/quotes/${q.id}/accept`, { name: 'x', signature: 'x' })).status).toBe(409);
  });

  it('another company sees none of it (404 and empty lists)', async () => {
    const q = await draft(acme, [{ description: 'Secret', unitPrice: '1' }]);
    expect((await other.client.get(`${API}/quotes/${q.id}`)).status).toBe(404);
    expect((await other.client.post(`${API}/quotes/${q.id}/send`)).status).toBe(404);
    expect((await other.client.patch(`${API}/quotes/${q.id}`, { note: 'x' })).status).toBe(404);
    expect((await other.client.get(`${API}/quotes`)).body.data).toEqual([]);
    // A contact of acme cannot be named by other.
    const c = await contact(acme.client);
    const cross = await other.client.post(`${API}/quotes`, { contactId: c.id, lines: [] });
    expect(cross.status).toBe(400);
    expect(cross.body.details[0].path).toBe('contactId');
  });

  it('record rules: a sales rep sees own quotes, a manager the team’s, the admin all', async () => {
    const rep = await acme.as('member');
    const rep2 = await acme.as('member');
    const c = await contact(rep);
    const mine = await ok(
      rep.post(`${API}/quotes`, { contactId: c.id, lines: [{ description: 'Mine', unitPrice: '1' }] }),
      201,
    );
    expect((await rep2.get(`${API}/quotes/${mine.id}`)).status).toBe(404);
    expect((await rep2.get(`${API}/quotes`)).body.data.map((x: { id: string }) => x.id)).not.toContain(mine.id);
    expect((await rep.get(`${API}/quotes`)).body.data.map((x: { id: string }) => x.id)).toContain(mine.id);
    const admin = await acme.as('admin');
    expect((await admin.get(`${API}/quotes/${mine.id}`)).status).toBe(200);
    // Taxes are the company's: a rep reads them but cannot create one.
    expect((await rep.post(`${API}/taxes`, { name: 'Nope', rate: '1' })).status).toBe(403);
    expect((await rep.get(`${API}/taxes`)).status).toBe(200);
  });

  it('share links: only for a sent quote, the token shown once and stored hashed, revocable; another company cannot', async () => {
    const q = await draft(acme, [{ description: 'Audit', unitPrice: '10' }]);
    expect((await acme.client.post(`${API}/quotes/${q.id}/share-links`)).status).toBe(409);
    await ok(acme.client.post(`${API}/quotes/${q.id}/send`));
    const link = await ok<{ token: string; path: string; expiresAt: string }>(
      acme.client.post(`${API}/quotes/${q.id}/share-links`),
      201,
    );
    expect(link.token).toMatch(/^[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/);
    const stored = await env.sql<{ token_hash: string }>('select token_hash from sales_share_link where id = $1', [
      link.id,
    ]);
    expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]?.token_hash).not.toContain(link.token.split('.')[1]);
    expect((await other.client.delete(`${API}/quotes/${q.id}/share-links/${link.id}`)).status).toBe(404);
    expect((await acme.client.delete(`${API}/quotes/${q.id}/share-links/${link.id}`)).status).toBe(204);
    const revoked = await env.sql<{ revoked_at: Date | null }>(
      'select revoked_at from sales_share_link where id = $1',
      [link.id],
    );
    expect(revoked[0]?.revoked_at).not.toBeNull();
  });

  it('GraphQL schema and OpenAPI fragment: changes show in review', async () => {
    await expect(env.graphqlSdl(['crm', 'inventory', 'sales'])).toMatchFileSnapshot('./__snapshots__/sales.graphql');
    const doc = env.openapi(['crm', 'inventory', 'sales'], { only: 'sales' });
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/sales.openapi.json');
  });
});
