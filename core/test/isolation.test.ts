import { appDatabaseUrl, loadConfig } from '@elevate/core';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import { tasks } from '@elevate-fixture/tasks';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let env: TestEnv;
let a: TestTenant;
let b: TestTenant;
let bProject: { id: string; name: string };

beforeAll(async () => {
  env = await bootTestKernel({ addons: [projects, tasks], workers: false });
  a = await env.tenant('alpha', { enable: ['tasks'] });
  b = await env.tenant('bravo', { enable: ['tasks'] });
  expect((await a.client.post('/api/v1/projects/projects', { name: 'Alpha secret' })).status).toBe(201);
  const created = await b.client.post('/api/v1/projects/projects', { name: 'Bravo secret', budget: '1000.50' });
  expect(created.status).toBe(201);
  bProject = created.body;
  await b.client.post('/api/v1/tasks/tasks', { title: 'Bravo task', projectId: bProject.id });
});
afterAll(() => env?.close());

function appRoleClient(): pg.Client {
  const config = loadConfig({ DATABASE_URL: env.databaseUrl });
  return new pg.Client({ connectionString: appDatabaseUrl(config) });
}

describe('row-level security as the app role', () => {
  it('sees zero rows in every tenant-owned table when no tenant is set', async () => {
    const tables = await env.sql<{ t: string }>(
      "select table_name as t from information_schema.columns where column_name = 'tenant_id' and table_schema = 'public' order by 1",
    );
    expect(tables.length).toBeGreaterThanOrEqual(10);
    const owned = await env.sql<{ n: number }>('select count(*)::int as n from projects_project');
    expect(owned[0]?.n).toBe(2);
    const app = appRoleClient();
    await app.connect();
    try {
      for (const { t } of tables) {
        const rows = await app.query(`select count(*)::int as n from "${t}"`);
        expect({ table: t, n: rows.rows[0].n }).toEqual({ table: t, n: 0 });
      }
      // With a tenant set, only that tenant's rows.
      await app.query('begin');
      await app.query("select set_config('app.tenant_id', $1, true)", [a.id]);
      const seen = await app.query('select name from projects_project');
      expect(seen.rows.map((r) => r.name)).toEqual(['Alpha secret']);
      await app.query('commit');
    } finally {
      await app.end();
    }
  });

  it('refuses to write a row into another tenant (WITH CHECK)', async () => {
    const app = appRoleClient();
    await app.connect();
    try {
      await app.query('begin');
      await app.query("select set_config('app.tenant_id', $1, true)", [a.id]);
      await expect(
        app.query("insert into projects_project (tenant_id, name, status) values ($1, 'smuggled', 'active')", [b.id]),
      ).rejects.toThrow(/row-level security/);
      await app.query('rollback');
    } finally {
      await app.end();
    }
  });

  it('does not own the tables (so RLS cannot be bypassed by ownership)', async () => {
    const rows = await env.sql<{ owner: string }>(
      "select distinct tableowner as owner from pg_tables where schemaname = 'public'",
    );
    expect(rows.map((r) => r.owner)).not.toContain('elevate_app');
    const role = await env.sql<{ super: boolean; bypass: boolean }>(
      "select rolsuper as super, rolbypassrls as bypass from pg_roles where rolname = 'elevate_app'",
    );
    expect(role[0]).toEqual({ super: false, bypass: false });
  });

  it('cannot point a row at another tenant through a foreign key, even as the owner', async () => {
    await expect(
      env.sql("insert into tasks_task (tenant_id, title, project_id) values ($1, 'cross', $2)", [a.id, bProject.id]),
    ).rejects.toThrow(/foreign key/);
  });
});

describe('cross-tenant access by id', () => {
  it('REST: read, update and delete of another tenant’s record answer 404', async () => {
    const path = `/api/v1/projects/projects/${bProject.id}`;
    for (const res of [
      await a.client.get(path),
      await a.client.patch(path, { name: 'hijacked' }),
      await a.client.delete(path),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    const still = await b.client.get(path);
    expect(still.status).toBe(200);
    expect(still.body.name).toBe('Bravo secret');
  });

  it('GraphQL: read gives null, update and delete give NOT_FOUND', async () => {
    const read = await a.client.graphql('query($id: ID!) { project(id: $id) { id name } }', { id: bProject.id });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.project).toBeNull();
    const upd = await a.client.graphql(
      'mutation($id: ID!) { updateProject(id: $id, input: { name: "hijacked" }) { id } }',
      { id: bProject.id },
    );
    expect(upd.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const del = await a.client.graphql('mutation($id: ID!) { deleteProject(id: $id) }', { id: bProject.id });
    expect(del.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const rows = await env.sql<{ name: string }>('select name from projects_project where id = $1', [bProject.id]);
    expect(rows[0]?.name).toBe('Bravo secret');
  });

  it('lists only the caller’s tenant, including fields added by another addon', async () => {
    await env.flush(); // the tasks addon's subscriber adds a "Plan ..." task to new projects
    const res = await a.client.graphql('{ projects { totalCount items { name tasks { title } } } }');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.projects).toEqual({
      totalCount: 1,
      items: [{ name: 'Alpha secret', tasks: [{ title: 'Plan Alpha secret' }] }],
    });
    const list = await a.client.get('/api/v1/tasks/tasks');
    expect(list.body.data.map((t: { title: string }) => t.title)).toEqual(['Plan Alpha secret']);
  });

  it('refuses a task pointing at another tenant’s project', async () => {
    const res = await a.client.post('/api/v1/tasks/tasks', { title: 'x', projectId: bProject.id });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const n = await env.sql<{ n: number }>("select count(*)::int as n from tasks_task where title = 'x'");
    expect(n[0]?.n).toBe(0);
  });
});
