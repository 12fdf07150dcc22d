// sales adds Contact.orders, .quotes and .invoices to crm's GraphQL Contact type without editing
// crm: a model extension (src/contact.ext.ts) and the SDK's relationFields. Batched (one statement
// per relation for a page of contacts), permission-checked (null + FORBIDDEN without the read),
// per tenant (absent where sales is disabled) and under record rules.
import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sales } from '../src/index.ts';
import { API, contact, ok } from './helpers.ts';

let env: TestEnv;
let acme: TestTenant;
let crmOnly: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales], workers: false });
  acme = await env.tenant('cgql-acme', { enable: ['sales'] });
  crmOnly = await env.tenant('cgql-crm', { enable: ['crm'] });
});
afterAll(() => env?.close());

interface Gql<T> {
  data: T;
  errors?: { message: string; path: (string | number)[]; extensions?: { code?: string } }[];
}
const gql = async <T>(c: ApiClient, query: string, variables?: Record<string, unknown>) => {
  const res = await c.graphql(query, variables);
  return { body: res.body as unknown as Gql<T>, statements: Number(res.headers.get('x-db-statements')) };
};

async function withOnly(t: TestTenant, permissions: string[]): Promise<ApiClient> {
  const key = `only-${Math.random().toString(36).slice(2, 10)}`;
  await ok(t.client.post('/api/v1/core/roles', { key, name: key, permissions }), 201);
  return t.as(key as 'member');
}

const order = (c: ApiClient, contactId: string, price: string) =>
  ok<{ id: string; number: string }>(
    c.post(`${API}/orders`, { contactId, lines: [{ description: 'Work', unitPrice: price }] }),
    201,
  );
const quote = (c: ApiClient, contactId: string, price: string) =>
  ok<{ id: string; number: string }>(
    c.post(`${API}/quotes`, { contactId, lines: [{ description: 'Work', unitPrice: price }] }),
    201,
  );

type ContactWithSales = {
  id: string;
  name: string;
  orders: { number: string; amountTotal: string; contact: string }[] | null;
  quotes: { number: string }[] | null;
};
const PAGE = `query($q: String) { contacts(filter: { q: $q }, limit: 50) { items { id name
  orders { number amountTotal contact } quotes { number } invoices { number } } } }`;

describe('Contact.orders / .quotes / .invoices (sales on crm’s GraphQL type)', () => {
  it('answers each contact’s own documents, one statement per relation for a page of any size', async () => {
    const page = async (tag: string, n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const c = await contact(acme.client, `${tag} ${i}`);
        ids.push(c.id);
        await order(acme.client, c.id, String(10 + i));
        await quote(acme.client, c.id, String(20 + i));
      }
      const res = await gql<{ contacts: { items: ContactWithSales[] } }>(acme.client, PAGE, { q: tag });
      expect(res.body.errors).toBeUndefined();
      const items = res.body.data.contacts.items;
      expect(items).toHaveLength(n);
      for (const it of items) {
        const i = Number(it.name.split(' ')[1]);
        expect(it.orders).toEqual([
          { number: expect.stringMatching(/^SO\d{5}$/), amountTotal: `${10 + i}.0000`, contact: it.id },
        ]);
        expect(it.quotes).toHaveLength(1);
      }
      return res.statements;
    };
    const two = await page('batchtwo', 2);
    const seven = await page('batchseven', 7);
    expect(seven).toBe(two);
  });

  it('without sales.order.read the field is null with FORBIDDEN; the contact and the quotes stay', async () => {
    const c = await contact(acme.client, 'Forbidden Fran');
    await order(acme.client, c.id, '5');
    await quote(acme.client, c.id, '6');
    const quotesOnly = await withOnly(acme, ['crm.contact.read', 'sales.quote.read']);
    const res = await gql<{ contact: ContactWithSales | null }>(
      quotesOnly,
      'query($id: ID!) { contact(id: $id) { name orders { number } quotes { number } } }',
      { id: c.id },
    );
    expect(res.body.data.contact?.name).toBe('Forbidden Fran');
    expect(res.body.data.contact?.orders).toBeNull();
    expect(res.body.data.contact?.quotes).toHaveLength(1);
    expect(res.body.errors?.map((e) => [e.path.join('.'), e.extensions?.code])).toEqual([
      ['contact.orders', 'FORBIDDEN'],
    ]);
  });

  it('a tenant without sales has no such field; another tenant never sees these documents', async () => {
    const c = await contact(crmOnly.client, 'No sales here');
    const res = await gql<unknown>(crmOnly.client, 'query($id: ID!) { contact(id: $id) { orders { number } } }', {
      id: c.id,
    });
    expect(res.body.errors?.[0]?.message).toMatch(/Cannot query field "orders" on type "Contact"/);
    const mine = await contact(acme.client, 'Acme only');
    await order(acme.client, mine.id, '1');
    const globex = await env.tenant(`cgql-globex-${Date.now()}`, { enable: ['sales'] });
    const other = await gql<{ contact: unknown; contacts: { items: ContactWithSales[] } }>(
      globex.client,
      'query($id: ID!) { contact(id: $id) { id } contacts { items { orders { number } } } }',
      { id: mine.id },
    );
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data.contact).toBeNull();
    expect(other.body.data.contacts.items.flatMap((i) => i.orders ?? [])).toEqual([]);
  });

  it('applies record rules: a rep sees own orders of a contact, not a colleague’s', async () => {
    const rep = await acme.as('member');
    const c = await contact(rep, 'Shared customer');
    const own = await order(rep, c.id, '7');
    await order(acme.client, c.id, '8');
    const res = await gql<{ contact: ContactWithSales }>(
      rep,
      'query($id: ID!) { contact(id: $id) { orders { number } } }',
      { id: c.id },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.contact.orders).toEqual([{ number: own.number }]);
    const all = await gql<{ contact: ContactWithSales }>(
      acme.client,
      'query($id: ID!) { contact(id: $id) { orders { number } } }',
      { id: c.id },
    );
    expect(all.body.data.contact.orders).toHaveLength(2);
  });
});
