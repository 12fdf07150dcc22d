import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, newProduct, setupOf, withRole } from './helpers.ts';

// The dashboard widgets' data: products running low, stock value per currency.

let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
});
afterAll(() => env?.close());

let seq = 0;
const tenant = async () => {
  seq += 1;
  return env.tenant(`dash${seq}`, { enable: ['inventory'] });
};

describe('dashboard data', () => {
  it('low stock: below a rule’s min in its warehouse, or stocked once and at or below zero; most short first', async () => {
    acme = await tenant();
    const at = await setupOf(acme.client);
    const wh = (await acme.client.get(`${API}/warehouses`)).body.data[0] as { id: string; code: string };
    const receive = (productId: string, quantity: string) =>
      acme.client.post(`${API}/receipts`, { productId, quantity, locationId: at.stock });
    const ruled = await newProduct(acme, { sku: 'RULED', name: 'Ruled' });
    const plenty = await newProduct(acme, { sku: 'PLENTY', name: 'Plenty' });
    const gone = await newProduct(acme, { sku: 'GONE', name: 'Gone' });
    const reserved = await newProduct(acme, { sku: 'HELD', name: 'Held' });
    await newProduct(acme, { sku: 'NEVER', name: 'Never stocked' });
    await receive(ruled.id, '3');
    await receive(plenty.id, '50');
    await receive(gone.id, '2');
    await receive(reserved.id, '4');
    for (const [product, min] of [
      [ruled.id, '5'],
      [plenty.id, '10'],
    ]) {
      const r = await acme.client.post(`${API}/reorder-rules`, { product, warehouse: wh.id, min, max: '20' });
      expect(r.status).toBe(201);
    }
    // GONE delivered in full; HELD all reserved (forecast 0).
    await acme.client.post(`${API}/moves`, {
      productId: gone.id,
      quantity: '2',
      fromLocationId: at.stock,
      toLocationId: at.loc('Partners/Customers'),
      state: 'done',
    });
    expect((await acme.client.post(`${API}/reservations`, { productId: reserved.id, quantity: '4' })).status).toBe(201);
    const res = await acme.client.get(`${API}/dashboard/low-stock`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect(
      res.body.data.map((r: Record<string, unknown>) => [r.sku, r.forecast, r.min, r.warehouse, r.reason]),
    ).toEqual([
      ['RULED', '3.0000', '5.0000', wh.code, 'below_min'],
      ['GONE', '0.0000', null, null, 'none_left'],
      ['HELD', '0.0000', null, null, 'none_left'],
    ]);
    // A draft receipt brings RULED to 6: no longer below min.
    await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      state: 'draft',
      lines: [{ productId: ruled.id, quantity: '3', toLocationId: at.stock }],
    });
    const after = (await acme.client.get(`${API}/dashboard/low-stock?limit=1`)).body;
    expect(after).toMatchObject({ total: 2, data: [{ sku: 'GONE' }] });
    expect((await acme.client.get(`${API}/dashboard/low-stock?limit=0`)).body.details[0].path).toBe('limit');
  });

  it('stock value per currency, exact, never added across currencies: the widget, the report, its series, GraphQL', async () => {
    const t = await tenant();
    const usd = await newProduct(t, { currency: 'USD' });
    const eur = await newProduct(t, { currency: 'EUR' });
    const eur2 = await newProduct(t, { currency: 'EUR' });
    const receive = (productId: string, quantity: string, unitCost: string) =>
      t.client.post(`${API}/receipts`, { productId, quantity, unitCost });
    await receive(usd.id, '3', '0.333333');
    await receive(eur.id, '10', '5');
    await receive(eur2.id, '1', '0.25');
    const at = await setupOf(t.client);
    await t.client.post(`${API}/moves`, {
      productId: eur.id,
      quantity: '4',
      fromLocationId: at.stock,
      toLocationId: at.loc('Partners/Customers'),
      state: 'done',
    });
    const res = await t.client.get(`${API}/dashboard/stock-value`);
    expect(res.body).toEqual({
      data: [
        { currency: 'EUR', value: '30.2500', products: 2 },
        { currency: 'USD', value: '1.0000', products: 1 },
      ],
    });
    // The valuation report and its series say the same per currency; no total across them.
    const report = (await t.client.get(`${API}/valuation`)).body;
    expect(report.total).toBeNull();
    expect(report.totals).toEqual(res.body.data);
    expect(report.data.map((d: { currency: string }) => d.currency).sort()).toEqual(['EUR', 'EUR', 'USD']);
    const wh = (await t.client.get(`${API}/warehouses`)).body.data[0].code as string;
    expect(
      report.warehouses.map((w: { code: string; currency: string; value: string }) => [w.code, w.currency, w.value]),
    ).toEqual([
      [wh, 'EUR', '30.2500'],
      [wh, 'USD', '1.0000'],
    ]);
    const series = (await t.client.get(`${API}/valuation/series?days=2`)).body;
    expect(series).toMatchObject({ currency: 'USD', currencies: ['EUR', 'USD'] });
    expect(series.data[1].value).toBe('1.0000');
    const eurSeries = (await t.client.get(`${API}/valuation/series?days=2&currency=EUR`)).body;
    expect(eurSeries.data[1].value).toBe('30.2500');
    expect((await t.client.get(`${API}/valuation/series?currency=eur`)).body.details[0].path).toContain('currency');
    const g = await t.client.graphql(
      '{ inventoryValuation { total totals { currency value products } } inventoryValuationSeries(days: 1, currency: "EUR") { value } }',
    );
    expect(g.body.data).toEqual({
      inventoryValuation: { total: null, totals: res.body.data },
      inventoryValuationSeries: [{ value: '30.2500' }],
    });
    // One currency: the total is its sum.
    const one = (await t.client.get(`${API}/valuation?productId=${usd.id}`)).body;
    expect(one).toMatchObject({ total: '1.0000', totals: [{ currency: 'USD', value: '1.0000', products: 1 }] });
    const empty = await tenant();
    expect((await empty.client.get(`${API}/dashboard/stock-value`)).body).toEqual({ data: [] });
    expect((await empty.client.get(`${API}/dashboard/low-stock`)).body).toEqual({ data: [], total: 0 });
  });

  it("the report's total in the company currency: each currency at its dated rate, rounded once; null while a rate is missing", async () => {
    const t = await tenant();
    const usd = await newProduct(t, { currency: 'USD' });
    const eur = await newProduct(t, { currency: 'EUR' });
    await t.client.post(`${API}/receipts`, { productId: usd.id, quantity: '2', unitCost: '10' });
    await t.client.post(`${API}/receipts`, { productId: eur.id, quantity: '3', unitCost: '3.3333' });
    const today = new Date().toISOString().slice(0, 10);
    // 20.0000 USD and 9.9999 EUR; no EUR → USD rate yet.
    const before = (await t.client.get(`${API}/valuation`)).body;
    expect(before.converted).toEqual({ currency: 'USD', date: today, total: null, rates: [], missingRates: ['EUR'] });
    const rate = await t.client.post('/api/v1/core/exchange-rates', {
      from: 'EUR',
      to: 'USD',
      rate: '1.0825',
      validOn: '2020-01-01',
    });
    expect(rate.status).toBe(201);
    // 20 + 9.9999 × 1.0825 = 20 + 10.82489175 = 30.82489175 → 30.82 (rounding 9.9999 EUR to 10.00
    // first would give 10.83 and 30.83).
    const report = (await t.client.get(`${API}/valuation`)).body;
    expect(report.total).toBeNull();
    expect(report.converted).toEqual({
      currency: 'USD',
      date: today,
      total: '30.82',
      rates: [{ currency: 'EUR', rate: '1.0825', validOn: '2020-01-01' }],
      missingRates: [],
    });
    // At a past date (its end) the rates of that day: before the receipts there is nothing to convert.
    const past = (await t.client.get(`${API}/valuation?at=2021-06-30`)).body;
    expect(past.converted).toEqual({ currency: 'USD', date: '2021-06-30', total: '0.00', rates: [], missingRates: [] });
    const g = await t.client.graphql(
      '{ inventoryValuation { converted { currency date total rates { currency rate validOn } missingRates } } }',
    );
    expect(g.body.data.inventoryValuation.converted).toEqual(report.converted);
  });

  it('another company’s stock is not in either; a role without inventory read gets 403', async () => {
    const mine = await tenant();
    const theirs = await tenant();
    const p = await newProduct(mine, { sku: 'MINE' });
    await mine.client.post(`${API}/receipts`, { productId: p.id, quantity: '2', unitCost: '7' });
    const at = await setupOf(mine.client);
    await mine.client.post(`${API}/adjustments`, { productId: p.id, locationId: at.stock, countedQuantity: '0' });
    expect((await mine.client.get(`${API}/dashboard/low-stock`)).body.total).toBe(1);
    expect((await theirs.client.get(`${API}/dashboard/low-stock`)).body).toEqual({ data: [], total: 0 });
    expect((await theirs.client.get(`${API}/dashboard/stock-value`)).body).toEqual({ data: [] });
    const crmOnly = await withRole(mine, 'noinventory', ['core.audit.read']);
    expect((await crmOnly.get(`${API}/dashboard/low-stock`)).status).toBe(403);
    expect((await crmOnly.get(`${API}/dashboard/stock-value`)).status).toBe(403);
    const stockOnly = await withRole(mine, 'stockreader', ['inventory.move.read']);
    expect((await stockOnly.get(`${API}/dashboard/stock-value`)).status).toBe(200);
    expect((await stockOnly.get(`${API}/dashboard/low-stock`)).status).toBe(403);
  });
});
