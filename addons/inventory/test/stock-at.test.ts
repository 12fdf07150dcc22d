import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, newProduct, setupOf, withRole } from './helpers.ts';

// Stock at a past moment, derived from the done moves. Each figure below is counted by hand from
// the moves listed before it.

let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
  acme = await env.tenant('stockat', { enable: ['inventory'] });
});
afterAll(() => env?.close());

type Row = { location?: string; warehouse?: string | null; onHand: string };
const STOCK_AT = `query($at: String, $productId: ID, $warehouseId: ID) {
  inventoryStockAt(at: $at, productId: $productId, warehouseId: $warehouseId) {
    at locations { location onHand } warehouses { warehouse onHand } } }`;

describe('stock at a past date', () => {
  it('answers on hand per location and per warehouse as of each move, as counted by hand', async () => {
    const at = await setupOf(acme.client);
    const wh2 = (await acme.client.post(`${API}/warehouses`, { code: 'W2', name: 'Second' })).body;
    const shelf = (await acme.client.post(`${API}/locations`, { name: 'Shelf', parent: at.stock })).body.id;
    const p = await newProduct(acme);
    const done = async (path: string, body: Record<string, unknown>) => {
      const r = await acme.client.post(`${API}${path}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.doneAt as string;
    };
    const move = (quantity: string, fromLocationId: string, toLocationId: string) =>
      done('/moves', { productId: p.id, quantity, fromLocationId, toLocationId, state: 'done' });
    const t1 = await done('/receipts', { productId: p.id, quantity: '10' }); // WH/Stock 10
    const t2 = await move('3', at.stock, shelf); // WH/Stock 7, Shelf 3
    // A draft and a cancelled move change nothing, whenever they are looked at.
    await acme.client.post(`${API}/moves`, {
      productId: p.id,
      quantity: '1',
      fromLocationId: at.stock,
      toLocationId: shelf,
    });
    const t3 = await move('4', at.stock, at.loc('Partners/Customers')); // WH/Stock 3
    const t4 = await done('/receipts', { productId: p.id, quantity: '5', locationId: wh2.stockLocation }); // W2/Stock 5
    const t5 = await move('2', shelf, wh2.stockLocation); // Shelf 1, W2/Stock 7

    const rest = async (query: string) => {
      const r = await acme.client.get(`${API}/stock-at?productId=${p.id}${query}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return {
        at: r.body.at as string,
        locations: r.body.locations.map((l: Row) => `${l.location}=${l.onHand}`),
        warehouses: r.body.warehouses.map((l: Row) => `${l.warehouse}=${l.onHand}`),
      };
    };
    expect(await rest('&at=2000-01-01')).toEqual({ at: '2000-01-01T23:59:59.999Z', locations: [], warehouses: [] });
    expect(await rest(`&at=${t1}`)).toMatchObject({
      at: t1,
      locations: ['WH/Stock=10.0000'],
      warehouses: ['WH=10.0000'],
    });
    expect(await rest(`&at=${t2}`)).toMatchObject({
      locations: ['WH/Stock=7.0000', 'WH/Stock/Shelf=3.0000'],
      warehouses: ['WH=10.0000'],
    });
    expect(await rest(`&at=${t3}`)).toMatchObject({
      locations: ['WH/Stock=3.0000', 'WH/Stock/Shelf=3.0000'],
      warehouses: ['WH=6.0000'],
    });
    expect(await rest(`&at=${t4}`)).toMatchObject({
      locations: ['W2/Stock=5.0000', 'WH/Stock=3.0000', 'WH/Stock/Shelf=3.0000'],
      warehouses: ['W2=5.0000', 'WH=6.0000'],
    });
    const last = {
      locations: ['W2/Stock=7.0000', 'WH/Stock=3.0000', 'WH/Stock/Shelf=1.0000'],
      warehouses: ['W2=7.0000', 'WH=4.0000'],
    };
    expect(await rest(`&at=${t5}`)).toMatchObject(last);
    // Now (no `at`) and the whole day of the last move are the same, and agree with the quants.
    expect(await rest('')).toMatchObject(last);
    expect(await rest(`&at=${t5.slice(0, 10)}`)).toMatchObject(last);
    const quants = (await acme.client.get(`${API}/products/${p.id}/stock`)).body.data;
    expect(quants.map((l: Row) => `${l.location}=${l.onHand}`)).toEqual(last.locations);
    // The day before the first move: nothing.
    const dayBefore = new Date(Date.parse(t1.slice(0, 10)) - 86_400_000).toISOString().slice(0, 10);
    expect(await rest(`&at=${dayBefore}`)).toMatchObject({ locations: [], warehouses: [] });
    // Filters: a warehouse; a location with its sub-locations.
    expect(await rest(`&at=${t4}&warehouseId=${wh2.id}`)).toMatchObject({ locations: ['W2/Stock=5.0000'] });
    expect(await rest(`&at=${t2}&locationId=${at.stock}`)).toMatchObject({
      locations: ['WH/Stock=7.0000', 'WH/Stock/Shelf=3.0000'],
    });
    expect(await rest(`&at=${t2}&locationId=${shelf}`)).toMatchObject({ locations: ['WH/Stock/Shelf=3.0000'] });

    // GraphQL gives the same figures.
    const g = await acme.client.graphql(STOCK_AT, { at: t3, productId: p.id });
    expect(g.body.errors).toBeUndefined();
    expect(g.body.data.inventoryStockAt.locations.map((l: Row) => `${l.location}=${l.onHand}`)).toEqual([
      'WH/Stock=3.0000',
      'WH/Stock/Shelf=3.0000',
    ]);
    expect(g.body.data.inventoryStockAt.warehouses).toEqual([{ warehouse: 'WH', onHand: '6.0000' }]);
  });

  it('refuses a bad date naming at, on REST and GraphQL', async () => {
    for (const bad of ['yesterday', '2026-02-30', '2026-13-01', '2026-12-01T25:00:00Z', '12/01/2026']) {
      const r = await acme.client.get(`${API}/stock-at?at=${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(400);
      expect(r.body.details[0].path).toBe('at');
      const g = await acme.client.graphql(STOCK_AT, { at: bad });
      expect(g.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
      expect(g.body.errors[0].extensions.details[0].path).toBe('at');
    }
    const r = await acme.client.get(`${API}/stock-at?productId=nope`);
    expect(r.status).toBe(400);
    expect(r.body.details[0].path).toContain('productId');
  });

  it('shows another company nothing, and needs inventory.move.read', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '2' });
    const other = await env.tenant('stockat-other', { enable: ['inventory'] });
    expect((await other.client.get(`${API}/stock-at`)).body).toMatchObject({ locations: [], warehouses: [] });
    expect((await other.client.get(`${API}/stock-at?productId=${p.id}`)).body.locations).toEqual([]);
    const g = await other.client.graphql(STOCK_AT, { productId: p.id });
    expect(g.body.data.inventoryStockAt.locations).toEqual([]);
    const blind = await withRole(acme, 'stockblind', ['inventory.product.read']);
    expect((await blind.get(`${API}/stock-at`)).status).toBe(403);
    expect((await blind.graphql(STOCK_AT, {})).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});
