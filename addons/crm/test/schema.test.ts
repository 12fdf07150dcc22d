import { type ApiClient, bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
});
afterAll(() => env?.close());

describe('crm schema', () => {
  it('every crm table is tenant-safe: forced RLS, tenant_id in every key', async () => {
    expect(await env.admin.checkSchema()).toEqual([]);
  });

  it('GraphQL schema of a tenant with crm: changes show in review (update with vitest -u)', async () => {
    await expect(env.graphqlSdl(['crm'])).toMatchFileSnapshot('./__snapshots__/crm.graphql');
  });

  it('OpenAPI fragment of crm (its paths, sorted): changes show in review (update with vitest -u)', async () => {
    const doc = env.openapi(['crm'], { only: 'crm' });
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/crm.openapi.json');
  });

  it("a tenant's OpenAPI document has crm's paths only while crm is enabled for it", async () => {
    const paths = async (client: ApiClient) => {
      const res = await client.get('/api/v1/openapi.json');
      expect(res.status).toBe(200);
      return Object.keys((res.body as { paths: object }).paths);
    };
    const withCrm = await env.tenant('oa-crm', { enable: ['crm'] });
    const without = await env.tenant('oa-none');
    expect((await paths(withCrm.client)).filter((p) => p.startsWith('/api/v1/crm/')).length).toBeGreaterThan(0);
    expect((await paths(without.client)).filter((p) => p.startsWith('/api/v1/crm/'))).toEqual([]);
    await env.admin.disableAddon(withCrm.id, 'crm');
    expect((await paths(withCrm.client)).filter((p) => p.startsWith('/api/v1/crm/'))).toEqual([]);
  });
});
