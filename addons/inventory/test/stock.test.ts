import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, layerHistoryMismatches, lotMismatches, newProduct, setupOf } from './helpers.ts';

let env: TestEnv;
let acme: TestTenant;
let at: Awaited<ReturnType<typeof setupOf>>;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
  acme = await env.tenant('acme', { enable: ['inventory'] });
  at = await setupOf(acme.client);
});
afterAll(() => env?.close());

const stock = async (productId: string, scope = '') =>
  (await acme.client.get(`${API}/stock?productId=${productId}${scope}`)).body;

/** The invariant: every quant equals the done moves into its location minus those out of it. */
async function quantMismatches(tenantId: string) {
  return env.sql(
    `with flows as (
       select product_id, to_id as location_id, quantity from inventory_move where tenant_id = $1 and state = 'done'
       union all
       select product_id, from_id, -quantity from inventory_move where tenant_id = $1 and state = 'done'
     ), sums as (
       select f.product_id, f.location_id, sum(f.quantity) as moved
         from flows f join inventory_location l on l.tenant_id = $1 and l.id = f.location_id
        where l.usage in ('internal', 'transit') group by 1, 2
     )
     select coalesce(s.product_id, q.product_id) as product, coalesce(s.location_id, q.location_id) as location,
            s.moved, q.quantity
       from sums s full join (select * from inventory_quant where tenant_id = $1) q
         on q.product_id = s.product_id and q.location_id = s.location_id
      where coalesce(s.moved, 0) <> coalesce(q.quantity, 0)`,
    [tenantId],
  );
}

describe('stock moves', () => {
  it('moves draft → confirmed → done; quants change only when done; done is final', async () => {
    const p = await newProduct(acme);
    const created = await acme.client.post(`${API}/moves`, {
      productId: p.id,
      quantity: '5',
      fromLocationId: at.loc('Partners/Suppliers'),
      toLocationId: at.stock,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'draft', quantity: '5.0000' });
    expect((await stock(p.id)).onHand).toBe('0.0000');
    expect((await acme.client.post(`${API}/moves/${created.body.id}/confirm`)).body.state).toBe('confirmed');
    const done = await acme.client.post(`${API}/moves/${created.body.id}/validate`);
    expect(done.body).toMatchObject({ state: 'done', doneAt: expect.any(String) });
    expect(await stock(p.id)).toEqual({ productId: p.id, onHand: '5.0000', reserved: '0.0000', available: '5.0000' });
    // Done moves are immutable: no second validation, no cancel, and the database refuses an update.
    expect((await acme.client.post(`${API}/moves/${created.body.id}/validate`)).status).toBe(409);
    expect((await acme.client.post(`${API}/moves/${created.body.id}/cancel`)).body.code).toBe('INVENTORY_MOVE_STATE');
    await expect(env.sql(`update inventory_move set quantity = 1 where id = $1`, [created.body.id])).rejects.toThrow(
      /done stock move cannot change/,
    );
    expect((await stock(p.id)).onHand).toBe('5.0000');
  });

  it('a cancelled move never touches stock', async () => {
    const p = await newProduct(acme);
    const m = await acme.client.post(`${API}/moves`, {
      productId: p.id,
      quantity: '2',
      fromLocationId: at.loc('Partners/Suppliers'),
      toLocationId: at.stock,
      state: 'confirmed',
    });
    expect((await acme.client.post(`${API}/moves/${m.body.id}/cancel`)).body.state).toBe('cancelled');
    expect((await acme.client.post(`${API}/moves/${m.body.id}/validate`)).status).toBe(409);
    expect((await stock(p.id)).onHand).toBe('0.0000');
  });

  it('converts units: 2 dozen received are 24 units; 1500 g are 1.5 kg', async () => {
    const p = await newProduct(acme);
    const r = await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '2', uomId: at.uom('Dozen') });
    expect(r.body).toMatchObject({ quantity: '24.0000', uomQuantity: '2.0000', uom: at.uom('Dozen') });
    const flour = await newProduct(acme, { uom: at.uom('kg') });
    await acme.client.post(`${API}/receipts`, { productId: flour.id, quantity: '1500', uomId: at.uom('g') });
    expect((await stock(flour.id)).onHand).toBe('1.5000');
    const wrongKind = await acme.client.post(`${API}/receipts`, {
      productId: flour.id,
      quantity: '1',
      uomId: at.uom('Dozen'),
    });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.details[0].path).toBe('uomId');
  });

  it('refuses to take stock that is not there (409 naming product, location and shortfall); allows it when the company says so', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '3' });
    const out = {
      productId: p.id,
      quantity: '5',
      fromLocationId: at.stock,
      toLocationId: at.loc('Partners/Customers'),
      state: 'done',
    };
    const refused = await acme.client.post(`${API}/moves`, out);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'INVENTORY_INSUFFICIENT_STOCK',
      details: [{ path: 'quantity', productId: p.id, sku: p.sku, location: 'WH/Stock', shortfall: '2.0000' }],
    });
    expect(refused.body.message).toContain(p.sku);
    expect(refused.body.message).toContain('WH/Stock');
    // Nothing was written: no move, stock unchanged.
    expect((await acme.client.get(`${API}/moves?product=${p.id}&count=true`)).body.total_count).toBe(1);
    const policy = await acme.client.put('/api/v1/core/addons/inventory/settings', { negativeStock: 'allow' });
    expect(policy.status).toBe(200);
    try {
      expect((await acme.client.post(`${API}/moves`, out)).status).toBe(201);
      expect((await stock(p.id)).onHand).toBe('-2.0000');
    } finally {
      await acme.client.put('/api/v1/core/addons/inventory/settings', { negativeStock: 'refuse' });
    }
  });

  it('adjusts to a count through the inventory loss location', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '10' });
    const down = await acme.client.post(`${API}/adjustments`, {
      productId: p.id,
      locationId: at.stock,
      countedQuantity: '7',
    });
    expect(down.body).toMatchObject({
      kind: 'adjustment',
      quantity: '3.0000',
      to: at.loc('Virtual/Inventory adjustment'),
    });
    expect((await stock(p.id)).onHand).toBe('7.0000');
    const same = await acme.client.post(`${API}/adjustments`, {
      productId: p.id,
      locationId: at.stock,
      countedQuantity: '7',
    });
    expect(same.status).toBe(204);
  });

  it('keeps a location tree per warehouse and sums stock per location subtree and per warehouse', async () => {
    const wh = await acme.client.post(`${API}/warehouses`, { code: 'WH2', name: 'Second' });
    expect(wh.status).toBe(201);
    const whStock = wh.body.stockLocation;
    const shelf = await acme.client.post(`${API}/locations`, { name: 'Shelf A', parent: whStock });
    expect(shelf.body).toMatchObject({ fullName: 'WH2/Stock/Shelf A', warehouse: wh.body.id, usage: 'internal' });
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '4', locationId: whStock });
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '6', locationId: shelf.body.id });
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '1' }); // WH/Stock
    expect((await stock(p.id, `&locationId=${shelf.body.id}`)).onHand).toBe('6.0000');
    expect((await stock(p.id, `&locationId=${whStock}`)).onHand).toBe('10.0000');
    expect((await stock(p.id, `&warehouseId=${wh.body.id}`)).onHand).toBe('10.0000');
    expect((await stock(p.id)).onHand).toBe('11.0000');
    const byLoc = (await acme.client.get(`${API}/products/${p.id}/stock`)).body.data;
    expect(byLoc.map((l: { location: string; onHand: string }) => `${l.location}=${l.onHand}`)).toEqual([
      'WH/Stock=1.0000',
      'WH2/Stock=4.0000',
      'WH2/Stock/Shelf A=6.0000',
    ]);
    // Between warehouses through transit: stock leaves WH2 and is in transit until it arrives.
    const transit = at.loc('Virtual/Transit');
    await acme.client.post(`${API}/moves`, {
      productId: p.id,
      quantity: '4',
      fromLocationId: whStock,
      toLocationId: transit,
      state: 'done',
    });
    expect((await stock(p.id, `&warehouseId=${wh.body.id}`)).onHand).toBe('6.0000');
    await acme.client.post(`${API}/moves`, {
      productId: p.id,
      quantity: '4',
      fromLocationId: transit,
      toLocationId: at.stock,
      state: 'done',
    });
    expect((await stock(p.id, `&locationId=${at.stock}`)).onHand).toBe('5.0000');
    const gql = await acme.client.graphql(`{ inventoryStock(productId: "${p.id}") { onHand available } }`);
    expect(gql.body.data.inventoryStock).toEqual({ onHand: '11.0000', available: '11.0000' });
  });

  it('looks a product up by barcode or SKU, with its stock per location', async () => {
    const p = await newProduct(acme, { barcode: '73513537' });
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '7' });
    const byBarcode = await acme.client.get(`${API}/lookup?code=73513537`);
    expect(byBarcode.body).toMatchObject({
      product: { id: p.id, sku: p.sku },
      matched: 'barcode',
      stock: [{ location: 'WH/Stock', onHand: '7.0000', available: '7.0000' }],
    });
    expect((await acme.client.get(`${API}/lookup?code=${p.sku}`)).body).toMatchObject({ matched: 'sku' });
    expect((await acme.client.get(`${API}/lookup?code=NOPE-404`)).status).toBe(404);
    expect((await acme.client.get(`${API}/lookup?code=`)).body.details[0].path).toBe('code');
    const other = await env.tenant('other-lookup', { enable: ['inventory'] });
    expect((await other.client.get(`${API}/lookup?code=73513537`)).status).toBe(404);
  });

  it('refuses bad moves with a 4xx naming the field', async () => {
    const p = await newProduct(acme);
    const svc = await newProduct(acme, { type: 'service' });
    const base = {
      productId: p.id,
      quantity: '1',
      fromLocationId: at.loc('Partners/Suppliers'),
      toLocationId: at.stock,
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, quantity: '-1' }, 'quantity'],
      [{ ...base, quantity: '0' }, 'quantity'],
      [{ ...base, productId: 'nope' }, 'productId'],
      [{ ...base, productId: svc.id }, 'productId'],
      [{ ...base, toLocationId: base.fromLocationId }, 'toLocationId'],
      [{ ...base, toLocationId: at.loc('WH') }, 'toLocationId'],
      [{ ...base, fromLocationId: '00000000-0000-4000-8000-000000000000' }, 'fromLocationId'],
    ];
    for (const [body, path] of cases) {
      const res = await acme.client.post(`${API}/moves`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect((await acme.client.post(`${API}/moves/not-a-uuid/validate`)).status).toBeLessThan(500);
  });

  it('another company sees and changes none of the stock', async () => {
    const p = await newProduct(acme);
    const move = (await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '2' })).body;
    const other = await env.tenant('other-stock', { enable: ['inventory'] });
    const o = other.client;
    expect((await o.get(`${API}/moves/${move.id}`)).status).toBe(404);
    expect((await o.get(`${API}/moves?limit=200`)).body.data).toEqual([]);
    expect((await o.get(`${API}/quants?limit=200`)).body.data).toEqual([]);
    expect((await o.get(`${API}/stock?productId=${p.id}`)).body.onHand).toBe('0.0000');
    expect((await o.get(`${API}/products/${p.id}/stock`)).status).toBe(404);
    expect((await o.post(`${API}/moves/${move.id}/cancel`)).status).toBe(404);
    expect((await o.post(`${API}/receipts`, { productId: p.id, quantity: '1' })).status).toBe(400);
    expect(
      (await o.post(`${API}/adjustments`, { productId: p.id, locationId: at.stock, countedQuantity: '0' })).status,
    ).toBe(400);
    expect((await o.get(`${API}/warehouses?limit=200`)).body.data.map((w: { code: string }) => w.code)).toEqual(['WH']);
    expect((await stock(p.id)).onHand).toBe('2.0000');
  });

  it('keeps every quant equal to the sum of done moves after a random sequence of operations', async () => {
    const t = await env.tenant('random', { enable: ['inventory'] });
    const s = await setupOf(t.client);
    const shelf = (await t.client.post(`${API}/locations`, { name: 'Shelf', parent: s.stock })).body.id;
    const locs = [s.stock, shelf, s.loc('Virtual/Transit')];
    // Two tracked products too: the invariant holds per lot (lotMismatches) as well as per product.
    const lotted = await newProduct(t, { tracking: 'lot' });
    const serial = await newProduct(t, { tracking: 'serial' });
    const products = [await newProduct(t), await newProduct(t), await newProduct(t), lotted, serial];
    const lotIds: string[] = [];
    const lotFields = (p: string) => {
      if (p === lotted.id) return { lotName: `L${rnd(3)}` };
      if (p === serial.id) return { lotName: `S${rnd(6)}` };
      return {};
    };
    // A seeded generator: the run is the same each time, and a failure can be replayed.
    let seed = 20261201;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n); // the high bits: an LCG's low bits cycle
    };
    const qty = () => `${1 + rnd(9)}.${rnd(4) * 25}`;
    const drafts: string[] = [];
    const reservations: string[] = [];
    const outcomes = new Map<number, number>();
    for (let i = 0; i < 150; i++) {
      const p = products[rnd(5)]?.id as string;
      const op = rnd(8);
      let status = 0;
      if (op === 0) {
        const res = await t.client.post(`${API}/receipts`, {
          productId: p,
          quantity: p === serial.id ? '1' : qty(),
          locationId: locs[rnd(2)],
          ...lotFields(p),
        });
        status = res.status;
        if (res.body.lot && !lotIds.includes(res.body.lot)) lotIds.push(res.body.lot);
      } else if (op === 1 || op === 2) {
        const from = locs[rnd(3)] as string;
        const to = rnd(2) ? (locs.find((l) => l !== from) as string) : s.loc('Partners/Customers');
        const res = await t.client.post(`${API}/moves`, {
          productId: p,
          quantity: qty(),
          fromLocationId: from,
          toLocationId: to,
          state: rnd(3) ? 'done' : 'draft',
        });
        status = res.status;
        if (res.body.state === 'draft') drafts.push(res.body.id);
      } else if (op === 3 && drafts.length) {
        const id = drafts.splice(rnd(drafts.length), 1)[0];
        status = (await t.client.post(`${API}/moves/${id}/${rnd(2) ? 'validate' : 'cancel'}`)).status;
      } else if (op === 4) {
        status = (
          await t.client.post(`${API}/adjustments`, { productId: p, locationId: locs[rnd(2)], countedQuantity: qty() })
        ).status;
      } else if (op === 5) {
        const lotId = p === lotted.id && lotIds.length && rnd(2) ? { lotId: lotIds[rnd(lotIds.length)] } : {};
        const res = await t.client.post(`${API}/reservations`, {
          productId: p,
          quantity: qty(),
          locationId: s.stock,
          ...lotId,
        });
        status = res.status;
        if (res.status === 201) reservations.push(res.body.id);
      } else if (op === 6 && reservations.length) {
        const id = reservations.splice(rnd(reservations.length), 1)[0];
        status = (await t.client.post(`${API}/reservations/${id}/${rnd(2) ? 'deliver' : 'release'}`, {})).status;
      } else if (p === lotted.id || p === serial.id) {
        // Many lines, lots picked oldest first (or refused as a whole when they do not cover it).
        status = (
          await t.client.post(`${API}/operations`, {
            kind: rnd(2) ? 'delivery' : 'internal',
            fromLocationId: locs[rnd(2)],
            ...(rnd(2) ? {} : { toLocationId: locs[2] }),
            lines: [{ productId: p, quantity: p === serial.id ? `${1 + rnd(2)}` : qty() }],
          })
        ).status;
      } else {
        status = (
          await t.client.post(`${API}/adjustments`, { productId: p, locationId: s.stock, countedQuantity: '0' })
        ).status;
      }
      outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
      expect(status, `operation ${i}`).toBeLessThan(500);
    }
    // The sequence did real work and hit the stock rule.
    expect(outcomes.get(201) ?? 0, JSON.stringify([...outcomes])).toBeGreaterThan(50);
    expect(outcomes.get(409) ?? 0, JSON.stringify([...outcomes])).toBeGreaterThan(0);
    expect(await quantMismatches(t.id)).toEqual([]);
    expect(await lotMismatches(env, t.id)).toEqual([]);
    // The value side (moves into and out of transit move value): each (product, warehouse) line of
    // the report (transit: no warehouse) is the sum of that warehouse's layers, and every layer's
    // history adds up to it.
    const layerSums = await env.sql(
      `select product_id, warehouse_id, sum(remaining)::numeric(18,4)::text as q, sum(remaining_value)::numeric(18,4)::text as v
         from inventory_cost_layer where tenant_id = $1 group by 1, 2 having sum(remaining) <> 0 or sum(remaining_value) <> 0`,
      [t.id],
    );
    const reported = (await t.client.get(`${API}/valuation`)).body.lines as {
      productId: string;
      warehouseId: string | null;
      quantity: string;
      value: string;
    }[];
    expect(reported.map((l) => `${l.productId}|${l.warehouseId}|${l.quantity}|${l.value}`).sort()).toEqual(
      layerSums.map((r) => `${r.product_id}|${r.warehouse_id}|${r.q}|${r.v}`).sort(),
    );
    expect(reported.some((l) => l.warehouseId === null)).toBe(true);
    expect(await layerHistoryMismatches(env, t.id)).toEqual([]);
    // The tracked products did move, in more than one lot.
    const lotMoves = await env.sql(
      `select count(distinct lot_id)::int as lots from inventory_move where tenant_id = $1 and state = 'done' and lot_id is not null`,
      [t.id],
    );
    expect(lotMoves[0]?.lots).toBeGreaterThan(3);
    // Reserved matches the open reservations, and no internal quant went below zero or below its reservations.
    const reservedDiff = await env.sql(
      `select q.product_id from inventory_quant q
        where q.tenant_id = $1 and q.reserved <> coalesce((select sum(r.quantity - r.delivered) from inventory_reservation r
          where r.tenant_id = q.tenant_id and r.product_id = q.product_id and r.location_id = q.location_id and r.state = 'active'), 0)`,
      [t.id],
    );
    expect(reservedDiff).toEqual([]);
    const negative = await env.sql(
      `select q.* from inventory_quant q join inventory_location l on l.tenant_id = q.tenant_id and l.id = q.location_id
        where q.tenant_id = $1 and l.usage = 'internal' and (q.quantity < 0 or q.reserved > q.quantity)`,
      [t.id],
    );
    expect(negative).toEqual([]);
    // The check itself can fail: a quant changed behind the moves' back is reported.
    await env.sql(
      `update inventory_quant set quantity = quantity + 1 where tenant_id = $1 and id = (select id from inventory_quant where tenant_id = $1 limit 1)`,
      [t.id],
    );
    expect(await quantMismatches(t.id)).toHaveLength(1);
    await env.sql(
      `update inventory_lot_quant set quantity = quantity + 1 where tenant_id = $1 and id = (select id from inventory_lot_quant where tenant_id = $1 limit 1)`,
      [t.id],
    );
    expect((await lotMismatches(env, t.id)).map((r) => r.check)).toContain('lot');
  });
});
