import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, newProduct, setupOf } from './helpers.ts';

const PATH = `${API}/products`;
let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
  acme = await env.tenant('acme', { enable: ['inventory'] });
});
afterAll(() => env?.close());

describe('products', () => {
  it('creates a product with exact prices, JSONB properties and the Units stock unit by default', async () => {
    const res = await acme.client.post(PATH, {
      sku: 'TSHIRT-M-RED',
      name: 'T-shirt M red',
      barcode: '4006381333931',
      type: 'stockable',
      cost: '4.1000',
      salePrice: '19.99',
      currency: 'EUR',
      properties: { size: 'M', colour: 'red' },
    });
    expect(res.status).toBe(201);
    const { uom } = await setupOf(acme.client);
    expect(res.body).toMatchObject({
      sku: 'TSHIRT-M-RED',
      cost: '4.1000',
      salePrice: '19.9900',
      currency: 'EUR',
      uom: uom('Units'),
      properties: { size: 'M', colour: 'red' },
      active: true,
    });
    const gql = await acme.client.graphql('{ inventoryProducts(q: "tshirt") { data { sku salePrice barcode } } }');
    expect(gql.body.data.inventoryProducts.data).toEqual([
      { sku: 'TSHIRT-M-RED', salePrice: '19.9900', barcode: '4006381333931' },
    ]);
  });

  it('refuses a second product with the same SKU with a 409 naming sku', async () => {
    await newProduct(acme, { sku: 'DUP-1' });
    const res = await acme.client.post(PATH, { sku: 'DUP-1', name: 'Again' });
    expect(res.status).toBe(409);
    expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(['sku']);
    // Another company may use the same SKU.
    const other = await env.tenant('dup-other', { enable: ['inventory'] });
    expect((await other.client.post(PATH, { sku: 'DUP-1', name: 'Theirs' })).status).toBe(201);
  });

  it('validates EAN-13 / UPC-A / EAN-8 check digits and accepts internal codes', async () => {
    for (const barcode of ['036000291452', '73513537', 'INT-0001']) {
      expect((await acme.client.post(PATH, { sku: `B-${barcode}`, name: 'x', barcode })).status).toBe(201);
    }
    const bad = await acme.client.post(PATH, { sku: 'B-BAD', name: 'x', barcode: '4006381333932' });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ path: 'barcode', message: 'has a wrong check digit for EAN13 (expected 1)' }]);
    const p = await newProduct(acme);
    const patched = await acme.client.patch(`${PATH}/${p.id}`, { barcode: '73513538' });
    expect(patched.status).toBe(400);
    const gql = await acme.client.graphql(
      'mutation { createInventoryProduct(input: { sku: "G-BAD", name: "x", barcode: "036000291453" }) { id } }',
    );
    expect(gql.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'barcode' }] });
  });

  it('refuses bad input with a 400 naming each field', async () => {
    const res = await acme.client.post(PATH, { name: '', type: 'gadget', cost: '1.2.3', currency: 'euro' });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'cost',
      'currency',
      'name',
      'sku',
      'type',
    ]);
  });

  it('keeps purchase and sale units of the stock unit’s kind', async () => {
    const { uom } = await setupOf(acme.client);
    const ok = await newProduct(acme, { purchaseUom: uom('Box of 12'), saleUom: uom('Dozen') });
    expect(ok).toMatchObject({ uom: uom('Units') });
    const bad = await acme.client.post(PATH, { sku: 'KG-MIX', name: 'x', uom: uom('kg'), saleUom: uom('Dozen') });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('saleUom');
  });

  it('deletes a product without history; archives one with stock instead', async () => {
    const fresh = await newProduct(acme);
    expect((await acme.client.delete(`${PATH}/${fresh.id}`)).status).toBe(204);
    expect((await acme.client.get(`${PATH}/${fresh.id}`)).status).toBe(404);

    const stocked = await newProduct(acme);
    expect((await acme.client.post(`${API}/receipts`, { productId: stocked.id, quantity: '3' })).status).toBe(201);
    expect((await acme.client.delete(`${PATH}/${stocked.id}`)).status).toBe(204);
    expect((await acme.client.get(`${PATH}/${stocked.id}`)).body).toMatchObject({ active: false });
    expect((await acme.client.get(`${PATH}?active=false`)).body.data.map((p: { id: string }) => p.id)).toContain(
      stocked.id,
    );
    const { uom } = await setupOf(acme.client);
    const uomChange = await acme.client.patch(`${PATH}/${stocked.id}`, { uom: uom('Dozen') });
    expect(uomChange.status).toBe(409);
  });

  it('a manager edits products but not costs; a member only reads', async () => {
    const manager = await acme.as('manager');
    const p = await newProduct({ client: manager });
    expect((await manager.patch(`${PATH}/${p.id}`, { name: 'Renamed' })).status).toBe(200);
    const cost = await manager.patch(`${PATH}/${p.id}`, { cost: '2.00' });
    expect(cost.status).toBe(403);
    expect(cost.body.details[0].path).toBe('cost');
    const member = await acme.as('member');
    expect((await member.get(`${PATH}/${p.id}`)).status).toBe(200);
    expect((await member.post(PATH, { sku: 'MEM', name: 'x' })).status).toBe(403);
  });

  it('another company sees none of the products, units, categories or locations', async () => {
    const mine = await newProduct(acme);
    const other = await env.tenant('other', { enable: ['inventory'] });
    expect((await other.client.get(`${PATH}/${mine.id}`)).status).toBe(404);
    expect((await other.client.patch(`${PATH}/${mine.id}`, { name: 'x' })).status).toBe(404);
    expect((await other.client.delete(`${PATH}/${mine.id}`)).status).toBe(404);
    const theirs = (await other.client.get(`${PATH}?limit=200`)).body.data.map((p: { id: string }) => p.id);
    expect(theirs).not.toContain(mine.id);
    const acmeLocs = await setupOf(acme.client);
    expect((await other.client.get(`${API}/locations/${acmeLocs.stock}`)).status).toBe(404);
    expect((await other.client.get(`${API}/uoms/${acmeLocs.uom('Units')}`)).status).toBe(404);
    // Pointing at another company's unit is refused.
    const cross = await other.client.post(PATH, { sku: 'CROSS', name: 'x', uom: acmeLocs.uom('Units') });
    expect(cross.status).toBeGreaterThanOrEqual(400);
    expect(cross.status).toBeLessThan(500);
  });

  it('seeds units, virtual locations and a first warehouse on enable, once', async () => {
    const t = await env.tenant('seeded', { enable: ['inventory'] });
    await env.admin.disableAddon(t.id, 'inventory');
    await env.admin.enableAddon(t.id, 'inventory');
    const locs = (await t.client.get(`${API}/locations?limit=200&sort=fullName`)).body.data;
    expect(locs.map((l: { fullName: string; usage: string }) => `${l.fullName}:${l.usage}`)).toEqual([
      'Partners:view',
      'Partners/Customers:customer',
      'Partners/Suppliers:supplier',
      'Virtual:view',
      'Virtual/Inventory adjustment:inventory',
      'Virtual/Transit:transit',
      'WH:view',
      'WH/Stock:internal',
    ]);
    const uoms = (await t.client.get(`${API}/uoms?limit=200`)).body.data;
    expect(uoms).toHaveLength(5);
  });

  it('every table is tenant-safe', async () => {
    expect(await env.admin.checkSchema()).toEqual([]);
  });

  it('GraphQL schema and OpenAPI fragment: changes show in review', async () => {
    await expect(env.graphqlSdl(['inventory'])).toMatchFileSnapshot('./__snapshots__/inventory.graphql');
    const doc = env.openapi(['inventory'], { only: 'inventory' });
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/inventory.openapi.json');
  });
});
