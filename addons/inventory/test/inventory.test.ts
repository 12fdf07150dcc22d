import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';

const PATH = '/api/v1/inventory/products';
let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  // A fresh database with this addon only (and what it depends on), migrated, on a free port.
  env = await bootTestKernel({ addons: [inventory], workers: false });
  acme = await env.tenant('acme', { enable: ['inventory'] });
});
afterAll(() => env?.close());

describe('inventory', () => {
  it('creates, lists, changes and deletes products over REST and GraphQL', async () => {
    const created = await acme.client.post(PATH, { name: 'First' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'First', status: 'open' });
    const changed = await acme.client.patch(`${PATH}/${created.body.id}`, { status: 'done' });
    expect(changed.body).toMatchObject({ status: 'done' });
    const gql = await acme.client.graphql('{ inventoryProducts(q: "first") { data { name status } } }');
    expect(gql.body).toMatchObject({ data: { inventoryProducts: { data: [{ name: 'First', status: 'done' }] } } });
    expect((await acme.client.delete(`${PATH}/${created.body.id}`)).status).toBe(204);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const res = await acme.client.post(PATH, { name: '', status: 'lost' });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['name', 'status']);
  });

  it('every table is tenant-safe', async () => {
    expect(await env.admin.checkSchema()).toEqual([]);
  });

  it('GraphQL schema and OpenAPI fragment: changes show in review', async () => {
    await expect(env.graphqlSdl(['inventory'])).toMatchFileSnapshot('./__snapshots__/inventory.graphql');
    const doc = env.openapi(['inventory'], { only: 'inventory' });
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/inventory.openapi.json');
  });

  it('a member sees only their own products; another company sees none', async () => {
    const mine = await (await acme.as('member')).post(PATH, { name: 'Mine' });
    await acme.client.post(PATH, { name: "The owner's" });
    const member = await acme.as('member', 'other-member@acme.test');
    expect((await member.get(PATH)).body.data).toEqual([]);
    const other = await env.tenant('other', { enable: ['inventory'] });
    expect((await other.client.get(`${PATH}/${mine.body.id}`)).status).toBe(404);
    expect((await other.client.get(PATH)).body.data).toEqual([]);
  });
});
