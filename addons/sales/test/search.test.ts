import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sales } from '../src/index.ts';
import { API, ok } from './helpers.ts';

// Global search over inventory's and sales' providers: products by SKU, name and barcode; quotes,
// orders and invoices by number and by customer; record rules, permissions and tenants.
let env: TestEnv;
let acme: TestTenant;
let other: TestTenant;
let rep: ApiClient;

type Group = { type: string; hits: { id: string; title: string; subtitle: string | null; href: string }[] };
const groups = async (c: ApiClient, q: string): Promise<Group[]> => {
  const res = await c.get(`/api/v1/core/search?q=${encodeURIComponent(q)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.groups;
};
const hitsOf = async (c: ApiClient, q: string, type: string) =>
  (await groups(c, q)).find((g) => g.type === type)?.hits ?? [];

const ids = {} as Record<'widget' | 'gadget' | 'customer' | 'quote' | 'order' | 'invoice' | 'repOrder', string>;
let numbers = {} as Record<'quote' | 'order' | 'invoice', string>;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales], workers: false });
  acme = await env.tenant('acme', { enable: ['sales'] });
  other = await env.tenant('other', { enable: ['sales'] });
  rep = await acme.as('member');
  const c = acme.client;
  ids.widget = (
    await ok(
      c.post('/api/v1/inventory/products', {
        sku: 'WID-0042',
        name: 'Schraubenzieher Größe 3',
        barcode: '4006381333931',
      }),
      201,
    )
  ).id;
  ids.gadget = (await ok(c.post('/api/v1/inventory/products', { sku: 'GAD-7', name: 'Gadget' }), 201)).id;
  await ok(other.client.post('/api/v1/inventory/products', { sku: 'WID-0042', name: 'Other widget' }), 201);
  ids.customer = (
    await ok(c.post('/api/v1/crm/contacts', { name: 'Société Générale des Eaux', kind: 'company' }), 201)
  ).id;
  const quote = await ok<{ number: string }>(
    c.post(`${API}/quotes`, {
      contactId: ids.customer,
      currency: 'USD',
      lines: [{ description: 'Audit', unitPrice: '100' }],
    }),
    201,
  );
  ids.quote = quote.id;
  const order = await ok<{ number: string }>(
    c.post(`${API}/orders`, {
      contactId: ids.customer,
      currency: 'USD',
      lines: [{ description: 'Setup', unitPrice: '50' }],
    }),
    201,
  );
  ids.order = order.id;
  await ok(c.post(`${API}/orders/${order.id}/confirm`));
  const draft = await ok(c.post(`${API}/orders/${order.id}/invoices`, {}), 201);
  const invoice = await ok<{ number: string }>(c.post(`${API}/invoices/${draft.id}/post`));
  ids.invoice = invoice.id;
  numbers = { quote: quote.number, order: order.number, invoice: invoice.number };
  // The member's own order, for another customer.
  const mine = await ok(rep.post('/api/v1/crm/contacts', { name: 'Rep Customer' }), 201);
  ids.repOrder = (
    await ok(
      rep.post(`${API}/orders`, { contactId: mine.id, currency: 'USD', lines: [{ description: 'x', unitPrice: '1' }] }),
      201,
    )
  ).id;
});
afterAll(() => env?.close());

describe('global search: inventory and sales', () => {
  it('finds products by SKU, name without accents, a typo and the barcode', async () => {
    for (const q of ['WID-0042', 'wid', 'schraubenzieher grosse', 'groesse', 'schraubenziher', '4006381333931']) {
      const hits = await hitsOf(acme.client, q, 'inventory.product');
      expect(hits[0], q).toMatchObject({ id: ids.widget, href: `/inventory/products/${ids.widget}` });
      expect(hits[0]?.subtitle).toContain('WID-0042');
    }
    expect((await hitsOf(acme.client, 'gadget', 'inventory.product')).map((h) => h.id)).toEqual([ids.gadget]);
    // The other tenant's product of the same SKU is not acme's, and the other way round.
    expect((await hitsOf(acme.client, 'WID-0042', 'inventory.product')).map((h) => h.id)).toEqual([ids.widget]);
    expect(await hitsOf(other.client, 'schraubenzieher', 'inventory.product')).toEqual([]);
  });

  it('finds quotes, orders and invoices by number and by customer', async () => {
    const quote = await hitsOf(acme.client, numbers.quote, 'sales.quote');
    expect(quote[0]).toMatchObject({ id: ids.quote, title: numbers.quote, href: `/sales/quotes/${ids.quote}` });
    expect(quote[0]?.subtitle).toContain('Société Générale des Eaux');
    expect((await hitsOf(acme.client, numbers.order, 'sales.order'))[0]).toMatchObject({
      id: ids.order,
      href: `/sales/orders/${ids.order}`,
    });
    // An invoice opens its order's page.
    expect((await hitsOf(acme.client, numbers.invoice, 'sales.invoice'))[0]).toMatchObject({
      id: ids.invoice,
      href: `/sales/orders/${ids.order}`,
    });
    // By customer, without the accents: the customer's documents of every kind.
    const byCustomer = await groups(acme.client, 'societe generale');
    const of = (type: string) => byCustomer.find((g) => g.type === type)?.hits.map((h) => h.id) ?? [];
    expect(of('crm.company')).toEqual([ids.customer]);
    expect(of('sales.quote')).toEqual([ids.quote]);
    expect(of('sales.order')).toEqual([ids.order]);
    expect(of('sales.invoice')).toEqual([ids.invoice]);
  });

  it('applies record rules and permissions, and keeps tenants apart', async () => {
    // The member sees their own order, not the owner's documents.
    expect((await hitsOf(rep, 'rep customer', 'sales.order')).map((h) => h.id)).toEqual([ids.repOrder]);
    expect(await hitsOf(rep, 'societe', 'sales.order')).toEqual([]);
    expect(await hitsOf(rep, numbers.invoice, 'sales.invoice')).toEqual([]);
    // Products are everyone's to read.
    expect((await hitsOf(rep, 'gadget', 'inventory.product')).map((h) => h.id)).toEqual([ids.gadget]);
    // The other tenant finds none of acme's documents.
    expect(await groups(other.client, 'societe generale')).toEqual([]);
    expect(await hitsOf(other.client, numbers.order, 'sales.order')).toEqual([]);
  });
});
