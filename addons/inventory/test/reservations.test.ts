import { defineAddon, type RequestContext } from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory, Stock } from '../src/index.ts';
import { API, newProduct, setupOf } from './helpers.ts';

// A consumer addon written as sales will be: it depends on inventory and injects its stock service.
const shop = defineAddon({
  id: 'shop_test',
  version: '1.0.0',
  title: 'Shop (test)',
  description: 'Uses the inventory stock service.',
  category: 'test',
  platform: '^1.0.0',
  depends: [inventory],
  rest: (r) => {
    r.post<Record<string, string>, { productId: string; quantity: string }>(
      '/orders',
      { permission: 'inventory.reservation.write' },
      async ({ body, ctx }) => {
        const stock = await (ctx as RequestContext).services.get(Stock);
        const res = await stock.reserve({ productId: body.productId, quantity: body.quantity, demand: 'shop.order' });
        if (!res.ok) return { status: 409, body: { code: 'OUT_OF_STOCK', shortfall: res.shortfall.shortfall } };
        const move = await stock.deliver(res.reservation.id, '1');
        const left = await stock.onHand({ productId: body.productId });
        const released = await stock.release(res.reservation.id);
        return {
          status: 201,
          body: { move, left, released, after: await stock.onHand({ productId: body.productId }) },
        };
      },
    );
    r.post<Record<string, string>, { productId: string; quantities: string[] }>(
      '/shipments',
      { permission: 'inventory.move.write' },
      async ({ body, ctx }) => {
        const stock = await (ctx as RequestContext).services.get(Stock);
        const lines = body.quantities.map((quantity) => ({ productId: body.productId, quantity }));
        return { status: 201, body: await stock.operate({ kind: 'delivery', reference: 'shop.shipment', lines }) };
      },
    );
  },
});

let env: TestEnv;
let acme: TestTenant;
let at: Awaited<ReturnType<typeof setupOf>>;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory, shop], workers: false });
  acme = await env.tenant('acme', { enable: ['inventory', 'shop_test'] });
  at = await setupOf(acme.client);
});
afterAll(() => env?.close());

const level = async (productId: string) => (await acme.client.get(`${API}/stock?productId=${productId}`)).body;

describe('reservations', () => {
  it('reserves, delivers partly, releases the rest; available = on hand − reserved', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '10' });
    const r = await acme.client.post(`${API}/reservations`, {
      productId: p.id,
      quantity: '6',
      demand: 'sales.order:1',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: 'active', quantity: '6.0000', delivered: '0.0000', location: at.stock });
    expect(await level(p.id)).toMatchObject({ onHand: '10.0000', reserved: '6.0000', available: '4.0000' });
    const d = await acme.client.post(`${API}/reservations/${r.body.id}/deliver`, { quantity: '2' });
    expect(d.status).toBe(201);
    expect(d.body).toMatchObject({
      kind: 'delivery',
      state: 'done',
      quantity: '2.0000',
      to: at.loc('Partners/Customers'),
    });
    expect(await level(p.id)).toMatchObject({ onHand: '8.0000', reserved: '4.0000', available: '4.0000' });
    const over = await acme.client.post(`${API}/reservations/${r.body.id}/deliver`, { quantity: '5' });
    expect(over.status).toBe(400);
    expect(over.body.details[0]).toMatchObject({ path: 'quantity', message: 'must be at most 4.0000' });
    expect((await acme.client.post(`${API}/reservations/${r.body.id}/release`)).body.state).toBe('released');
    expect(await level(p.id)).toMatchObject({ onHand: '8.0000', reserved: '0.0000', available: '8.0000' });
    expect((await acme.client.post(`${API}/reservations/${r.body.id}/release`)).status).toBe(409);
  });

  it('publishes inventory.stock.changed with the new available figure when a reservation is made, fulfilled or released', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '10' });
    const events = async () =>
      (
        await env.sql<{ payload: { locationId: string; onHand: string; reserved: string; available: string } }>(
          `select payload from core_outbox where tenant_id = $1 and name = 'inventory.stock.changed'
              and payload->>'productId' = $2 order by id`,
          [acme.id, p.id],
        )
      ).map((e) => e.payload);
    expect(await events()).toEqual([
      { productId: p.id, locationId: at.stock, onHand: '10.0000', reserved: '0.0000', available: '10.0000' },
    ]);
    const r = await acme.client.post(`${API}/reservations`, {
      productId: p.id,
      quantity: '4',
      idempotencyKey: `ev-${p.id}`,
    });
    expect((await events()).at(-1)).toMatchObject({ onHand: '10.0000', reserved: '4.0000', available: '6.0000' });
    // The same key again reserves nothing and publishes nothing.
    await acme.client.post(`${API}/reservations`, { productId: p.id, quantity: '4', idempotencyKey: `ev-${p.id}` });
    expect(await events()).toHaveLength(2);
    // A shortfall changes nothing and publishes nothing.
    expect((await acme.client.post(`${API}/reservations`, { productId: p.id, quantity: '7' })).status).toBe(409);
    expect(await events()).toHaveLength(2);
    await acme.client.post(`${API}/reservations/${r.body.id}/deliver`, { quantity: '1' });
    expect((await events()).at(-1)).toMatchObject({ onHand: '9.0000', reserved: '3.0000', available: '6.0000' });
    await acme.client.post(`${API}/reservations/${r.body.id}/release`);
    expect((await events()).at(-1)).toMatchObject({ onHand: '9.0000', reserved: '0.0000', available: '9.0000' });
    // GraphQL reservations publish too.
    await acme.client.graphql(`mutation { inventoryReserve(productId: "${p.id}", quantity: "2") { __typename } }`);
    expect(await events()).toHaveLength(5);
    expect((await events()).at(-1)).toMatchObject({ reserved: '2.0000', available: '7.0000' });
  });

  it('answers a typed shortfall on REST (409) and GraphQL (a result type), reserving nothing', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '3' });
    const rest = await acme.client.post(`${API}/reservations`, { productId: p.id, quantity: '5' });
    expect(rest.status).toBe(409);
    expect(rest.body).toMatchObject({
      code: 'INVENTORY_INSUFFICIENT_STOCK',
      details: [{ path: 'quantity', sku: p.sku, location: 'WH/Stock', available: '3.0000', shortfall: '2.0000' }],
    });
    const q = `mutation($p: ID!, $q: Decimal!) { inventoryReserve(productId: $p, quantity: $q) {
      __typename ... on InventoryInsufficientStock { shortfall location } ... on InventoryReserved { reservation { id quantity } } } }`;
    const short = await acme.client.graphql(q, { p: p.id, q: '4' });
    expect(short.body.data.inventoryReserve).toEqual({
      __typename: 'InventoryInsufficientStock',
      shortfall: '1.0000',
      location: 'WH/Stock',
    });
    const ok = await acme.client.graphql(q, { p: p.id, q: '3' });
    expect(ok.body.data.inventoryReserve).toMatchObject({
      __typename: 'InventoryReserved',
      reservation: { quantity: '3.0000' },
    });
    expect(await level(p.id)).toMatchObject({ reserved: '3.0000', available: '0.0000' });
  });

  it('a retried request with the same idempotency key gets the same reservation', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '5' });
    const body = { productId: p.id, quantity: '2', idempotencyKey: `order-${p.id}` };
    const a = await acme.client.post(`${API}/reservations`, body);
    const b = await acme.client.post(`${API}/reservations`, body);
    expect(b.body.id).toBe(a.body.id);
    expect((await level(p.id)).reserved).toBe('2.0000');
  });

  it('never oversells: 200 concurrent reservations of 1 against 50 available → exactly 50 succeed', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '50' });
    const q = `mutation($p: ID!, $k: String) { inventoryReserve(productId: $p, quantity: "1", idempotencyKey: $k) { __typename } }`;
    // Half over REST, half over GraphQL, all at once.
    const odd: unknown[] = [];
    let retried = 0;
    // On this shared 2-core machine, 200 requests at once can wait longer than the pool's 5 s
    // connection timeout: the kernel then sheds load with 503 DATABASE_UNAVAILABLE (nothing was
    // committed). A client retries those, with its idempotency key so a retry can never reserve twice.
    const once = async (i: number): Promise<{ status: number; body: unknown }> => {
      const idempotencyKey = `${p.id}-${i}`;
      if (i % 2) {
        const r = await acme.client.post(`${API}/reservations`, { productId: p.id, quantity: '1', idempotencyKey });
        return { status: r.status, body: r.body };
      }
      const r = await acme.client.graphql(q, { p: p.id, k: idempotencyKey });
      const kind = r.body.data?.inventoryReserve?.__typename;
      // Shed before GraphQL runs (no connection for the request's session), it is a plain 503.
      const unavailable = r.status === 503 || r.body.errors?.[0]?.extensions?.code === 'DATABASE_UNAVAILABLE';
      return {
        status:
          kind === 'InventoryReserved' ? 201 : kind === 'InventoryInsufficientStock' ? 409 : unavailable ? 503 : 500,
        body: r.body,
      };
    };
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        let r = await once(i);
        for (let attempt = 0; r.status === 503 && attempt < 5; attempt++) {
          retried += 1;
          await new Promise((ok) => setTimeout(ok, 200 * (attempt + 1)));
          r = await once(i);
        }
        if (r.status !== 201 && r.status !== 409) odd.push({ status: r.status, i, body: r.body });
        return r.status;
      }),
    );
    const count = (s: number) => results.filter((r) => r === s).length;
    expect(
      { ok: count(201), short: count(409), other: results.length - count(201) - count(409) },
      `${retried} retried; ${JSON.stringify(odd.slice(0, 3))}`,
    ).toEqual({
      ok: 50,
      short: 150,
      other: 0,
    });
    expect(await level(p.id)).toMatchObject({ onHand: '50.0000', reserved: '50.0000', available: '0.0000' });
    const rows = await env.sql(
      `select count(*)::int as n from inventory_reservation where tenant_id = $1 and product_id = $2`,
      [acme.id, p.id],
    );
    expect(rows).toEqual([{ n: 50 }]);
  });

  it('never takes stock twice: 40 concurrent deliveries of 1 against 10 on hand → 10 done', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '10' });
    const deliver = () =>
      acme.client.post(`${API}/moves`, {
        productId: p.id,
        quantity: '1',
        fromLocationId: at.stock,
        toLocationId: at.loc('Partners/Customers'),
        state: 'done',
      });
    const results = await Promise.all(
      Array.from({ length: 40 }, async () => {
        let r = await deliver();
        // A 503 (load shed, nothing committed) is retried as a client would.
        for (let attempt = 0; r.status === 503 && attempt < 5; attempt++) r = await deliver();
        return r.status;
      }),
    );
    expect(results.filter((s) => s === 201)).toHaveLength(10);
    expect(results.filter((s) => s === 409)).toHaveLength(30);
    expect((await level(p.id)).onHand).toBe('0.0000');
  });

  it('the stock service serves another addon: reserve, deliver, onHand, release', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '5' });
    const res = await acme.client.post('/api/v1/shop_test/orders', { productId: p.id, quantity: '3' });
    expect(res.status).toBe(201);
    expect(res.body.move).toMatchObject({ kind: 'delivery', quantity: '1.0000', reference: 'shop.order' });
    expect(res.body.left).toMatchObject({ onHand: '4.0000', reserved: '2.0000', available: '2.0000' });
    expect(res.body.released).toMatchObject({ state: 'released' });
    expect(res.body.after).toMatchObject({ onHand: '4.0000', reserved: '0.0000' });
    const short = await acme.client.post('/api/v1/shop_test/orders', { productId: p.id, quantity: '9' });
    expect(short.body).toEqual({ code: 'OUT_OF_STOCK', shortfall: '5.0000' });
  });

  it('the stock service delivers many lines in one operation for another addon, or none', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '5' });
    const ok = await acme.client.post('/api/v1/shop_test/shipments', { productId: p.id, quantities: ['1', '2'] });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'delivery', state: 'done', lineCount: 2, reference: 'shop.shipment' });
    expect((await level(p.id)).onHand).toBe('2.0000');
    const short = await acme.client.post('/api/v1/shop_test/shipments', { productId: p.id, quantities: ['1', '2'] });
    expect(short.status).toBe(409);
    expect(short.body.details[0]).toMatchObject({ requested: '3.0000', available: '2.0000', shortfall: '1.0000' });
    expect((await level(p.id)).onHand).toBe('2.0000');
  });

  it('another company can neither see nor use the reservations', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '2' });
    const r = await acme.client.post(`${API}/reservations`, { productId: p.id, quantity: '1' });
    const other = await env.tenant('other-res', { enable: ['inventory'] });
    expect((await other.client.get(`${API}/reservations/${r.body.id}`)).status).toBe(404);
    expect((await other.client.get(`${API}/reservations?limit=200`)).body.data).toEqual([]);
    expect((await other.client.post(`${API}/reservations/${r.body.id}/release`)).status).toBe(404);
    expect((await other.client.post(`${API}/reservations/${r.body.id}/deliver`, {})).status).toBe(404);
    expect((await other.client.post(`${API}/reservations`, { productId: p.id, quantity: '1' })).status).toBe(400);
    // GraphQL too: the other company's stock reads as nothing, and its product cannot be reserved or received.
    const gql = await other.client.graphql(
      `{ inventoryStock(productId: "${p.id}") { onHand } inventoryStockByLocation(productId: "${p.id}") { onHand } }`,
    );
    expect(gql.body.data).toEqual({ inventoryStock: { onHand: '0.0000' }, inventoryStockByLocation: [] });
    const reserve = await other.client.graphql(
      `mutation { inventoryReserve(productId: "${p.id}", quantity: "1") { __typename } }`,
    );
    expect(reserve.body.errors[0].extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'productId' }],
    });
    const release = await other.client.graphql(`mutation { inventoryRelease(reservationId: "${r.body.id}") { id } }`);
    expect(release.body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await level(p.id)).reserved).toBe('1.0000');
  });
});
