import type { AnyAddon } from '@elevate/sdk';
import type pg from 'pg';
import { quoteIdent, quoteLiteral } from '../db/pools.ts';
import { commentables } from './commentables.ts';

/**
 * Attaches `core_comment_purge` (core-0024) to the table of every installed commentable model:
 * deleting records of it deletes their comments (and the mention notifications pointing at them)
 * in the same statement, whatever deletes them — a REST call, a merge, a bulk delete, plain SQL.
 * Idempotent (run after the migrations, like the audit triggers); returns the tables it covers.
 */
export async function attachCommentPurge(pool: pg.Pool, addons: readonly AnyAddon[]): Promise<string[]> {
  const owner = await pool.connect();
  try {
    // One process at a time: concurrent `create or replace trigger` on one table fails.
    await owner.query("select pg_advisory_lock(hashtext('core_comment_purge_attach'))");
    const existing = await owner.query<{ table: string; def: string }>(
      `select c.relname as table, pg_get_triggerdef(t.oid) as def
       from pg_trigger t join pg_class c on c.oid = t.tgrelid where t.tgname = 'core_comment_purge'`,
    );
    const have = new Map(existing.rows.map((r) => [r.table, r.def]));
    const covered: string[] = [];
    for (const { def } of commentables(addons).values()) {
      const { table, name } = def.model;
      const call = `core_comment_purge(${quoteLiteral(name)})`;
      if (!have.get(table)?.endsWith(call)) {
        await owner.query(
          `create or replace trigger core_comment_purge after delete on ${quoteIdent(table)}
           referencing old table as old_rows for each statement execute function ${call}`,
        );
      }
      covered.push(table);
    }
    return covered;
  } finally {
    await owner.query("select pg_advisory_unlock(hashtext('core_comment_purge_attach'))").catch(() => {});
    owner.release();
  }
}
