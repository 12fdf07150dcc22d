import { createPools, loadConfig, TenantTx } from '@elevate/core';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A read-only request transaction ends without its own round trip: the connection stays checked
// out and its ROLLBACK travels in front of the next opening on it (tenant-tx.ts, `park`). These
// tests hold the pool to one connection, so every transaction meets the one before it.
let env: TestEnv;
let a: TestTenant;
let b: TestTenant;
let pools: ReturnType<typeof createPools>;
const users: Record<string, string> = {};

beforeAll(async () => {
  env = await bootTestKernel({ addons: [], workers: false });
  a = await env.tenant('park-a');
  b = await env.tenant('park-b');
  for (const t of [a, b]) {
    const [u] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1', [t.id]);
    users[t.id] = u?.id as string;
  }
  pools = createPools(loadConfig({ DATABASE_URL: env.databaseUrl, DATABASE_POOL_SIZE: '1' }));
});
afterAll(async () => {
  await pools?.close();
  await env?.close();
});

const state = (tx: TenantTx) =>
  tx.query<{ pid: number; tenant: string; user: string | null; ro: string; names: string[] }>(
    `select pg_backend_pid() as pid, current_setting('app.tenant_id') as tenant,
       nullif(current_setting('app.user_id', true), '') as user, current_setting('transaction_read_only') as ro,
       array(select name from core_tenant order by name) as names`,
  );

/** Until the pool has its connection back (the parked ROLLBACK went out on its own). */
async function pooled(): Promise<void> {
  for (let i = 0; i < 200 && pools.app.idleCount < 1; i++) await new Promise((r) => setTimeout(r, 10));
}

describe('the ROLLBACK of a read rides with the next opening', () => {
  it('the next transaction on the connection starts clean: its own tenant, actor, snapshot and mode', async () => {
    const read = new TenantTx(pools.app, a.id, { userId: users[a.id] as string });
    await read.open({ readOnly: true });
    const [first] = await state(read);
    expect(first).toMatchObject({ tenant: a.id, user: users[a.id], ro: 'on' });
    await read.rollback();
    // Parked: still checked out of the pool, so nothing else can use the stale transaction.
    expect(pools.app.idleCount).toBe(0);

    // Committed after the read's snapshot was taken: the next transaction must see it.
    await env.sql(`update core_tenant set name = 'park-b renamed' where id = $1`, [b.id]);
    const next = new TenantTx(pools.app, b.id);
    try {
      const [second] = await state(next);
      expect(second?.pid).toBe(first?.pid);
      expect(second).toMatchObject({ tenant: b.id, user: null, ro: 'off' });
      expect(second?.names).toContain('park-b renamed');
      // Under RLS for tenant B only, and writable (not inside the stale read-only transaction).
      const rows = await next.query<{ id: string }>('select id from core_user');
      expect(rows.map((r) => r.id)).toEqual([users[b.id]]);
      await next.query('update core_user set name = name where id = $1', [users[b.id]]);
      await next.commit();
    } finally {
      await next.rollback();
    }
  });

  it('a parked connection nobody takes goes back to the pool outside any transaction', async () => {
    const read = new TenantTx(pools.app, a.id);
    await read.open({ readOnly: true });
    const [{ pid } = { pid: 0 }] = await read.query<{ pid: number }>('select pg_backend_pid() as pid');
    await read.rollback();
    await pooled();
    expect(pools.app.idleCount).toBe(1);
    const [row] = await env.sql<{ state: string }>('select state from pg_stat_activity where pid = $1', [pid]);
    expect(row?.state).toBe('idle');
    const c = await pools.app.connect();
    try {
      const r = await c.query(
        "select current_setting('app.tenant_id', true) as t, current_setting('transaction_read_only') as ro",
      );
      expect(r.rows[0]).toEqual({ t: '', ro: 'off' });
    } finally {
      c.release();
    }
  });

  it('a read whose statement failed, or that ends while a caller waits, is rolled back at once', async () => {
    const failed = new TenantTx(pools.app, a.id);
    await failed.open({ readOnly: true });
    await expect(failed.query('select no_such_column from core_user')).rejects.toThrow();
    await failed.rollback();
    expect(pools.app.idleCount).toBe(1);

    const read = new TenantTx(pools.app, a.id);
    await read.open({ readOnly: true });
    const waiter = pools.app.connect();
    await read.rollback();
    const c = await waiter;
    try {
      const r = await c.query(
        "select current_setting('app.tenant_id', true) as t, current_setting('transaction_read_only') as ro",
      );
      expect(r.rows[0]).toEqual({ t: '', ro: 'off' });
    } finally {
      c.release();
    }
  });

  it('a write transaction is never parked', async () => {
    const write = new TenantTx(pools.app, a.id);
    await write.open();
    await write.query('update core_user set name = name where id = $1', [users[a.id]]);
    await write.rollback();
    expect(pools.app.idleCount).toBe(1);
  });
});
