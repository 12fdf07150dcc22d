import { bootTestKernel, type TestEnv } from '@elevate/testkit';
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
});
