import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, newProduct } from './helpers.ts';

// "Any addon": inventory's product opts in with `customFields: true` and is offered by the SDK's
// resource layer, which reads, writes, filters and sorts custom fields with no inventory code.
let env: TestEnv;
const F = '/api/v1/core/custom-fields';

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
});
afterAll(() => env?.close());

describe('custom fields on products (resource layer)', () => {
  it('writes, validates, reads, filters and sorts them on REST and GraphQL; other tenants see nothing', async () => {
    const t = await env.tenant('inv-cf', { enable: ['inventory'] });
    const def = await t.client.post(F, {
      model: 'inventory.product',
      key: 'shelf_life',
      label: 'Shelf life (days)',
      type: 'number',
    });
    expect(def.status, JSON.stringify(def.body)).toBe(201);
    await t.client.post(F, {
      model: 'inventory.product',
      key: 'hazmat',
      label: 'Hazmat',
      type: 'checkbox',
      defaultValue: false,
    });
    const milk = await newProduct(t, { custom: { shelf_life: '10' } });
    const honey = await newProduct(t, { custom: { shelf_life: '700', hazmat: false } });
    await newProduct(t);
    const got = await t.client.get(`${API}/products/${milk.id}`);
    expect(got.body.custom).toEqual({ shelf_life: '10', hazmat: false });
    const bad = await t.client.post(`${API}/products`, { sku: 'BAD-1', name: 'Bad', custom: { shelf_life: 'long' } });
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].path).toBe('custom.shelf_life');
    const patched = await t.client.patch(`${API}/products/${honey.id}`, { custom: { hazmat: true } });
    expect(patched.body.custom).toEqual({ shelf_life: '700', hazmat: true });

    const list = await t.client.get(`${API}/products?custom.shelf_life.gte=100`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([honey.id]);
    const sorted = await t.client.get(`${API}/products?sort=custom.shelf_life&order=desc&fields=id,custom`);
    expect(sorted.body.data.slice(0, 2).map((p: { id: string }) => p.id)).toEqual([honey.id, milk.id]);
    expect(sorted.body.data[0]).toEqual({ id: honey.id, custom: { shelf_life: '700', hazmat: true } });
    expect((await t.client.get(`${API}/products?custom.nope=1`)).status).toBe(422);

    const g = await t.client.graphql(`{ inventoryProducts(limit: 10) { data { id custom } } }`);
    expect(g.body.errors).toBeUndefined();
    const byId = new Map(
      g.body.data.inventoryProducts.data.map((p: { id: string; custom: unknown }) => [p.id, p.custom]),
    );
    expect(byId.get(milk.id)).toEqual({ shelf_life: '10', hazmat: false });
    const gm = await t.client.graphql(
      `mutation($id: ID!) { updateInventoryProduct(id: $id, input: { custom: { shelf_life: "x" } }) { id } }`,
      { id: milk.id },
    );
    expect(gm.body.errors[0].extensions).toMatchObject({ code: 'CUSTOM_FIELD_INVALID', status: 422 });

    const other = await env.tenant('inv-cf-other', { enable: ['inventory'] });
    expect((await other.client.get(`${F}?model=inventory.product`)).body.data).toEqual([]);
    expect((await other.client.get(`${API}/products?custom.shelf_life.gte=1`)).status).toBe(422);
  });
});
