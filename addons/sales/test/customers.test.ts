// The customers behind sales documents: names by many ids in one lookup (crm's ContactDirectory
// service) and a contact's Sales summary for the crm pages' Sales panel. Tenant isolation, record
// rules and permissions of both routes.
import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sales } from '../src/index.ts';
import { API, contact, ok } from './helpers.ts';

let env: TestEnv;
let acme: TestTenant;
let globex: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales], workers: false });
  acme = await env.tenant('cust-acme', { enable: ['sales'] });
  globex = await env.tenant('cust-globex', { enable: ['sales'] });
});
afterAll(() => env?.close());

/** A user of `t` holding only `permissions` (a custom role). */
async function withOnly(t: TestTenant, permissions: string[]): Promise<ApiClient> {
  const key = `only-${Math.random().toString(36).slice(2, 10)}`;
  await ok(t.client.post('/api/v1/core/roles', { key, name: key, permissions }), 201);
  return t.as(key as 'member');
}

const statements = (res: { headers: Headers }) => Number(res.headers.get('x-db-statements'));

async function quoteFor(
  c: ApiClient,
  customer: { contactId?: string; companyId?: string },
  price: string,
  currency = 'USD',
) {
  return ok<{ id: string; number: string }>(
    c.post(`${API}/quotes`, { ...customer, currency, lines: [{ description: 'Work', unitPrice: price }] }),
    201,
  );
}

describe('GET /customers?ids=: the names behind a page of documents', () => {
  it('answers the contacts in the order asked, each once, in one lookup whatever the number of ids', async () => {
    const people = [];
    for (let i = 0; i < 12; i++) people.push(await contact(acme.client, `Person ${i}`));
    const ids = people.map((p) => p.id);
    const small = await acme.client.get(`${API}/customers?ids=${ids.slice(0, 2).join(',')}`);
    const big = await acme.client.get(`${API}/customers?ids=${[...ids, ids[0]].reverse().join(',')}`);
    expect(big.status).toBe(200);
    const data = (big.body as { data: { id: string; name: string; kind: string }[] }).data;
    // Asked: ids[0], ids[11], ..., ids[1], ids[0] again → each once, first occurrence first.
    expect(data.map((c) => c.id)).toEqual([ids[0], ...ids.slice(1).reverse()]);
    expect(data[1]).toMatchObject({ name: 'Person 11', kind: 'person', email: expect.stringContaining('@') });
    // One statement for 2 ids and for 13: the service looks them up together.
    expect(statements(big)).toBe(statements(small));
  });

  it('leaves out another company’s contacts and unknown ids', async () => {
    const mine = await contact(acme.client, 'Mine');
    const theirs = await contact(globex.client, 'Theirs');
    const res = await ok<{ data: { id: string }[] }>(
      acme.client.get(`${API}/customers?ids=${mine.id},${theirs.id},00000000-0000-4000-8000-000000000000`),
    );
    expect(res.data.map((c) => c.id)).toEqual([mine.id]);
    const other = await ok<{ data: unknown[] }>(globex.client.get(`${API}/customers?ids=${mine.id}`));
    expect(other.data).toEqual([]);
  });

  it('applies crm’s record rules: a rep sees only own contacts; no crm.contact.read, no names', async () => {
    const rep = await acme.as('member');
    const own = await contact(rep, 'Rep own');
    const others = await contact(acme.client, 'Owner’s');
    const seen = await ok<{ data: { id: string }[] }>(rep.get(`${API}/customers?ids=${own.id},${others.id}`));
    expect(seen.data.map((c) => c.id)).toEqual([own.id]);
    const salesOnly = await withOnly(acme, ['sales.quote.read']);
    expect(await ok<{ data: unknown[] }>(salesOnly.get(`${API}/customers?ids=${own.id}`))).toEqual({ data: [] });
  });

  it('needs a sales read permission (403), and names what is wrong with bad ids (400)', async () => {
    const crmOnly = await withOnly(acme, ['crm.contact.read']);
    const c = await contact(acme.client);
    const denied = await crmOnly.get(`${API}/customers?ids=${c.id}`);
    expect(denied.status).toBe(403);
    const bad = await acme.client.get(`${API}/customers?ids=${c.id},not-a-uuid`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('ids');
    const many = Array.from({ length: 201 }, () => c.id).join(',');
    const tooMany = await acme.client.get(`${API}/customers?ids=${many}`);
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('ids');
    expect((await acme.client.get(`${API}/customers`)).status).toBe(400);
  });
});

describe('GET /customers/:id/sales: the Sales panel of a contact or company', () => {
  it('lists the customer’s quotes, orders and invoices with amounts per currency', async () => {
    const c = await contact(acme.client, 'Grace Hopper');
    const q1 = await quoteFor(acme.client, { contactId: c.id }, '100');
    await quoteFor(acme.client, { contactId: c.id }, '40.50', 'EUR');
    const q3 = await quoteFor(acme.client, { contactId: c.id }, '10');
    await ok(acme.client.post(`${API}/quotes/${q1.id}/send`));
    const accepted = await ok<{ order: { id: string } }>(
      acme.client.post(`${API}/quotes/${q1.id}/accept`, { name: 'Grace', signature: 'Grace' }),
      201,
    );
    await ok(acme.client.post(`${API}/quotes/${q3.id}/cancel`));
    await ok(acme.client.post(`${API}/orders/${accepted.order.id}/confirm`));
    const inv = await ok(acme.client.post(`${API}/orders/${accepted.order.id}/invoices`, {}), 201);
    await ok(acme.client.post(`${API}/invoices/${inv.id}/post`));
    await ok(acme.client.post(`${API}/invoices/${inv.id}/payments`, { amount: '30' }), 201);
    // Someone else's documents are not in it.
    await quoteFor(acme.client, { contactId: (await contact(acme.client)).id }, '999');

    const s = await ok<{
      customer: { id: string; name: string };
      quotes: { count: number; recent: { id: string; state: string }[]; open: unknown[] };
      orders: { count: number; recent: { id: string; state: string }[]; ordered: unknown[] };
      invoices: { count: number; recent: { paymentStatus: string }[]; invoiced: unknown[]; due: unknown[] };
    }>(acme.client.get(`${API}/customers/${c.id}/sales`));
    expect(s.customer).toMatchObject({ id: c.id, name: 'Grace Hopper' });
    expect(s.quotes.count).toBe(3);
    expect(s.quotes.recent.map((q) => q.state).sort()).toEqual(['accepted', 'cancelled', 'draft']);
    // Open quotes: the EUR draft only (accepted and cancelled are not open).
    expect(s.quotes.open).toEqual([{ amount: '40.50', currency: 'EUR' }]);
    expect(s.orders.count).toBe(1);
    expect(s.orders.recent[0]).toMatchObject({ id: accepted.order.id, state: 'confirmed' });
    expect(s.orders.ordered).toEqual([{ amount: '100.00', currency: 'USD' }]);
    expect(s.invoices.count).toBe(1);
    expect(s.invoices.recent[0]?.paymentStatus).toBe('partial');
    expect(s.invoices.invoiced).toEqual([{ amount: '100.00', currency: 'USD' }]);
    expect(s.invoices.due).toEqual([{ amount: '70.00', currency: 'USD' }]);
  });

  it('a company’s documents count once even when they name it as contact and company', async () => {
    const co = await ok<{ id: string }>(
      acme.client.post('/api/v1/crm/contacts', { name: 'Initech', kind: 'company' }),
      201,
    );
    await quoteFor(acme.client, { companyId: co.id }, '5');
    await quoteFor(acme.client, { contactId: co.id, companyId: co.id }, '7');
    const s = await ok<{ quotes: { count: number; recent: unknown[]; open: unknown[] } }>(
      acme.client.get(`${API}/customers/${co.id}/sales`),
    );
    expect(s.quotes.count).toBe(2);
    expect(s.quotes.recent).toHaveLength(2);
    expect(s.quotes.open).toEqual([{ amount: '12.00', currency: 'USD' }]);
  });

  it('holds only what the caller may read: a role with quotes only gets null orders and invoices', async () => {
    const c = await contact(acme.client);
    await quoteFor(acme.client, { contactId: c.id }, '1');
    const quotesOnly = await withOnly(acme, ['crm.contact.read', 'sales.quote.read']);
    const s = await ok<{ quotes: { count: number }; orders: unknown; invoices: unknown }>(
      quotesOnly.get(`${API}/customers/${c.id}/sales`),
    );
    expect(s.quotes.count).toBe(1);
    expect(s.orders).toBeNull();
    expect(s.invoices).toBeNull();
    const crmOnly = await withOnly(acme, ['crm.contact.read']);
    expect((await crmOnly.get(`${API}/customers/${c.id}/sales`)).status).toBe(403);
  });

  it('a rep sees own documents only; another company’s contact is 404', async () => {
    const rep = await acme.as('member');
    const c = await contact(rep);
    await quoteFor(rep, { contactId: c.id }, '3');
    await quoteFor(acme.client, { contactId: c.id, ownerId: undefined } as { contactId: string }, '4');
    const s = await ok<{ quotes: { count: number; open: unknown[] } }>(rep.get(`${API}/customers/${c.id}/sales`));
    expect(s.quotes.count).toBe(1);
    expect(s.quotes.open).toEqual([{ amount: '3.00', currency: 'USD' }]);
    expect((await globex.client.get(`${API}/customers/${c.id}/sales`)).status).toBe(404);
    expect((await acme.client.get(`${API}/customers/not-a-uuid/sales`)).status).toBeLessThan(500);
  });
});
