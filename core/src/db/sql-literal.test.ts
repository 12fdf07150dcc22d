import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlLiteral } from './tenant-tx.ts';

const admin = new pg.Client({
  connectionString: process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
});
beforeAll(() => admin.connect());
afterAll(() => admin.end());

describe('sqlLiteral (deferred outbox rows travel as literals)', () => {
  it('round-trips hostile strings exactly, whatever standard_conforming_strings says', async () => {
    const values = [
      "it's",
      'back\\slash',
      '$v$',
      '$v$ $vv$ $vvv$',
      "'); drop table x; --",
      '{"a":"\\u00e9\\n"}',
      'ünïcödé ✓',
    ];
    for (const setting of ['on', 'off']) {
      await admin.query(`set standard_conforming_strings = ${setting}`);
      for (const v of values) {
        const res = await admin.query(`select ${sqlLiteral(v)} as v`);
        expect(res.rows[0].v).toBe(v);
      }
    }
    expect(sqlLiteral(null)).toBe('null');
  });
});
