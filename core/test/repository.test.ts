import { createPools, loadConfig, withTenant } from '@elevate/core';
import { entitySchemaOf } from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { Project, projects } from '@elevate-fixture/projects';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantDb } from '../src/db/repository.ts';

// The repository is the first line of defence: it must scope every statement to the tenant
// on its own. These tests run it as the schema owner (a superuser here), for whom PostgreSQL
// skips row-level security, so only the repository's own filter is under test.
let env: TestEnv;
let a: TestTenant;
let b: TestTenant;
let pools: ReturnType<typeof createPools>;
let bId: string;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [projects], workers: false });
  a = await env.tenant('repo-a', { enable: ['projects'] });
  b = await env.tenant('repo-b', { enable: ['projects'] });
  await a.client.post('/api/v1/projects/projects', { name: 'A1' });
  bId = (await b.client.post('/api/v1/projects/projects', { name: 'B1' })).body.id;
  pools = createPools(loadConfig({ DATABASE_URL: env.databaseUrl }));
});
afterAll(async () => {
  await pools?.close();
  await env?.close();
});

describe('repository tenant filter without RLS', () => {
  it('the owner connection really bypasses RLS (so the test means something)', async () => {
    const all = await withTenant(pools.owner, a.id, (tx) =>
      tx.query<{ name: string }>('select name from projects_project order by name'),
    );
    // Other tests add rows of tenant A; B's row is the one that proves RLS is not applied.
    expect(all.map((r) => r.name)).toEqual(expect.arrayContaining(['A1', 'B1']));
  });

  it('find, count, page, get, update and delete see only the tenant', async () => {
    await withTenant(pools.owner, a.id, async (tx) => {
      const repo = tenantDb(tx, null, env.kernel.runtime.orm).repo(Project);
      expect((await repo.find()).map((r) => r.name)).toEqual(['A1']);
      expect(await repo.count()).toBe(1);
      expect((await repo.page({ limit: 10, offset: 0 })).total).toBe(1);
      expect(await repo.get(bId)).toBeNull();
      expect(await repo.getMany([bId])).toEqual([null]);
      expect(await repo.update(bId, { name: 'hijacked' })).toBeNull();
      expect(await repo.delete(bId)).toBe(false);
      const inserted = await repo.insert({ name: 'A2', status: 'active', archived: false });
      const owner = await tx.query<{ tenant_id: string }>('select tenant_id from projects_project where id = $1', [
        inserted.id,
      ]);
      expect(owner[0]?.tenant_id).toBe(a.id);
    });
    const bRow = await env.sql<{ name: string }>('select name from projects_project where id = $1', [bId]);
    expect(bRow).toEqual([{ name: 'B1' }]);
  });

  it('ctx.em (MikroORM) names the tenant in find, count, update and delete on its own', async () => {
    const P = entitySchemaOf(Project);
    await withTenant(pools.owner, a.id, async (tx) => {
      const em = tenantDb(tx, null, env.kernel.runtime.orm).em();
      const names = (await em.find(P, {})).map((r) => r.name);
      expect(names).toContain('A1');
      expect(names).not.toContain('B1');
      expect(await em.count(P, {})).toBe(names.length);
      expect(await em.findOne(P, { id: bId })).toBeNull();
      expect(await em.nativeUpdate(P, { id: bId }, { name: 'hijacked' })).toBe(0);
      expect(await em.nativeDelete(P, { id: bId })).toBe(0);
    });
    const bRow = await env.sql<{ name: string }>('select name from projects_project where id = $1', [bId]);
    expect(bRow).toEqual([{ name: 'B1' }]);
  });
});
