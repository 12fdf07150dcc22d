import { checkTenantSchema } from '@elevate/core';
import { bootTestKernel, type TestEnv } from '@elevate/sdk/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
});
afterAll(() => env?.close());

describe('crm schema', () => {
  it('every crm table is tenant-safe: forced RLS, tenant_id in every key', async () => {
    const db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    try {
      expect(await checkTenantSchema(db)).toEqual([]);
      const tables = await db.query("select tablename from pg_tables where tablename like 'crm_%' order by 1");
      expect(tables.rows.length).toBe(12);
    } finally {
      await db.end();
    }
  });
});
