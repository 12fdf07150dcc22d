import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, newProduct, setupOf, withRole } from './helpers.ts';

// The valuation per warehouse and at past dates. Worked examples computed by hand: the comments
// show the arithmetic. A warehouse's share of a product's value is the product's value × what the
// warehouse holds ÷ what all stocked locations hold; the last warehouse (by code) takes the
// rounding. At any date the report equals the sum of the layers' remaining value as of that date.

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
  const p = await newProduct(t);
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
      post('/moves', { quantity, fromLocationId: wh[from]?.stock, toLocationId: wh[to]?.stock, state: 'done' }),
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
      ),
    };
  };
  /** Each layer's remaining quantity and value as of `when`, oldest first, from its history. */
  const layersAt = async (when: string) => {
    const rows = await env.sql(
      `select sum(e.quantity)::numeric(18,4)::text as q, sum(e.value)::numeric(18,4)::text as v
         from inventory_cost_layer l join inventory_layer_entry e on e.tenant_id = l.tenant_id and e.layer_id = l.id
        where l.tenant_id = $1 and l.product_id = $2 and e.at < $3
        group by l.id, l.created_at order by l.created_at`,
      [t.id, p.id, after(when)],
    );
    return rows.map((r) => `${r.q} @ ${r.v}`);
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
  return { t, p, wh, ops, report, layersAt, historyMatches };
}

describe('valuation per warehouse and at a past date', () => {
  it('FIFO: two warehouses, a transfer, a delivery and a loss, each date as computed by hand', async () => {
    const w = await world('valhist-fifo', 'fifo', ['W2']);
    const fifo = w.t;
    const t1 = await w.ops.receive('WH', '10', '5.00'); // layer A: 10 × 5.00 = 50.00, in WH
    const t2 = await w.ops.receive('W2', '10', '6.00'); // layer B: 10 × 6.00 = 60.00, in W2
    const t3 = await w.ops.transfer('W2', 'WH', '4'); // no value; WH 14, W2 6
    const t4 = await w.ops.deliver('WH', '12'); // FIFO: 10 × 5.00 + 2 × 6.00 = 62.00
    expect(t4.value).toBe('62.0000');
    const t5 = await w.ops.count('W2', '5'); // loss of 1 from B: 1 × 6.00 = 6.00
    expect(t5.value).toBe('6.0000');

    expect(await w.report('2000-01-01')).toEqual({ total: '0.0000', lines: [] });
    // t1: 50.00, all in WH.
    expect(await w.report(t1.at)).toEqual({ total: '50.0000', lines: ['WH 10.0000 @ 50.0000'] });
    expect(await w.layersAt(t1.at)).toEqual(['10.0000 @ 50.0000']);
    // t2: 110.00 over 20 units (average 5.50): W2 10 × 5.50 = 55.00, WH the rest 55.00.
    expect(await w.report(t2.at)).toEqual({
      total: '110.0000',
      lines: ['W2 10.0000 @ 55.0000', 'WH 10.0000 @ 55.0000'],
    });
    expect(await w.layersAt(t2.at)).toEqual(['10.0000 @ 50.0000', '10.0000 @ 60.0000']);
    // t3: the same 110.00, now W2 6 → 110 × 6 / 20 = 33.00, WH 14 → 77.00.
    expect(await w.report(t3.at)).toEqual({
      total: '110.0000',
      lines: ['W2 6.0000 @ 33.0000', 'WH 14.0000 @ 77.0000'],
    });
    // t4: 110.00 − 62.00 = 48.00 in B (8 × 6.00); W2 6 → 48 × 6 / 8 = 36.00, WH 2 → 12.00.
    expect(await w.report(t4.at)).toEqual({ total: '48.0000', lines: ['W2 6.0000 @ 36.0000', 'WH 2.0000 @ 12.0000'] });
    expect(await w.layersAt(t4.at)).toEqual(['0.0000 @ 0.0000', '8.0000 @ 48.0000']);
    // t5: 48.00 − 6.00 = 42.00 (B 7 × 6.00); W2 5 → 42 × 5 / 7 = 30.00, WH 2 → 12.00.
    const last = { total: '42.0000', lines: ['W2 5.0000 @ 30.0000', 'WH 2.0000 @ 12.0000'] };
    expect(await w.report(t5.at)).toEqual(last);
    expect(await w.layersAt(t5.at)).toEqual(['0.0000 @ 0.0000', '7.0000 @ 42.0000']);
    // Now (from the layers themselves) is the same as the last date (from their history).
    expect(await w.report()).toEqual(last);
    await w.historyMatches();

    // One warehouse: its share per product, and its total.
    const one = await fifo.client.get(`${API}/valuation?productId=${w.p.id}&at=${t4.at}&warehouseId=${w.wh.W2?.id}`);
    expect(one.body).toMatchObject({
      total: '36.0000',
      data: [{ productId: w.p.id, quantity: '6.0000', value: '36.0000' }],
      warehouses: [{ code: 'W2', name: 'Warehouse W2', value: '36.0000' }],
    });
    // GraphQL: the same report.
    const g = await fifo.client.graphql(
      `query($at: String, $p: ID) { inventoryValuation(at: $at, productId: $p) {
         total data { quantity value } warehouses { code value } lines { code quantity value } } }`,
      { at: t3.at, p: w.p.id },
    );
    expect(g.body.errors).toBeUndefined();
    expect(g.body.data.inventoryValuation).toEqual({
      total: '110.0000',
      data: [{ quantity: '20.0000', value: '110.0000' }],
      warehouses: [
        { code: 'W2', value: '33.0000' },
        { code: 'WH', value: '77.0000' },
      ],
      lines: [
        { code: 'W2', quantity: '6.0000', value: '33.0000' },
        { code: 'WH', quantity: '14.0000', value: '77.0000' },
      ],
    });
  });

  it('AVCO: what stays is revalued at each delivery, and the history follows it', async () => {
    const w = await world('valhist-avco', 'avco', ['W2', 'W3']);
    const t1 = await w.ops.receive('WH', '10', '5.00'); // A 10 @ 50.00
    const t2 = await w.ops.receive('W2', '10', '6.00'); // B 10 @ 60.00: 20 @ 110.00, average 5.50
    const t3 = await w.ops.deliver('WH', '8'); // 8 × 5.50 = 44.00 → 12 @ 66.00
    expect(t3.value).toBe('44.0000');
    // The layers that stay share 66.00 by quantity: A 2 → 66 × 2 / 12 = 11.00, B 10 → 55.00.
    expect(await w.layersAt(t3.at)).toEqual(['2.0000 @ 11.0000', '10.0000 @ 55.0000']);
    const t4 = await w.ops.receive('W3', '3', '8.00'); // C 3 @ 24.00: 15 @ 90.00, average 6.00
    const t5 = await w.ops.deliver('W3', '1'); // 1 × 6.00 = 6.00 → 14 @ 84.00
    expect(t5.value).toBe('6.0000');
    // The oldest layer gives the unit (A 1 left), then 84.00 is spread: A 1 → 6.00, B 10 → 60.00, C the rest 18.00.
    expect(await w.layersAt(t5.at)).toEqual(['1.0000 @ 6.0000', '10.0000 @ 60.0000', '3.0000 @ 18.0000']);

    expect(await w.report(t1.at)).toEqual({ total: '50.0000', lines: ['WH 10.0000 @ 50.0000'] });
    // t2: W2 10 × 110 / 20 = 55.00, WH 55.00.
    expect(await w.report(t2.at)).toEqual({
      total: '110.0000',
      lines: ['W2 10.0000 @ 55.0000', 'WH 10.0000 @ 55.0000'],
    });
    // t3: 66.00; W2 10 → 66 × 10 / 12 = 55.00, WH 2 → 11.00.
    expect(await w.report(t3.at)).toEqual({ total: '66.0000', lines: ['W2 10.0000 @ 55.0000', 'WH 2.0000 @ 11.0000'] });
    // t4: 90.00 over 15; W2 10 → 60.00, W3 3 → 18.00, WH 2 → 12.00.
    expect(await w.report(t4.at)).toEqual({
      total: '90.0000',
      lines: ['W2 10.0000 @ 60.0000', 'W3 3.0000 @ 18.0000', 'WH 2.0000 @ 12.0000'],
    });
    // t5: 84.00 over 14; W2 10 → 60.00, W3 2 → 12.00, WH 2 → 12.00.
    const last = { total: '84.0000', lines: ['W2 10.0000 @ 60.0000', 'W3 2.0000 @ 12.0000', 'WH 2.0000 @ 12.0000'] };
    expect(await w.report(t5.at)).toEqual(last);
    expect(await w.report()).toEqual(last);
    await w.historyMatches();
  });

  it('AVCO: a value that does not divide evenly over the warehouses loses nothing', async () => {
    const w = await world('valhist-round', 'avco', ['W2', 'W3']);
    await w.ops.receive('WH', '1', '1.00');
    await w.ops.receive('W2', '1', '1.00');
    const t = await w.ops.receive('W3', '1', '2.00'); // 3 @ 4.00
    // W2 4 × 1 / 3 = 1.3333, W3 1.3333, WH (last) 4.00 − 2.6666 = 1.3334.
    const expected = { total: '4.0000', lines: ['W2 1.0000 @ 1.3333', 'W3 1.0000 @ 1.3333', 'WH 1.0000 @ 1.3334'] };
    expect(await w.report(t.at)).toEqual(expected);
    expect(await w.report()).toEqual(expected);
  });

  it('gives a daily series of the stock value, refuses bad input, isolates companies, needs move.read', async () => {
    const w = await world('valhist-series', 'fifo', []);
    const fifo = w.t;
    await w.ops.receive('WH', '2', '3.50'); // 7.00 more today
    const series = (await fifo.client.get(`${API}/valuation/series?days=7`)).body;
    expect(series.data).toHaveLength(7);
    const today = series.data[6];
    // Today's point is the whole stock value now.
    expect(today).toEqual({
      date: new Date().toISOString().slice(0, 10),
      value: (await fifo.client.get(`${API}/valuation`)).body.total,
    });
    expect((await fifo.client.get(`${API}/valuation/series?days=0`)).status).toBe(400);
    const bad = await fifo.client.get(`${API}/valuation?at=2026-02-30`);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('at');
    const g = await fifo.client.graphql('{ inventoryValuation(at: "soon") { total } }');
    expect(g.body.errors[0].extensions.details[0].path).toBe('at');

    const other = await env.tenant('valhist-other', { enable: ['inventory'] });
    expect((await other.client.get(`${API}/valuation?at=2999-01-01`)).body).toMatchObject({
      total: '0.0000',
      data: [],
    });
    expect(
      (await other.client.get(`${API}/valuation/series?days=3`)).body.data.map((d: { value: string }) => d.value),
    ).toEqual(['0.0000', '0.0000', '0.0000']);
    const blind = await withRole(fifo, 'valblind', ['inventory.product.read']);
    expect((await blind.get(`${API}/valuation?at=2026-01-01`)).status).toBe(403);
    expect((await blind.get(`${API}/valuation/series`)).status).toBe(403);
    expect(
      (await blind.graphql('{ inventoryValuationSeries(days: 3) { value } }')).body.errors[0].extensions.code,
    ).toBe('FORBIDDEN');
  });
});
