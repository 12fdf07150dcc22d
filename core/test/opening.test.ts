import { createPools, loadConfig, TenantTx } from '@elevate/core';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The opening statement of a request (BEGIN + tenant setting + the caller's user and
// permissions) runs its `extra` as a prepared statement of the connection when its only
// literals are UUIDs: same rows as the plain statement, one statement per shape, and a shape
// PostgreSQL cannot prepare still answers (plain).
let env: TestEnv;
let a: TestTenant;
let b: TestTenant;
let pools: ReturnType<typeof createPools>;
const owners: Record<string, string> = {};

beforeAll(async () => {
  env = await bootTestKernel({ addons: [], workers: false });
  a = await env.tenant('open-a');
  b = await env.tenant('open-b');
  for (const t of [a, b]) {
    const [u] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1', [t.id]);
    owners[t.id] = u?.id as string;
  }
  // One connection: every opening below meets what the earlier ones prepared.
  pools = createPools(loadConfig({ DATABASE_URL: env.databaseUrl, DATABASE_POOL_SIZE: '1' }));
});
afterAll(async () => {
  await pools?.close();
  await env?.close();
});

const userSql = (tenant: string, user: string) =>
  `select u.id, u.email, (select count(*) from core_user_role ur where ur.tenant_id = u.tenant_id and ur.user_id = u.id) as roles
   from core_user u where u.tenant_id = '${tenant}' and u.id = '${user}'`;

async function opening(tenant: string, extra: string) {
  const tx = new TenantTx(pools.app, tenant);
  try {
    const rows = await tx.open({ extra, readOnly: true });
    const prepared = await tx.query<{ name: string; statement: string }>(
      "select name, statement from pg_prepared_statements where name like 'o\\_%'",
    );
    const setting = await tx.query<{ t: string }>("select current_setting('app.tenant_id') as t");
    return { rows, prepared, tenant: setting[0]?.t };
  } finally {
    await tx.rollback();
  }
}

describe('the opening statement', () => {
  it('answers what the plain statement answers, prepared once per connection for every user and tenant', async () => {
    const plain = await env.sql('select u.id, u.email from core_user u where u.tenant_id = $1 and u.id = $2', [
      a.id,
      owners[a.id],
    ]);
    const first = await opening(a.id, userSql(a.id, owners[a.id] as string));
    expect(first.rows).toEqual([{ ...plain[0], roles: '1' }]);
    expect(first.tenant).toBe(a.id);
    const other = await opening(b.id, userSql(b.id, owners[b.id] as string));
    expect(other.rows.map((r) => r.id)).toEqual([owners[b.id]]);
    expect(other.tenant).toBe(b.id);
    // Under RLS: tenant B's opening cannot read tenant A's user, even with A's ids in the SQL.
    expect((await opening(b.id, userSql(a.id, owners[a.id] as string))).rows).toEqual([]);
    const last = await opening(a.id, userSql(a.id, owners[a.id] as string));
    expect(last.prepared).toHaveLength(1);
    // PostgreSQL shows the whole string that prepared it; the statement itself is parameterised.
    const statement = last.prepared[0]?.statement.split('; begin')[0] ?? '';
    expect(statement).toContain('u.tenant_id = $1 and u.id = $2');
    expect(statement).not.toContain(a.id);
  });

  it('a shape PostgreSQL cannot prepare runs plain and still answers', async () => {
    // `'<uuid>' is null` leaves the parameter's type undeterminable: PREPARE fails, the plain SQL works.
    const extra = `select 1 as one where '${owners[a.id]}' is not null`;
    for (let i = 0; i < 2; i++) {
      const res = await opening(a.id, extra);
      expect(res.rows).toEqual([{ one: 1 }]);
      expect(res.tenant).toBe(a.id);
      expect(res.prepared.some((p) => p.statement.includes('is not null'))).toBe(false);
    }
  });

  it('SQL with other literals or several statements runs plain', async () => {
    const res = await opening(a.id, `select 'x' as x, '${owners[a.id]}'::uuid as id`);
    expect(res.rows).toEqual([{ x: 'x', id: owners[a.id] }]);
    expect(res.prepared.some((p) => p.statement.includes("'x'"))).toBe(false);
  });
});
