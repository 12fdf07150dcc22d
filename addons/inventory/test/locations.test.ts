import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, newProduct, quantMismatches, setupOf, withRole } from './helpers.ts';

// Warehouses and their location trees: create, rename, move, archive (refused while stock is
// there), the tree with its on-hand totals, isolation and permissions.

let env: TestEnv;
let acme: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
  acme = await env.tenant('acme', { enable: ['inventory'] });
  other = await env.tenant('other', { enable: ['inventory'] });
});
afterAll(() => env?.close());

type Node = { id: string; fullName: string; depth: number; onHand: string; totalOnHand: string; products: number };
let seq = 0;
async function warehouse(t: TestTenant = acme) {
  seq += 1;
  const code = `W${seq}${Date.now() % 10000}`.slice(0, 10);
  const res = await t.client.post(`${API}/warehouses`, { code, name: `Warehouse ${seq}` });
  expect(res.status).toBe(201);
  return res.body as { id: string; code: string; viewLocation: string; stockLocation: string };
}
const tree = async (id: string, t: TestTenant = acme) =>
  (await t.client.get(`${API}/warehouses/${id}/locations`)).body.data as Node[];
const add = async (name: string, parent: string) => {
  const res = await acme.client.post(`${API}/locations`, { name, parent });
  expect(res.status).toBe(201);
  return res.body as { id: string; fullName: string };
};

describe('warehouses and locations', () => {
  it('a new warehouse comes with its view and Stock locations; its code is checked', async () => {
    const wh = await warehouse();
    expect((await tree(wh.id)).map((n) => [n.fullName, n.depth])).toEqual([
      [wh.code, 0],
      [`${wh.code}/Stock`, 1],
    ]);
    const twice = await acme.client.post(`${API}/warehouses`, { code: wh.code, name: 'Again' });
    expect(twice.status).toBe(409);
    expect(twice.body.details[0].path).toBe('code');
    // A code is a location's name too: Partners is taken by the seeded view.
    expect((await acme.client.post(`${API}/warehouses`, { code: 'Partners', name: 'x' })).status).toBe(409);
    const slash = await acme.client.post(`${API}/warehouses`, { code: 'A/B', name: 'x' });
    expect(slash.status).toBe(400);
    expect(slash.body.details[0].path).toBe('code');
  });

  it('renames and moves a location with its subtree; sums on hand per location and under it', async () => {
    const wh = await warehouse();
    const stock = `${wh.code}/Stock`;
    const a = await add('Shelf A', wh.stockLocation);
    const bin = await add('Bin 1', a.id);
    const b = await add('Shelf B', wh.stockLocation);
    const p = await newProduct(acme);
    const q = await newProduct(acme);
    for (const [productId, quantity, locationId] of [
      [p.id, '4', wh.stockLocation],
      [p.id, '6', bin.id],
      [q.id, '2.5', bin.id],
      [q.id, '1', a.id],
    ]) {
      expect((await acme.client.post(`${API}/receipts`, { productId, quantity, locationId })).status).toBe(201);
    }
    const totals = (ns: Node[]) => ns.map((n) => `${n.fullName} ${n.onHand} ${n.totalOnHand} ${n.products}`);
    expect(totals(await tree(wh.id))).toEqual([
      `${wh.code} 0.0000 13.5000 2`,
      `${stock} 4.0000 13.5000 2`,
      `${stock}/Shelf A 1.0000 9.5000 2`,
      `${stock}/Shelf A/Bin 1 8.5000 8.5000 2`,
      `${stock}/Shelf B 0.0000 0.0000 0`,
    ]);
    // Rename: the subtree's full names follow.
    const renamed = await acme.client.patch(`${API}/locations/${a.id}`, { name: 'Aisle 1' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.fullName).toBe(`${stock}/Aisle 1`);
    expect((await acme.client.get(`${API}/locations/${bin.id}`)).body.fullName).toBe(`${stock}/Aisle 1/Bin 1`);
    // Move under Shelf B, with its stock (the quants stay on their locations).
    const moved = await acme.client.patch(`${API}/locations/${a.id}`, { parent: b.id });
    expect(moved.body.fullName).toBe(`${stock}/Shelf B/Aisle 1`);
    expect(totals(await tree(wh.id)).slice(2)).toEqual([
      `${stock}/Shelf B 0.0000 9.5000 2`,
      `${stock}/Shelf B/Aisle 1 1.0000 9.5000 2`,
      `${stock}/Shelf B/Aisle 1/Bin 1 8.5000 8.5000 2`,
    ]);
    expect(await quantMismatches(env, acme.id)).toEqual([]);
  });

  it('refuses a bad rename or move, naming the field', async () => {
    const wh = await warehouse();
    const a = await add('A', wh.stockLocation);
    const bin = await add('Bin', a.id);
    await add('B', wh.stockLocation);
    const other2 = await warehouse();
    const patch = (id: string, body: Record<string, unknown>) => acme.client.patch(`${API}/locations/${id}`, body);
    const cases: [string, Record<string, unknown>, number, string, string?][] = [
      [a.id, { name: 'B' }, 409, 'name', 'ALREADY_EXISTS'],
      [a.id, { name: 'x/y' }, 400, 'name'],
      [a.id, { name: '  ' }, 400, 'name'],
      [a.id, { parent: bin.id }, 400, 'parent'],
      [a.id, { parent: a.id }, 400, 'parent'],
      [a.id, { parent: other2.stockLocation }, 400, 'parent'],
      [a.id, { parent: '00000000-0000-4000-8000-000000000000' }, 400, 'parent'],
      [a.id, { usage: 'view' }, 400, 'usage'],
      [wh.stockLocation, { parent: a.id }, 409, 'parent', 'INVENTORY_LOCATION_LOCKED'],
      [wh.stockLocation, { active: false }, 409, 'active', 'INVENTORY_LOCATION_LOCKED'],
      [wh.viewLocation, { name: 'Renamed' }, 409, 'name', 'INVENTORY_LOCATION_LOCKED'],
    ];
    for (const [id, body, status, path, code] of cases) {
      const res = await patch(id, body);
      expect({ body, status: res.status, path: res.body.details?.[0]?.path }).toEqual({ body, status, path });
      if (code) expect(res.body.code).toBe(code);
    }
    const { loc } = await setupOf(acme.client);
    expect((await patch(loc('Partners/Suppliers'), { name: 'Vendors' })).body.code).toBe('INVENTORY_LOCATION_LOCKED');
    expect((await acme.client.get(`${API}/locations/${a.id}`)).body.fullName).toBe(`${wh.code}/Stock/A`);
  });

  it('archives a location with its subtree only once it holds no stock; an archived one takes no stock', async () => {
    const wh = await warehouse();
    const a = await add('A', wh.stockLocation);
    const bin = await add('Bin', a.id);
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '3', locationId: bin.id });
    const refused = await acme.client.patch(`${API}/locations/${a.id}`, { active: false });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'INVENTORY_LOCATION_HAS_STOCK',
      details: [{ path: 'active' }],
    });
    expect(refused.body.message).toContain('3.0000 on hand of 1 product');
    expect((await acme.client.get(`${API}/locations/${bin.id}`)).body.active).toBe(true);
    // Moved out, it archives: the bin with it.
    const out = await acme.client.post(`${API}/moves`, {
      productId: p.id,
      quantity: '3',
      fromLocationId: bin.id,
      toLocationId: wh.stockLocation,
      kind: 'internal',
      state: 'done',
    });
    expect(out.status).toBe(201);
    expect((await acme.client.patch(`${API}/locations/${a.id}`, { active: false })).body.active).toBe(false);
    expect((await acme.client.get(`${API}/locations/${bin.id}`)).body.active).toBe(false);
    const into = await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '1', locationId: bin.id });
    expect(into.status).toBe(400);
    expect(into.body).toMatchObject({ code: 'INVENTORY_LOCATION_ARCHIVED', details: [{ path: 'locationId' }] });
    const op = await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      lines: [{ productId: p.id, quantity: '1', toLocationId: a.id }],
    });
    expect(op.body.details[0].path).toBe('lines.0.toLocationId');
    expect((await acme.client.post(`${API}/counts`, { locationId: a.id })).status).toBe(400);
    expect((await acme.client.post(`${API}/locations`, { name: 'C', parent: a.id })).body.details[0].path).toBe(
      'parent',
    );
    // The bin cannot come back while its parent is archived; the parent can.
    expect((await acme.client.patch(`${API}/locations/${bin.id}`, { active: true })).status).toBe(400);
    expect((await acme.client.patch(`${API}/locations/${a.id}`, { active: true })).body.active).toBe(true);
    expect((await acme.client.patch(`${API}/locations/${bin.id}`, { active: true })).body.active).toBe(true);
  });

  it('the tree and changes on GraphQL', async () => {
    const wh = await warehouse();
    const a = await add('G', wh.stockLocation);
    const res = await acme.client.graphql(
      `query($id: ID!) { inventoryWarehouseLocations(warehouseId: $id) { fullName depth onHand totalOnHand products active } }`,
      { id: wh.id },
    );
    expect(res.body.data.inventoryWarehouseLocations.map((n: Node) => n.fullName)).toEqual([
      wh.code,
      `${wh.code}/Stock`,
      `${wh.code}/Stock/G`,
    ]);
    const upd = await acme.client.graphql(
      `mutation($id: ID!) { updateInventoryLocation(id: $id, input: { name: "G2" }) { fullName } }`,
      { id: a.id },
    );
    expect(upd.body.errors).toBeUndefined();
    expect(upd.body.data).toEqual({ updateInventoryLocation: { fullName: `${wh.code}/Stock/G2` } });
  });

  it('another company sees and changes none of it', async () => {
    const wh = await warehouse();
    const a = await add('Mine', wh.stockLocation);
    expect((await other.client.get(`${API}/warehouses/${wh.id}/locations`)).status).toBe(404);
    expect((await other.client.patch(`${API}/locations/${a.id}`, { name: 'Theirs' })).status).toBe(404);
    expect((await other.client.patch(`${API}/locations/${a.id}`, { active: false })).status).toBe(404);
    const theirs = await warehouse(other);
    // Their location as a parent of ours is no location of ours.
    expect((await acme.client.patch(`${API}/locations/${a.id}`, { parent: theirs.stockLocation })).status).toBe(400);
    const g = await other.client.graphql(`query($id: ID!) { inventoryWarehouseLocations(warehouseId: $id) { id } }`, {
      id: wh.id,
    });
    expect(g.body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await acme.client.get(`${API}/locations/${a.id}`)).body).toMatchObject({
      fullName: `${wh.code}/Stock/Mine`,
      active: true,
    });
  });

  it('a member reads the tree but cannot change locations; a role without location.read gets 403', async () => {
    const wh = await warehouse();
    const a = await add('Perm', wh.stockLocation);
    const member = await acme.as('member');
    expect((await member.get(`${API}/warehouses/${wh.id}/locations`)).status).toBe(200);
    expect((await member.patch(`${API}/locations/${a.id}`, { name: 'No' })).status).toBe(403);
    expect((await member.post(`${API}/warehouses`, { code: 'NOPE', name: 'No' })).status).toBe(403);
    const stockOnly = await withRole(acme, 'stockonly', ['inventory.move.read']);
    expect((await stockOnly.get(`${API}/warehouses/${wh.id}/locations`)).status).toBe(403);
    const placesOnly = await withRole(acme, 'placesonly', ['inventory.location.read']);
    expect((await placesOnly.get(`${API}/warehouses/${wh.id}/locations`)).status).toBe(403);
    const g = await placesOnly.graphql(`query($id: ID!) { inventoryWarehouseLocations(warehouseId: $id) { id } }`, {
      id: wh.id,
    });
    expect(g.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await acme.client.get(`${API}/locations/${a.id}`)).body.name).toBe('Perm');
  });
});
