import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKFILL_LAYER_WAREHOUSES } from '../migrations/Migration0020InventoryLayersPerWarehouse.ts';
import { inventory } from '../src/index.ts';
import { API, newProduct, setupOf, withRole } from './helpers.ts';

// The valuation per warehouse and at past dates. Worked examples computed by hand: the comments
// show the arithmetic. Layers belong to the warehouse that received the goods (none: transit);
// what leaves a warehouse consumes that warehouse's layers, a transfer moves their value into new
// layers of the destination. At any date a warehouse's value in the report equals the sum of its
// layers' remaining value as of that date.

let env: TestEnv;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
});
afterAll(() => env?.close());

const after = (at: string) => new Date(Date.parse(at) + 1).toISOString();

/** A company of its own (warehouse codes are unique per company), valued by `method`. */
async function world(slug: string, method: 'fifo' | 'avco', codes: string[]) {
  const t: TestTenant = await env.tenant(slug, { enable: ['inventory'] });
  if (method === 'avco') {
    expect((await t.client.put('/api/v1/core/addons/inventory/settings', { valuation: 'avco' })).status).toBe(200);
  }
  const at = await setupOf(t.client);
  const wh: Record<string, { id: string; stock: string }> = { WH: { id: '', stock: at.stock } };
  for (const code of codes) {
    const w = (await t.client.post(`${API}/warehouses`, { code, name: `Warehouse ${code}` })).body;
    wh[code] = { id: w.id, stock: w.stockLocation };
  }
  const all = (await t.client.get(`${API}/warehouses`)).body.data as { id: string; code: string }[];
  wh.WH = { id: all.find((x) => x.code === 'WH')?.id as string, stock: at.stock };
  const p = await newProduct(t, { cost: '2.00' });
  /** A warehouse's Stock by code, or `transit`. */
  const loc = (code: string) => (code === 'transit' ? at.loc('Virtual/Transit') : wh[code]?.stock);
  const post = async (path: string, body: Record<string, unknown>) => {
    const r = await t.client.post(`${API}${path}`, { productId: p.id, ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { at: r.body.doneAt as string, value: r.body.value as string | null };
  };
  const ops = {
    receive: (code: string, quantity: string, unitCost: string) =>
      post('/receipts', { quantity, unitCost, locationId: wh[code]?.stock }),
    deliver: (code: string, quantity: string) =>
      post('/moves', {
        quantity,
        fromLocationId: wh[code]?.stock,
        toLocationId: at.loc('Partners/Customers'),
        state: 'done',
      }),
    transfer: (from: string, to: string, quantity: string) =>
      post('/moves', { quantity, fromLocationId: loc(from), toLocationId: loc(to), state: 'done' }),
    count: (code: string, countedQuantity: string) =>
      post('/adjustments', { locationId: wh[code]?.stock, countedQuantity }),
  };
  /** The report at `when`: total, then `CODE qty @ value` per warehouse line of the product. */
  const report = async (when?: string, extra = '') => {
    const q = when ? `&at=${encodeURIComponent(when)}` : '';
    const r = await t.client.get(`${API}/valuation?productId=${p.id}${q}${extra}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return {
      total: r.body.total as string,
      lines: r.body.lines.map(
        (l: { code: string | null; quantity: string; value: string }) => `${l.code} ${l.quantity} @ ${l.value}`,
      ) as string[],
    };
  };
  /** Each layer's remaining quantity and value as of `when` (from its history), `CODE q @ v`, by warehouse then age. */
  const layersAt = async (when: string) => {
    const rows = await env.sql(
      `select coalesce(w.code, 'transit') as code, sum(e.quantity)::numeric(18,4)::text as q, sum(e.value)::numeric(18,4)::text as v
         from inventory_cost_layer l join inventory_layer_entry e on e.tenant_id = l.tenant_id and e.layer_id = l.id
         left join inventory_warehouse w on w.tenant_id = l.tenant_id and w.id = l.warehouse_id
        where l.tenant_id = $1 and l.product_id = $2 and e.at < $3
        group by l.id, w.code, l.created_at order by w.code nulls last, l.created_at`,
      [t.id, p.id, after(when)],
    );
    return rows.map((r) => `${r.code} ${r.q} @ ${r.v}`);
  };
  /** The layers now, as layersAt gives them, from the layers themselves. */
  const layersNow = async () => {
    const rows = await env.sql(
      `select coalesce(w.code, 'transit') as code, l.remaining::text as q, l.remaining_value::text as v
         from inventory_cost_layer l left join inventory_warehouse w on w.tenant_id = l.tenant_id and w.id = l.warehouse_id
        where l.tenant_id = $1 and l.product_id = $2 order by w.code nulls last, l.created_at`,
      [t.id, p.id],
    );
    return rows.map((r) => `${r.code} ${r.q} @ ${r.v}`);
  };
  /** Per warehouse, the sum of its layers equals the report's warehouse line (now). */
  const sumsMatch = async () => {
    const rows = await env.sql(
      `select w.code, sum(l.remaining_value)::text as v from inventory_cost_layer l
         left join inventory_warehouse w on w.tenant_id = l.tenant_id and w.id = l.warehouse_id
        where l.tenant_id = $1 and l.product_id = $2 group by w.code having sum(l.remaining) <> 0 or sum(l.remaining_value) <> 0
        order by w.code nulls last`,
      [t.id, p.id],
    );
    const r = await report();
    expect(r.lines.map((l: string) => `${l.split(' ')[0]} ${l.split(' @ ')[1]}`)).toEqual(
      rows.map((x) => `${x.code ?? 'null'} ${x.v}`),
    );
  };
  /** Now, each layer's history adds up to the layer itself. */
  const historyMatches = async () => {
    const rows = await env.sql(
      `select l.id from inventory_cost_layer l
         left join (select layer_id, sum(quantity) as q, sum(value) as v from inventory_layer_entry
                     where tenant_id = $1 group by layer_id) e on e.layer_id = l.id
        where l.tenant_id = $1 and l.product_id = $2
          and (coalesce(e.q, 0) <> l.remaining or coalesce(e.v, 0) <> l.remaining_value)`,
      [t.id, p.id],
    );
    expect(rows).toEqual([]);
  };
  return { t, p, wh, at, ops, report, layersAt, layersNow, sumsMatch, historyMatches };
}

describe('valuation per warehouse and at a past date', () => {
  it('FIFO: two warehouses, a transfer moving value, deliveries and a loss from each, every date by hand', async () => {
    const w = await world('valhist-fifo', 'fifo', ['W2']);
    const t1 = await w.ops.receive('WH', '10', '5.00'); // A: WH 10 × 5.00 = 50.00
    const t2 = await w.ops.receive('W2', '10', '6.00'); // B: W2 10 × 6.00 = 60.00
    const t3 = await w.ops.receive('WH', '5', '7.00'); // C: WH 5 × 7.00 = 35.00; WH 85.00, W2 60.00
    // WH → W2, 12: WH's oldest first, A 10 × 5.00 + C 2 × 7.00 = 64.00; W2 gets them at those costs
    // (D 10 @ 50.00, E 2 @ 14.00). WH 85 − 64 = 21.00, W2 60 + 64 = 124.00: 145.00 as before.
    const t4 = await w.ops.transfer('WH', 'W2', '12');
    expect(t4.value).toBe('64.0000');
    // W2 out 15: W2's oldest first, B 10 × 6.00 + D 5 × 5.00 = 85.00 (company-wide FIFO would take A).
    const t5 = await w.ops.deliver('W2', '15');
    expect(t5.value).toBe('85.0000');
    // WH out 2: C 2 × 7.00 = 14.00; WH left C 1 @ 7.00.
    const t6 = await w.ops.deliver('WH', '2');
    expect(t6.value).toBe('14.0000');
    // W2 counted 6 of 7: the loss takes D's unit, 5.00; W2 left D 4 @ 20.00, E 2 @ 14.00.
    const t7 = await w.ops.count('W2', '6');
    expect(t7.value).toBe('5.0000');

    expect(await w.report('2000-01-01')).toEqual({ total: '0.0000', lines: [] });
    expect(await w.report(t1.at)).toEqual({ total: '50.0000', lines: ['WH 10.0000 @ 50.0000'] });
    expect(await w.report(t2.at)).toEqual({
      total: '110.0000',
      lines: ['W2 10.0000 @ 60.0000', 'WH 10.0000 @ 50.0000'],
    });
    expect(await w.report(t3.at)).toEqual({
      total: '145.0000',
      lines: ['W2 10.0000 @ 60.0000', 'WH 15.0000 @ 85.0000'],
    });
    expect(await w.report(t4.at)).toEqual({
      total: '145.0000',
      lines: ['W2 22.0000 @ 124.0000', 'WH 3.0000 @ 21.0000'],
    });
    expect(await w.layersAt(t4.at)).toEqual([
      'W2 10.0000 @ 60.0000',
      'W2 10.0000 @ 50.0000',
      'W2 2.0000 @ 14.0000',
      'WH 0.0000 @ 0.0000',
      'WH 3.0000 @ 21.0000',
    ]);
    // t5: W2 124 − 85 = 39.00 (D 5 @ 25.00, E 2 @ 14.00); 60.00 in all.
    expect(await w.report(t5.at)).toEqual({ total: '60.0000', lines: ['W2 7.0000 @ 39.0000', 'WH 3.0000 @ 21.0000'] });
    expect(await w.report(t6.at)).toEqual({ total: '46.0000', lines: ['W2 7.0000 @ 39.0000', 'WH 1.0000 @ 7.0000'] });
    const last = { total: '41.0000', lines: ['W2 6.0000 @ 34.0000', 'WH 1.0000 @ 7.0000'] };
    expect(await w.report(t7.at)).toEqual(last);
    // Now (from the layers themselves) is the same as the last date (from their history).
    expect(await w.report()).toEqual(last);
    const layers = [
      'W2 0.0000 @ 0.0000',
      'W2 4.0000 @ 20.0000',
      'W2 2.0000 @ 14.0000',
      'WH 0.0000 @ 0.0000',
      'WH 1.0000 @ 7.0000',
    ];
    expect(await w.layersAt(t7.at)).toEqual(layers);
    expect(await w.layersNow()).toEqual(layers);
    await w.sumsMatch();
    await w.historyMatches();

    // One warehouse: that warehouse's layers only, now and then.
    const one = await w.t.client.get(`${API}/valuation?productId=${w.p.id}&at=${t4.at}&warehouseId=${w.wh.W2?.id}`);
    expect(one.body).toMatchObject({
      total: '124.0000',
      data: [{ productId: w.p.id, quantity: '22.0000', value: '124.0000' }],
      warehouses: [{ code: 'W2', name: 'Warehouse W2', value: '124.0000' }],
    });
    expect((await w.t.client.get(`${API}/valuation?warehouseId=${w.wh.WH?.id}`)).body).toMatchObject({
      total: '7.0000',
      data: [{ productId: w.p.id, quantity: '1.0000', value: '7.0000' }],
    });
    // GraphQL: the same report.
    const g = await w.t.client.graphql(
      `query($at: String, $p: ID) { inventoryValuation(at: $at, productId: $p) {
         total data { quantity value } warehouses { code value } lines { code quantity value } } }`,
      { at: t5.at, p: w.p.id },
    );
    expect(g.body.errors).toBeUndefined();
    expect(g.body.data.inventoryValuation).toEqual({
      total: '60.0000',
      data: [{ quantity: '10.0000', value: '60.0000' }],
      warehouses: [
        { code: 'W2', value: '39.0000' },
        { code: 'WH', value: '21.0000' },
      ],
      lines: [
        { code: 'W2', quantity: '7.0000', value: '39.0000' },
        { code: 'WH', quantity: '3.0000', value: '21.0000' },
      ],
    });
  });

  it('AVCO: each warehouse has its own average; a transfer moves value at the source average', async () => {
    const w = await world('valhist-avco', 'avco', ['W2']);
    const t1 = await w.ops.receive('WH', '10', '5.00'); // A: WH 10 @ 50.00
    const t2 = await w.ops.receive('W2', '10', '6.00'); // B: W2 10 @ 60.00, average 6.00
    const t3 = await w.ops.receive('WH', '10', '8.00'); // C: WH 20 @ 130.00, average 6.50
    // WH → W2, 4 at WH's average: 4 × 6.50 = 26.00. WH 16 @ 104.00 (A 6 → 104 × 6 / 16 = 39.00,
    // C the rest 65.00); W2 gets D 4 @ 26.00: 14 @ 86.00 (average 6.142857…).
    const t4 = await w.ops.transfer('WH', 'W2', '4');
    expect(t4.value).toBe('26.0000');
    expect(await w.layersAt(t4.at)).toEqual([
      'W2 10.0000 @ 60.0000',
      'W2 4.0000 @ 26.0000',
      'WH 6.0000 @ 39.0000',
      'WH 10.0000 @ 65.0000',
    ]);
    // W2 out 7 at W2's average: 7 × 86 / 14 = 43.00 (company-wide: 7 × 190 / 30 = 44.3333).
    // W2 7 @ 43.00 left: B 3 → 43 × 3 / 7 = 18.4286, D the rest 24.5714.
    const t5 = await w.ops.deliver('W2', '7');
    expect(t5.value).toBe('43.0000');
    // WH out 6 at 6.50 = 39.00: WH 10 @ 65.00 (A used up, C 65.00).
    const t6 = await w.ops.deliver('WH', '6');
    expect(t6.value).toBe('39.0000');

    expect(await w.report(t1.at)).toEqual({ total: '50.0000', lines: ['WH 10.0000 @ 50.0000'] });
    expect(await w.report(t2.at)).toEqual({
      total: '110.0000',
      lines: ['W2 10.0000 @ 60.0000', 'WH 10.0000 @ 50.0000'],
    });
    expect(await w.report(t3.at)).toEqual({
      total: '190.0000',
      lines: ['W2 10.0000 @ 60.0000', 'WH 20.0000 @ 130.0000'],
    });
    // The transfer changes no total: 190.00.
    expect(await w.report(t4.at)).toEqual({
      total: '190.0000',
      lines: ['W2 14.0000 @ 86.0000', 'WH 16.0000 @ 104.0000'],
    });
    expect(await w.report(t5.at)).toEqual({
      total: '147.0000',
      lines: ['W2 7.0000 @ 43.0000', 'WH 16.0000 @ 104.0000'],
    });
    // 190.00 in − 43.00 − 39.00 out = 108.00.
    const last = { total: '108.0000', lines: ['W2 7.0000 @ 43.0000', 'WH 10.0000 @ 65.0000'] };
    expect(await w.report(t6.at)).toEqual(last);
    expect(await w.report()).toEqual(last);
    const layers = ['W2 3.0000 @ 18.4286', 'W2 4.0000 @ 24.5714', 'WH 0.0000 @ 0.0000', 'WH 10.0000 @ 65.0000'];
    expect(await w.layersAt(t6.at)).toEqual(layers);
    expect(await w.layersNow()).toEqual(layers);
    await w.sumsMatch();
    await w.historyMatches();
  });

  it('a transfer through transit: the value sits in transit (no warehouse), then arrives', async () => {
    const w = await world('valhist-transit', 'fifo', ['W2']);
    await w.ops.receive('WH', '10', '4.00'); // WH 10 @ 40.00
    const t2 = await w.ops.transfer('WH', 'transit', '6'); // 6 × 4.00 = 24.00 into transit
    expect(t2.value).toBe('24.0000');
    expect(await w.report(t2.at)).toEqual({
      total: '40.0000',
      lines: ['WH 4.0000 @ 16.0000', 'null 6.0000 @ 24.0000'],
    });
    const wire = (await w.t.client.get(`${API}/valuation?productId=${w.p.id}`)).body.warehouses;
    expect(wire).toMatchObject([
      { code: 'WH', value: '16.0000' },
      { warehouseId: null, code: null, value: '24.0000' },
    ]);
    const t3 = await w.ops.transfer('transit', 'W2', '6'); // arrives: W2 6 @ 24.00, transit 0
    expect(t3.value).toBe('24.0000');
    expect(await w.report(t3.at)).toEqual({ total: '40.0000', lines: ['W2 6.0000 @ 24.0000', 'WH 4.0000 @ 16.0000'] });
    expect(await w.layersAt(t3.at)).toEqual(['W2 6.0000 @ 24.0000', 'WH 4.0000 @ 16.0000', 'transit 0.0000 @ 0.0000']);
    // Within one warehouse (Stock → a shelf of it) no layer changes.
    const shelf = (await w.t.client.post(`${API}/locations`, { name: 'Shelf', parent: w.wh.W2?.stock })).body.id;
    const inside = await w.t.client.post(`${API}/moves`, {
      productId: w.p.id,
      quantity: '2',
      fromLocationId: w.wh.W2?.stock,
      toLocationId: shelf,
      state: 'done',
    });
    expect(inside.body.value).toBeNull();
    expect(await w.layersNow()).toEqual(['W2 6.0000 @ 24.0000', 'WH 4.0000 @ 16.0000', 'transit 0.0000 @ 0.0000']);
    // From the shelf to a customer: W2's layer, 2 × 4.00.
    const out = await w.t.client.post(`${API}/moves`, {
      productId: w.p.id,
      quantity: '2',
      fromLocationId: shelf,
      toLocationId: w.at.loc('Partners/Customers'),
      state: 'done',
    });
    expect(out.body.value).toBe('8.0000');
    expect(await w.report()).toEqual({ total: '32.0000', lines: ['W2 4.0000 @ 16.0000', 'WH 4.0000 @ 16.0000'] });
    await w.sumsMatch();
    await w.historyMatches();
  });

  it('negative stock is per warehouse: what W2 lacks is valued at the product cost, WH keeps its layers', async () => {
    const w = await world('valhist-negative', 'fifo', ['W2']);
    expect((await w.t.client.put('/api/v1/core/addons/inventory/settings', { negativeStock: 'allow' })).status).toBe(
      200,
    );
    await w.ops.receive('WH', '10', '5.00'); // WH 10 @ 50.00
    // W2 holds nothing: 3 out at the product's cost 2.00 = 6.00, no layer; WH untouched.
    expect((await w.ops.deliver('W2', '3')).value).toBe('6.0000');
    expect(await w.report()).toEqual({ total: '50.0000', lines: ['WH 10.0000 @ 50.0000'] });
    // A transfer out of W2's negative stock brings its goods into WH at the product's cost too.
    expect((await w.ops.transfer('W2', 'WH', '1')).value).toBe('2.0000');
    expect(await w.layersNow()).toEqual(['WH 10.0000 @ 50.0000', 'WH 1.0000 @ 2.0000']);
    await w.historyMatches();
  });

  it('a landed cost on a receipt partly transferred raises what remains of its layer', async () => {
    const w = await world('valhist-landed', 'fifo', ['W2']);
    const op = await w.t.client.post(`${API}/operations`, {
      kind: 'receipt',
      lines: [{ productId: w.p.id, quantity: '10', unitCost: '5.00' }],
    }); // WH 10 @ 50.00
    expect(op.status).toBe(201);
    await w.ops.transfer('WH', 'W2', '4'); // W2 4 @ 20.00, WH 6 @ 30.00
    // 10.00 over the line's 10 units: the layer holds 6 → 6.00 to WH's stock (6 @ 36.00); the 4
    // transferred away → 4.00 deliveredValue, as goods delivered: W2 keeps 20.00.
    const r = await w.t.client.post(`${API}/landed-costs`, { operationId: op.body.id, amount: '10.00' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ stockValue: '6.0000', deliveredValue: '4.0000' });
    expect(await w.report()).toEqual({ total: '56.0000', lines: ['W2 4.0000 @ 20.0000', 'WH 6.0000 @ 36.0000'] });
    // WH's next delivery goes out at the new cost: 3 × 6.00.
    expect((await w.ops.deliver('WH', '3')).value).toBe('18.0000');
    await w.historyMatches();
  });

  it.each(['fifo', 'avco'] as const)(
    '%s: after a random sequence of moves, each warehouse is the sum of its layers, now and then, and its layers hold its stock',
    async (method) => {
      const w = await world(`valhist-random-${method}`, method, ['W2', 'W3']);
      // A seeded generator: the run is the same each time, and a failure can be replayed.
      let seed = method === 'fifo' ? 20261204 : 20261205;
      const rnd = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return Math.floor((seed / 2 ** 31) * n);
      };
      const codes = ['WH', 'W2', 'W3', 'transit'];
      const qty = () => `${1 + rnd(6)}.${rnd(4) * 25}`;
      const customers = w.at.loc('Partners/Customers');
      const loc = (c: string) => (c === 'transit' ? w.at.loc('Virtual/Transit') : w.wh[c]?.stock);
      const statuses = new Map<number, number>();
      let middle = '';
      for (let i = 0; i < 100; i++) {
        const op = rnd(5); // 2 and 3: transfers
        const here = codes[rnd(3)] as string;
        let r: { status: number; body: { doneAt?: string } };
        if (op === 0) {
          r = await w.t.client.post(`${API}/receipts`, {
            productId: w.p.id,
            quantity: qty(),
            unitCost: `${1 + rnd(9)}.${rnd(100)}`,
            locationId: loc(here),
          });
        } else if (op === 1) {
          const body = { productId: w.p.id, quantity: qty(), fromLocationId: loc(here), toLocationId: customers };
          r = await w.t.client.post(`${API}/moves`, { ...body, state: 'done' });
        } else if (op === 2 || op === 3) {
          // 2: out of a warehouse to any other place; 3: out of transit into a warehouse, only what
          // transit holds (transit may go below zero whatever the policy).
          const from = op === 3 ? 'transit' : here;
          const to = codes.filter((c) => c !== from && (op === 2 || c !== 'transit'))[rnd(3)] as string;
          const [inTransit] = await env.sql(
            `select coalesce(sum(quantity), 0)::numeric(18,4)::text as q from inventory_quant where tenant_id = $1 and product_id = $2 and location_id = $3`,
            [w.t.id, w.p.id, loc('transit')],
          );
          const quantity = from === 'transit' ? (inTransit?.q as string) : qty();
          r =
            Number(quantity) > 0
              ? await w.t.client.post(`${API}/moves`, {
                  productId: w.p.id,
                  quantity,
                  fromLocationId: loc(from),
                  toLocationId: loc(to),
                  state: 'done',
                })
              : { status: 0, body: {} };
        } else {
          r = await w.t.client.post(`${API}/adjustments`, {
            productId: w.p.id,
            locationId: loc(here),
            countedQuantity: qty(),
          });
        }
        expect(r.status, `step ${i}`).toBeLessThan(500);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (i >= 50 && !middle && r.body.doneAt) middle = r.body.doneAt;
      }
      expect(statuses.get(201) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(40);
      // It moved value between warehouses, and out of transit too.
      const [moved] = await env.sql(
        `select count(*) filter (where f.usage in ('internal', 'transit') and t.usage in ('internal', 'transit'))::int as transfers,
                count(*) filter (where f.usage = 'transit')::int as from_transit
           from inventory_move m
           join inventory_location f on f.tenant_id = m.tenant_id and f.id = m.from_id
           join inventory_location t on t.tenant_id = m.tenant_id and t.id = m.to_id
          where m.tenant_id = $1 and m.state = 'done'`,
        [w.t.id],
      );
      expect(moved, JSON.stringify(moved)).toMatchObject({ transfers: expect.any(Number) });
      expect(moved?.transfers).toBeGreaterThan(4);
      expect(moved?.from_transit).toBeGreaterThan(0);
      await w.sumsMatch();
      await w.historyMatches();
      // From the history after the last move: the same as now.
      expect(await w.report('2999-01-01')).toEqual(await w.report());
      // At a moment in the middle: each warehouse's line is the sum of its layers' entries up to then.
      if (middle) {
        const then = await env.sql(
          `select coalesce(w.code, 'null') as code, sum(e.quantity)::numeric(18,4)::text as q, sum(e.value)::numeric(18,4)::text as v
             from inventory_layer_entry e join inventory_cost_layer l on l.tenant_id = e.tenant_id and l.id = e.layer_id
             left join inventory_warehouse w on w.tenant_id = l.tenant_id and w.id = l.warehouse_id
            where e.tenant_id = $1 and e.at < $2 group by w.code
           having sum(e.quantity) <> 0 or sum(e.value) <> 0 order by w.code nulls last`,
          [w.t.id, after(middle)],
        );
        expect((await w.report(middle)).lines).toEqual(then.map((r) => `${r.code} ${r.q} @ ${r.v}`));
      }
      // No warehouse went below zero (refused), so each warehouse's layers hold exactly its quants.
      const held = await env.sql(
        `select w.code, coalesce(q.q, 0)::numeric(18,4)::text as quants, coalesce(l.q, 0)::numeric(18,4)::text as layers
           from inventory_warehouse w
           left join (select loc.warehouse_id, sum(q.quantity) as q from inventory_quant q
                        join inventory_location loc on loc.tenant_id = q.tenant_id and loc.id = q.location_id
                       where q.tenant_id = $1 and loc.usage = 'internal' group by 1) q on q.warehouse_id = w.id
           left join (select warehouse_id, sum(remaining) as q from inventory_cost_layer where tenant_id = $1 group by 1) l
             on l.warehouse_id = w.id
          where w.tenant_id = $1 order by w.code`,
        [w.t.id],
      );
      expect(held.map((h) => `${h.code} ${h.layers}`)).toEqual(held.map((h) => `${h.code} ${h.quants}`));
    },
  );

  it('migration 0020 gives the layers that exist the warehouse their receipt brought them into', async () => {
    const w = await world('valhist-backfill', 'fifo', ['W2']);
    await w.ops.receive('WH', '2', '1.00');
    await w.ops.receive('W2', '3', '1.00');
    await w.ops.transfer('W2', 'transit', '1'); // a layer in transit: no warehouse
    const before = await w.layersNow();
    expect(before).toEqual(['W2 2.0000 @ 2.0000', 'WH 2.0000 @ 2.0000', 'transit 1.0000 @ 1.0000']);
    // As before the migration: no layer has a warehouse; then its data step.
    await env.sql(`update inventory_cost_layer set warehouse_id = null where tenant_id = $1`, [w.t.id]);
    expect(await w.layersNow()).toEqual([
      'transit 2.0000 @ 2.0000',
      'transit 2.0000 @ 2.0000',
      'transit 1.0000 @ 1.0000',
    ]);
    await env.sql(BACKFILL_LAYER_WAREHOUSES);
    expect(await w.layersNow()).toEqual(before);
  });

  it('gives a daily series of the stock value, per warehouse too; refuses bad input, isolates companies, needs move.read', async () => {
    const w = await world('valhist-series', 'fifo', ['W2']);
    const fifo = w.t;
    await w.ops.receive('WH', '2', '3.50'); // WH 7.00 more today
    await w.ops.receive('W2', '3', '1.00'); // W2 3.00
    const series = (await fifo.client.get(`${API}/valuation/series?days=7`)).body;
    expect(series.data).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    // Today's point is the whole stock value now.
    expect(series.data[6]).toEqual({ date: today, value: (await fifo.client.get(`${API}/valuation`)).body.total });
    expect(series.data[6].value).toBe('10.0000');
    // One warehouse's series: its layers only (W2 3.00, WH 7.00), on REST and GraphQL.
    const w2 = (await fifo.client.get(`${API}/valuation/series?days=7&warehouseId=${w.wh.W2?.id}`)).body;
    expect(w2).toMatchObject({ warehouseId: w.wh.W2?.id, currency: 'USD' });
    expect(w2.data[6]).toEqual({ date: today, value: '3.0000' });
    const g = await fifo.client.graphql(
      `query($w: ID) { inventoryValuationSeries(days: 2, warehouseId: $w) { date value } }`,
      { w: w.wh.WH?.id },
    );
    expect(g.body.data.inventoryValuationSeries.at(-1)).toEqual({ date: today, value: '7.0000' });

    expect((await fifo.client.get(`${API}/valuation/series?days=0`)).status).toBe(400);
    const badWh = await fifo.client.get(`${API}/valuation/series?warehouseId=nope`);
    expect(badWh.status).toBe(400);
    expect(JSON.stringify(badWh.body)).toContain('warehouseId');
    const bad = await fifo.client.get(`${API}/valuation?at=2026-02-30`);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('at');
    const gBad = await fifo.client.graphql('{ inventoryValuation(at: "soon") { total } }');
    expect(gBad.body.errors[0].extensions.details[0].path).toBe('at');

    // Another company: nothing of ours, not even through our warehouse's id.
    const other = await env.tenant('valhist-other', { enable: ['inventory'] });
    expect((await other.client.get(`${API}/valuation?at=2999-01-01`)).body).toMatchObject({
      total: '0.0000',
      data: [],
      warehouses: [],
      lines: [],
    });
    expect(
      (await other.client.get(`${API}/valuation/series?days=3`)).body.data.map((d: { value: string }) => d.value),
    ).toEqual(['0.0000', '0.0000', '0.0000']);
    for (const path of [`/valuation?warehouseId=${w.wh.W2?.id}`, `/valuation/series?warehouseId=${w.wh.W2?.id}`]) {
      const r = await other.client.get(`${API}${path}`);
      expect(r.status, path).toBe(400);
      expect(r.body.details[0].path).toBe('warehouseId');
    }
    const og = await other.client.graphql(
      `query($w: ID) { inventoryValuationSeries(days: 2, warehouseId: $w) { value } }`,
      {
        w: w.wh.W2?.id,
      },
    );
    expect(og.body.errors[0].extensions.details[0].path).toBe('warehouseId');
    const blind = await withRole(fifo, 'valblind', ['inventory.product.read']);
    expect((await blind.get(`${API}/valuation?at=2026-01-01`)).status).toBe(403);
    expect((await blind.get(`${API}/valuation/series`)).status).toBe(403);
    expect(
      (await blind.graphql('{ inventoryValuationSeries(days: 3) { value } }')).body.errors[0].extensions.code,
    ).toBe('FORBIDDEN');
  });
});
