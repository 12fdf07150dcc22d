import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sales } from '../src/index.ts';
import { API, contact, ok, product, receive, stockOf } from './helpers.ts';

let env: TestEnv;
let acme: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales], workers: false });
  acme = await env.tenant('acme', { enable: ['sales'] });
  other = await env.tenant('other', { enable: ['sales'] });
});
afterAll(() => env?.close());

interface OrderView {
  id: string;
  state: string;
  deliveryStatus: string;
  lines: { id: string; delivered: string; returned: string; reservation: string | null }[];
  deliveries: {
    kind: string;
    state: string;
    backorderOf: string | null;
    lines: { orderLine: string; quantity: string }[];
  }[];
  timeline: { state: string }[];
}

const order = async (t: TestTenant, lines: unknown[]) => {
  const c = await contact(t.client);
  return ok<OrderView>(t.client.post(`${API}/orders`, { contactId: c.id, lines }), 201);
};

describe('orders', () => {
  it('N orders confirmed at once on scarce stock: exactly the available number succeed, the rest get a typed 409', async () => {
    const p = await product(acme.client);
    await receive(acme.client, p.id, '5');
    const orders = await Promise.all(
      Array.from({ length: 8 }, () => order(acme, [{ productId: p.id, quantity: '1' }])),
    );
    const results = await Promise.all(orders.map((o) => acme.client.post(`${API}/orders/${o.id}/confirm`)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(3);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('SALES_INSUFFICIENT_STOCK');
    expect(await stockOf(acme.client, p.id)).toMatchObject({
      onHand: '5.0000',
      reserved: '5.0000',
      available: '0.0000',
    });
    // The refused ones are still drafts with nothing reserved.
    const refused = orders.filter((_, i) => results[i]?.status === 409);
    for (const o of refused) {
      const v = await ok<OrderView>(acme.client.get(`${API}/orders/${o.id}`));
      expect(v.state).toBe('draft');
      expect(v.lines[0]?.reservation).toBeNull();
    }
  });

  it('partial delivery makes done stock moves and a backorder; delivering the rest finishes the order', async () => {
    const p = await product(acme.client);
    await receive(acme.client, p.id, '10');
    const o = await order(acme, [
      { productId: p.id, quantity: '6' },
      { description: 'Installation', unitPrice: '50' },
    ]);
    const confirmed = await ok<OrderView>(acme.client.post(`${API}/orders/${o.id}/confirm`));
    expect(confirmed.state).toBe('confirmed');
    const line = confirmed.lines[0]?.id as string;
    expect(confirmed.deliveries).toMatchObject([
      { kind: 'delivery', state: 'waiting', lines: [{ orderLine: line, quantity: '6.0000' }] },
    ]);
    const part = await ok<OrderView>(
      acme.client.post(`${API}/orders/${o.id}/deliver`, { lines: { [line]: '4' } }),
      201,
    );
    expect(part).toMatchObject({ state: 'confirmed', deliveryStatus: 'partial', lines: [{ delivered: '4.0000' }, {}] });
    expect(part.deliveries.map((d) => [d.state, d.lines[0]?.quantity])).toEqual([
      ['done', '4.0000'],
      ['waiting', '2.0000'],
    ]);
    expect(part.deliveries[1]?.backorderOf).not.toBeNull();
    expect(await stockOf(acme.client, p.id)).toMatchObject({
      onHand: '6.0000',
      reserved: '2.0000',
      available: '4.0000',
    });
    const moves = (await acme.client.get(`/api/v1/inventory/moves?product=${p.id}&kind=delivery`)).body.data;
    expect(moves).toMatchObject([{ state: 'done', quantity: '4.0000' }]);
    const over = await acme.client.post(`${API}/orders/${o.id}/deliver`, { lines: { [line]: '3' } });
    expect(over.status).toBe(400);
    expect(over.body.details[0].path).toBe(`lines.${line}`);
    const rest = await ok<OrderView>(acme.client.post(`${API}/orders/${o.id}/deliver`, {}), 201);
    expect(rest).toMatchObject({ state: 'done', deliveryStatus: 'full' });
    expect(rest.timeline.map((t) => t.state)).toEqual([
      'draft',
      'confirmed',
      'partially delivered',
      'delivered',
      'done',
    ]);
    expect(await stockOf(acme.client, p.id)).toMatchObject({ onHand: '4.0000', reserved: '0.0000' });
  });

  it('cancelling releases what is reserved and returns what was delivered', async () => {
    const p = await product(acme.client);
    await receive(acme.client, p.id, '10');
    const o = await order(acme, [{ productId: p.id, quantity: '5' }]);
    const c = await ok<OrderView>(acme.client.post(`${API}/orders/${o.id}/confirm`));
    await ok(acme.client.post(`${API}/orders/${o.id}/deliver`, { lines: { [c.lines[0]?.id as string]: '2' } }), 201);
    expect(await stockOf(acme.client, p.id)).toMatchObject({ onHand: '8.0000', reserved: '3.0000' });
    const cancelled = await ok<OrderView>(acme.client.post(`${API}/orders/${o.id}/cancel`));
    expect(cancelled).toMatchObject({ state: 'cancelled', lines: [{ delivered: '2.0000', returned: '2.0000' }] });
    expect(cancelled.deliveries.map((d) => [d.kind, d.state])).toEqual([
      ['delivery', 'done'],
      ['delivery', 'cancelled'],
      ['return', 'done'],
    ]);
    expect(await stockOf(acme.client, p.id)).toMatchObject({
      onHand: '10.0000',
      reserved: '0.0000',
      available: '10.0000',
    });
    expect((await acme.client.post(`${API}/orders/${o.id}/cancel`)).status).toBe(409);
    expect((await acme.client.post(`${API}/orders/${o.id}/confirm`)).status).toBe(409);
  });

  it('another company gets 404 on every order verb and an empty list', async () => {
    const o = await order(acme, [{ description: 'Work', unitPrice: '1' }]);
    for (const verb of ['confirm', 'deliver', 'cancel']) {
      expect((await other.client.post(`${API}/orders/${o.id}/${verb}`, {})).status).toBe(404);
    }
    expect((await other.client.get(`${API}/orders/${o.id}`)).status).toBe(404);
    expect((await other.client.get(`${API}/orders`)).body.data).toEqual([]);
  });

  it('a sales rep confirms own orders only (another rep gets 404)', async () => {
    const rep = await acme.as('member');
    const rep2 = await acme.as('member');
    const c = await contact(rep);
    const mine = await ok(
      rep.post(`${API}/orders`, { contactId: c.id, lines: [{ description: 'Work', unitPrice: '1' }] }),
      201,
    );
    expect((await rep2.post(`${API}/orders/${mine.id}/confirm`)).status).toBe(404);
    expect((await rep.post(`${API}/orders/${mine.id}/confirm`)).status).toBe(200);
  });
});
