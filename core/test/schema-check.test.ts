import { checkTenantSchema } from '@elevate/core';
import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import { tasks } from '@elevate-fixture/tasks';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let env: TestEnv;
let db: pg.Client;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [projects, tasks], workers: false });
  db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await env?.close();
});

describe('tenancy schema check', () => {
  it('finds every core and addon table sound', async () => {
    const tables = await env.sql<{ t: string }>(
      "select table_name as t from information_schema.columns where column_name = 'tenant_id' and table_schema = 'public'",
    );
    // The check covers the kernel's tables and both addons' tables.
    expect(tables.map((r) => r.t)).toEqual(
      expect.arrayContaining(['core_user', 'core_outbox', 'projects_project', 'tasks_task']),
    );
    expect(await checkTenantSchema(db)).toEqual([]);
  });

  it('fails when a table loses forced RLS, its policy, or tenant_id in a key', async () => {
    await db.query('begin');
    try {
      await db.query('alter table projects_project no force row level security');
      await db.query('drop policy tenant_isolation on tasks_task');
      await db.query('create table rogue_parent (tenant_id uuid not null, id uuid primary key)');
      await db.query(`create table rogue_child (tenant_id uuid not null, id uuid, parent_id uuid references rogue_parent (id),
        primary key (tenant_id, id))`);
      const problems = await checkTenantSchema(db);
      expect(problems).toEqual(
        expect.arrayContaining([
          'projects_project: row-level security is not forced',
          'tasks_task: no tenant policy with USING and WITH CHECK on app.tenant_id',
          'rogue_parent: primary key (id) lacks tenant_id',
          'rogue_parent: row-level security is not enabled',
          expect.stringMatching(/^rogue_child: foreign key .* to rogue_parent does not include tenant_id$/),
        ]),
      );
    } finally {
      await db.query('rollback');
    }
    expect(await checkTenantSchema(db)).toEqual([]);
  });
});
