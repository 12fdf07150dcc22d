import { createPools, loadConfig, withTenant } from '@elevate/core';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `prepare: true` must really run a named prepared statement (planned once per connection),
// and a plain query must not leave one behind.
let env: TestEnv;
let a: TestTenant;
let pools: ReturnType<typeof createPools>;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [projects], workers: false });
  a = await env.tenant('prep-a', { enable: ['projects'] });
  await a.client.post('/api/v1/projects/projects', { name: 'P1' });
  // One connection, so the second transaction sees what the first one prepared.
  pools = createPools(loadConfig({ DATABASE_URL: env.databaseUrl, DATABASE_POOL_SIZE: '1' }));
});
afterAll(async () => {
  await pools?.close();
  await env?.close();
});

describe('prepared statements', () => {
  it('prepare: true names the statement once per connection; plain queries stay unnamed', async () => {
    const sql = 'select name from projects_project where tenant_id = $1 and name = $2';
    const plain = 'select name from projects_project where tenant_id = $1 and name <> $2';
    for (let i = 0; i < 2; i++) {
      const rows = await withTenant(pools.app, a.id, async (tx) => {
        expect(await tx.query<{ name: string }>(sql, [a.id, 'P1'], { prepare: true })).toEqual([{ name: 'P1' }]);
        await tx.query(plain, [a.id, 'P1']);
        return tx.query<{ statement: string }>('select statement from pg_prepared_statements');
      });
      expect(rows.map((r) => r.statement)).toEqual([sql]);
    }
  });
});
