import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sales } from '../src/index.ts';
import { API, contact, ok } from './helpers.ts';

// Saved views of a resource list (`resourceList`): sales.orders' filters are the resource's, its
// sort keys the resource's, its count the resource's own list (so record rules apply).

let env: TestEnv;
let acme: TestTenant;
let plain: TestTenant;
const V = '/api/v1/core/views';

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales], workers: false });
  acme = await env.tenant('acme', { enable: ['sales'] });
  plain = await env.tenant('plain', { enable: ['crm'] });
});
afterAll(() => env?.close());

describe('saved views of sales lists', () => {
  it('checks a view against the resource list and counts with it', async () => {
    const made = await acme.client.post(V, {
      list: 'sales.orders',
      name: 'Drafts',
      filters: { state: 'draft' },
      columns: [{ field: 'number' }, { field: 'amountTotal', width: 140 }],
      sort: '-number',
    });
    expect(made.status).toBe(201);
    expect((await acme.client.get(`${V}/${made.body.id}?counts=true`)).body.count).toBe(0);
    const bad = await acme.client.post(V, { list: 'sales.orders', name: 'Bad', filters: { state: 'shipped' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toContain('filters.state');
    const sort = await acme.client.post(V, { list: 'sales.orders', name: 'Bad sort', sort: 'colour' });
    expect(sort.status).toBe(400);
    expect(sort.body.details[0].path).toBe('sort');
    const lists = (await acme.client.get(`${V}/lists`)).body.data.map((l: { id: string }) => l.id);
    expect(lists).toEqual(expect.arrayContaining(['sales.orders', 'sales.quotes', 'sales.invoices']));
  });

  it('takes the invoices register filters for sales.invoices (status, kind, customer, dates) and counts with its WHERE', async () => {
    const c = acme.client;
    const ann = await contact(c, 'Ann Views');
    const bob = await contact(c, 'Bob Views');
    for (const who of [ann, ann, bob]) {
      const o = await ok(
        c.post(`${API}/orders`, {
          contactId: who.id,
          currency: 'USD',
          lines: [{ description: 'Work', unitPrice: '10' }],
        }),
        201,
      );
      await ok(c.post(`${API}/orders/${o.id}/confirm`));
      await ok(c.post(`${API}/orders/${o.id}/invoices`, {}), 201);
    }
    const made = await c.post(V, {
      list: 'sales.invoices',
      name: "Ann's drafts",
      filters: { status: 'draft', kind: 'invoice', customer: ann.id },
      columns: [{ field: 'number' }, { field: 'customerName' }, { field: 'amountResidual', width: 120 }],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await c.get(`${V}/${made.body.id}?counts=true`)).body.count).toBe(2);
    const credit = await c.post(V, {
      list: 'sales.invoices',
      name: 'Credit notes',
      filters: { kind: 'credit_note', customer: ann.id },
    });
    expect((await c.get(`${V}/${credit.body.id}?counts=true`)).body.count).toBe(0);
    const bad = await acme.client.post(V, {
      list: 'sales.invoices',
      name: 'Bad',
      filters: { status: 'late', paymentStatus: 'paid' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'filters.paymentStatus',
      'filters.status',
    ]);
    // The register has one order: a view does not sort it.
    expect((await acme.client.post(V, { list: 'sales.invoices', name: 'Sorted', sort: 'number' })).status).toBe(400);
    const quotes = await acme.client.post(V, {
      list: 'sales.quotes',
      name: 'Sent',
      filters: { state: 'sent' },
      sort: '-amountTotal',
    });
    expect(quotes.status, JSON.stringify(quotes.body)).toBe(201);
    expect((await acme.client.get(`${V}/${quotes.body.id}?counts=true`)).body.count).toBe(0);
    expect((await plain.client.get(`${V}/${made.body.id}`)).status).toBe(404);
  });

  it('has no sales lists for a company without sales (404), and a member without the read permission gets 403', async () => {
    const res = await plain.client.get(`${V}?list=sales.orders`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('LIST_NOT_FOUND');
    // A role holding crm but not sales.order.read.
    expect(
      (
        await acme.client.post('/api/v1/core/roles', {
          name: 'crm only',
          key: 'crmonly',
          permissions: ['crm.contact.read'],
        })
      ).status,
    ).toBe(201);
    const email = `crmonly@${acme.slug}.test`;
    const outsider = await acme.as('member', email);
    const users = (await acme.client.get('/api/v1/core/users?limit=200')).body.data as { id: string; email: string }[];
    const id = users.find((u) => u.email === email)?.id;
    expect((await acme.client.put(`/api/v1/core/users/${id}/roles`, { roles: ['crmonly'] })).status).toBe(200);
    const answer = await outsider.get(`${V}?list=sales.orders`);
    expect(answer.status).toBe(403);
    expect((await outsider.post(V, { list: 'sales.orders', name: 'Mine' })).status).toBe(403);
  });
});
