import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, newProduct } from './helpers.ts';

// "Any addon": inventory's product opts in with `customFields: true` and is offered by the SDK's
// resource layer, which reads, writes, filters and sorts custom fields with no inventory code.
let env: TestEnv;
const F = '/api/v1/core/custom-fields';
const V = '/api/v1/core/views';

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

/** A member of `t` whose only role is a new one holding `permissions`. */
async function withRole(t: TestTenant, key: string, permissions: string[]): Promise<ApiClient> {
  expect((await t.client.post('/api/v1/core/roles', { name: key, key, permissions })).status).toBe(201);
  const email = `${key}@${t.slug}.test`;
  const client = await t.as('member', email);
  const users = (await t.client.get('/api/v1/core/users?limit=200')).body.data as { id: string; email: string }[];
  const id = users.find((u) => u.email === email)?.id;
  expect((await t.client.put(`/api/v1/core/users/${id}/roles`, { roles: [key] })).status).toBe(200);
  return client;
}

describe('custom fields on products: roles, and saved views of the products list', () => {
  it('a field limited to managers is hidden from members (get, list, GraphQL, filter, sort); a member cannot write it', async () => {
    const t = await env.tenant('inv-cf-roles', { enable: ['inventory'] });
    await t.client.post(F, {
      model: 'inventory.product',
      key: 'margin',
      label: 'Margin',
      type: 'number',
      visibleTo: ['manager'],
    });
    await t.client.post(F, { model: 'inventory.product', key: 'aisle', label: 'Aisle', type: 'text' });
    const manager = await t.as('manager');
    const member = await t.as('member');
    const made = await manager.post(`${API}/products`, {
      sku: 'R-1',
      name: 'Ranged',
      custom: { margin: '22', aisle: 'B4' },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.custom).toEqual({ margin: '22', aisle: 'B4' });

    expect((await member.get(`${API}/products/${made.body.id}`)).body.custom).toEqual({ aisle: 'B4' });
    expect((await member.get(`${API}/products?fields=id,custom`)).body.data).toEqual([
      { id: made.body.id, custom: { aisle: 'B4' } },
    ]);
    const g = await member.graphql('{ inventoryProducts(limit: 5) { data { custom } } }');
    expect(g.body.data.inventoryProducts.data).toEqual([{ custom: { aisle: 'B4' } }]);
    expect((await member.get(`${F}?model=inventory.product`)).body.data.map((d: { key: string }) => d.key)).toEqual([
      'aisle',
    ]);
    expect((await member.get(`${API}/products?custom.margin.gte=1`)).status).toBe(422);
    expect((await member.get(`${API}/products?sort=custom.margin`)).status).toBe(422);
    expect((await manager.get(`${API}/products/${made.body.id}`)).body.custom).toEqual({ margin: '22', aisle: 'B4' });
    // A clerk may change products but does not hold the manager role: the field is not there to write.
    const clerk = await withRole(t, 'clerk', ['inventory.product.read', 'inventory.product.write']);
    const w = await clerk.patch(`${API}/products/${made.body.id}`, { custom: { margin: '0' } });
    expect(w.status).toBe(422);
    expect(w.body.details[0].path).toBe('custom.margin');
    expect((await clerk.patch(`${API}/products/${made.body.id}`, { custom: { aisle: 'C1' } })).status).toBe(200);
    expect((await manager.get(`${API}/products/${made.body.id}`)).body.custom).toEqual({ margin: '22', aisle: 'C1' });
  });

  it('a view of inventory.products filters and sorts by a custom field and is counted; other tenants and readers without products get none', async () => {
    const t = await env.tenant('inv-cf-views', { enable: ['inventory'] });
    await t.client.post(F, {
      model: 'inventory.product',
      key: 'shelf_life',
      label: 'Shelf life',
      type: 'number',
      filterable: true,
    });
    await newProduct(t, { custom: { shelf_life: '5' } });
    await newProduct(t, { custom: { shelf_life: '400' } });
    await newProduct(t, { type: 'service' });
    const made = await t.client.post(V, {
      list: 'inventory.products',
      name: 'Long shelf life',
      filters: { 'custom.shelf_life.gte': '100', active: 'true' },
      columns: [{ field: 'sku' }, { field: 'custom.shelf_life', width: 120 }],
      sort: '-custom.shelf_life',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await t.client.get(`${V}/${made.body.id}?counts=true`)).body.count).toBe(1);
    const services = await t.client.post(V, {
      list: 'inventory.products',
      name: 'Services',
      filters: { type: 'service' },
      sort: 'name',
    });
    expect((await t.client.get(`${V}/${services.body.id}?counts=true`)).body.count).toBe(1);
    const bad = await t.client.post(V, { list: 'inventory.products', name: 'Bad', filters: { type: 'gadget' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('filters.type');
    const badSort = await t.client.post(V, { list: 'inventory.products', name: 'Bad sort', sort: 'barcode' });
    expect(badSort.status).toBe(400);
    expect(badSort.body.details[0].path).toBe('sort');
    expect((await t.client.get(`${V}/lists`)).body.data.map((l: { id: string }) => l.id)).toContain(
      'inventory.products',
    );

    const other = await env.tenant('inv-cf-views-b', { enable: ['inventory'] });
    expect((await other.client.get(`${V}/${made.body.id}`)).status).toBe(404);
    expect((await other.client.get(`${V}?list=inventory.products`)).body.data).toEqual([]);
    const outsider = await withRole(t, 'nostock', ['core.views.share']);
    expect((await outsider.get(`${V}?list=inventory.products`)).status).toBe(403);
  });
});
