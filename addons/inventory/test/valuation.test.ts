import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, layerHistoryMismatches, newProduct, setupOf } from './helpers.ts';

// The worked examples below were computed by hand; the comments show the arithmetic.

let env: TestEnv;
let fifo: TestTenant;
let avco: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
  fifo = await env.tenant('fifo', { enable: ['inventory'] });
  avco = await env.tenant('avco', { enable: ['inventory'] });
  expect((await avco.client.put('/api/v1/core/addons/inventory/settings', { valuation: 'avco' })).status).toBe(200);
});
afterAll(() => env?.close());

async function ops(t: TestTenant) {
  const at = await setupOf(t.client);
  const p = await newProduct(t);
  const receive = async (quantity: string, unitCost: string) => {
    const r = await t.client.post(`${API}/receipts`, { productId: p.id, quantity, unitCost });
    expect(r.status).toBe(201);
    return r.body.value as string;
  };
  const deliver = async (quantity: string) => {
    const r = await t.client.post(`${API}/moves`, {
      productId: p.id,
      quantity,
      fromLocationId: at.stock,
      toLocationId: at.loc('Partners/Customers'),
      state: 'done',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.value as string;
  };
  const valuation = async () => {
    const rows = (await t.client.get(`${API}/valuation?productId=${p.id}`)).body.data;
    return rows[0] ? `${rows[0].quantity} @ ${rows[0].value}` : 'none';
  };
  /** The report is the sum of the remaining layers, and the sum of the moves' values in minus out. */
  const consistent = async () => {
    const [layers] = await env.sql(
      `select coalesce(sum(remaining_value), 0)::numeric(18,4)::text as v from inventory_cost_layer where tenant_id = $1 and product_id = $2`,
      [t.id, p.id],
    );
    const [moves] = await env.sql(
      `select coalesce(sum(case when l.usage in ('internal', 'transit') then -m.value else m.value end), 0)::numeric(18,4)::text as v
         from inventory_move m join inventory_location l on l.tenant_id = m.tenant_id and l.id = m.from_id
        where m.tenant_id = $1 and m.product_id = $2 and m.state = 'done' and m.value is not null`,
      [t.id, p.id],
    );
    const report = (await t.client.get(`${API}/valuation?productId=${p.id}`)).body.data[0]?.value ?? '0.0000';
    expect(layers?.v).toBe(report);
    expect(moves?.v).toBe(report);
    // The layers' history adds up to them, and the report at a date after the last move is the same.
    expect(await layerHistoryMismatches(env, t.id)).toEqual([]);
    expect(
      (await t.client.get(`${API}/valuation?productId=${p.id}&at=2999-01-01`)).body.data[0]?.value ?? '0.0000',
    ).toBe(report);
  };
  return { p, at, receive, deliver, valuation, consistent };
}

describe('valuation', () => {
  it('valuation bookkeeping is not audited row by row (the moves it follows are), also in a database that had its triggers', async () => {
    const t = await env.tenant('audit-layers', { enable: ['inventory'] });
    const { receive, deliver } = await ops(t);
    await receive('4', '2.50');
    await deliver('1');
    const logged = (
      await env.sql<{ table_name: string }>('select distinct table_name from core_audit where tenant_id = $1', [t.id])
    ).map((r) => r.table_name);
    expect(logged).toContain('inventory_move');
    expect(logged).not.toContain('inventory_cost_layer');
    expect(logged).not.toContain('inventory_layer_entry');
    const audited = async () =>
      (
        await env.sql<{ t: string }>(
          `select distinct c.relname as t from pg_trigger g join pg_class c on c.oid = g.tgrelid
            where g.tgname like 'core\\_audit\\_%' and c.relname in ('inventory_cost_layer', 'inventory_layer_entry', 'inventory_move')
            order by 1`,
        )
      ).map((r) => r.t);
    expect(await audited()).toEqual(['inventory_move']);
    // A database migrated before the layers opted out has their triggers: the next migrate removes them.
    await env.sql(
      `create trigger core_audit_upd after update on inventory_cost_layer for each row when (old.* is distinct from new.*)
       execute function core_audit_update_row('id')`,
    );
    expect(await audited()).toEqual(['inventory_cost_layer', 'inventory_move']);
    await env.admin.migrate();
    expect(await audited()).toEqual(['inventory_move']);
  });

  it('FIFO: deliveries take the oldest layers first, at their own cost', async () => {
    const o = await ops(fifo);
    expect(await o.receive('10', '5.00')).toBe('50.0000'); // 10 × 5.00
    expect(await o.receive('10', '6.00')).toBe('60.0000'); // 10 × 6.00
    expect(await o.deliver('15')).toBe('80.0000'); // 10 × 5.00 + 5 × 6.00
    expect(await o.valuation()).toBe('5.0000 @ 30.0000'); // 5 × 6.00 left
    // A count that finds 2 fewer: the loss takes 2 × 6.00.
    const loss = await fifo.client.post(`${API}/adjustments`, {
      productId: o.p.id,
      locationId: o.at.stock,
      countedQuantity: '3',
    });
    expect(loss.body.value).toBe('12.0000');
    expect(await o.valuation()).toBe('3.0000 @ 18.0000');
    await o.consistent();
  });

  it('FIFO: a partly used layer is valued at its unit cost with six decimals', async () => {
    const o = await ops(fifo);
    await o.receive('3', '0.333333'); // 3 × 0.333333 = 0.999999 → 1.0000
    expect(await o.deliver('1')).toBe('0.3333'); // 1 × 0.333333
    expect(await o.deliver('2')).toBe('0.6667'); // what the layer still held: 1.0000 − 0.3333
    expect(await o.valuation()).toBe('0.0000 @ 0.0000');
    await o.consistent();
  });

  it('AVCO: deliveries are valued at the average cost of what is in stock', async () => {
    const o = await ops(avco);
    await o.receive('10', '5.00'); // 10 @ 50.00
    await o.receive('10', '6.00'); // 20 @ 110.00, average 5.50
    expect(await o.deliver('15')).toBe('82.5000'); // 15 × 5.50
    expect(await o.valuation()).toBe('5.0000 @ 27.5000'); // 110.00 − 82.50
    await o.receive('5', '8.00'); // 10 @ 67.50, average 6.75
    expect(await o.deliver('4')).toBe('27.0000'); // 4 × 6.75
    expect(await o.valuation()).toBe('6.0000 @ 40.5000'); // 67.50 − 27.00 = 6 × 6.75
    await o.consistent();
  });

  it('AVCO: rounding never loses a cent — the last unit out takes exactly what is left', async () => {
    const o = await ops(avco);
    await o.receive('1', '1.00');
    await o.receive('1', '1.00');
    await o.receive('1', '2.00'); // 3 @ 4.00, average 1.3333…
    expect(await o.deliver('1')).toBe('1.3333'); // 4.00 / 3, rounded
    expect(await o.valuation()).toBe('2.0000 @ 2.6667');
    expect(await o.deliver('2')).toBe('2.6667'); // all that is left
    expect(await o.valuation()).toBe('0.0000 @ 0.0000'); // 1.3333 + 2.6667 = 4.00 in
    await o.consistent();
  });

  it('receipts default to the product cost; internal moves and consumables carry no value', async () => {
    const at = await setupOf(fifo.client);
    const p = await newProduct(fifo, { cost: '2.50' });
    const r = await fifo.client.post(`${API}/receipts`, { productId: p.id, quantity: '4' });
    expect(r.body.value).toBe('10.0000'); // 4 × 2.50
    const shelf = (await fifo.client.post(`${API}/locations`, { name: `Shelf ${p.sku}`, parent: at.stock })).body.id;
    const inside = await fifo.client.post(`${API}/moves`, {
      productId: p.id,
      quantity: '1',
      fromLocationId: at.stock,
      toLocationId: shelf,
      state: 'done',
    });
    expect(inside.body.value).toBeNull();
    const c = await newProduct(fifo, { type: 'consumable' });
    expect(
      (await fifo.client.post(`${API}/receipts`, { productId: c.id, quantity: '4', unitCost: '1' })).body.value,
    ).toBeNull();
    const report = (await fifo.client.get(`${API}/valuation`)).body;
    expect(report.data.find((x: { productId: string }) => x.productId === p.id)).toMatchObject({
      quantity: '4.0000',
      value: '10.0000',
    });
    expect(report.data.find((x: { productId: string }) => x.productId === c.id)).toBeUndefined();
  });

  it('refuses a bad unit cost naming it; another company sees no valuation', async () => {
    const p = await newProduct(fifo);
    const bad = await fifo.client.post(`${API}/receipts`, { productId: p.id, quantity: '1', unitCost: '-1' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('unitCost');
    await fifo.client.post(`${API}/receipts`, { productId: p.id, quantity: '1', unitCost: '9' });
    const other = await env.tenant('other-val', { enable: ['inventory'] });
    expect((await other.client.get(`${API}/valuation`)).body).toEqual({
      at: null,
      data: [],
      total: '0.0000',
      totals: [],
      converted: {
        currency: 'USD',
        date: new Date().toISOString().slice(0, 10),
        total: '0.00',
        rates: [],
        missingRates: [],
      },
      warehouses: [],
      lines: [],
    });
    expect((await other.client.get(`${API}/valuation?productId=${p.id}`)).body.data).toEqual([]);
    expect((await other.client.get(`${API}/cost_layers?limit=200`)).status).toBe(404);
  });
});
