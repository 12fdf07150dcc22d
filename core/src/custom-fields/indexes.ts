import { createHash } from 'node:crypto';
import type { AnyModel, CustomFieldType, JobDef } from '@elevate/sdk';
import type pg from 'pg';
import type { KernelJob, Runtime } from '../runtime.ts';
import { optedInModels } from './definitions.ts';
import { valueExpr } from './service.ts';

// Expression indexes for filterable custom fields, made and dropped by the platform.
//
// - One index per (table, key, kind), shared by every tenant whose filterable field has that
//   key: `(tenant_id, elevate_cf_text(custom, 'key'))`. The count of indexes grows with distinct
//   keys, not with tenants × fields.
// - Built with `create index concurrently` on the owner connection (the app role owns no
//   tables), outside any transaction, so writes to the table go on while it builds; a build that
//   failed leaves an invalid index, which the next run drops and builds again. Unused ones go
//   with `drop index concurrently`.
// - Runs as a kernel job enqueued in the same transaction as the definition change (the outbox:
//   it survives a crash and retries), and the whole run holds a session advisory lock, so two
//   nodes never build the same index at once. A run reads the whole desired set, so any run after
//   a change converges; it is idempotent.

export const CF_INDEX_JOB = 'core.customfields.indexes';
const LOCK = 0x63_66_69_78; // "cfix"

export const indexJobRef: JobDef<Record<string, never>> = {
  kind: 'job',
  name: CF_INDEX_JOB,
  attempts: 5,
  backoffMs: 2000,
  run: () => {},
};

export function indexNameOf(table: string, key: string, kind: 'text' | 'num'): string {
  const h = createHash('sha1').update(`${table}:${key}:${kind}`).digest('hex').slice(0, 10);
  return `cf_${h}_${table.slice(0, 20)}_${key.slice(0, 24)}`;
}

interface Wanted {
  name: string;
  sql: string;
}

export interface SyncResult {
  created: string[];
  dropped: string[];
}

/** Brings the cf_ indexes in line with every tenant's filterable definitions (owner pool). */
export async function syncCustomFieldIndexes(
  pool: pg.Pool,
  models: ReadonlyMap<string, AnyModel>,
): Promise<SyncResult> {
  const client = await pool.connect();
  const out: SyncResult = { created: [], dropped: [] };
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK]);
    const defs = (
      await client.query<{ model: string; key: string; type: CustomFieldType }>(
        'select distinct model, key, type from core_custom_field where filterable and archived_at is null',
      )
    ).rows;
    const wanted = new Map<string, Wanted>();
    for (const d of defs) {
      const model = models.get(d.model);
      const expr = valueExpr(d, '');
      if (!model || !expr) continue;
      const name = indexNameOf(model.table, d.key, expr.startsWith('elevate_cf_num') ? 'num' : 'text');
      wanted.set(name, {
        name,
        sql: `create index concurrently if not exists "${name}" on "${model.table}" (tenant_id, ${expr})`,
      });
    }
    const existing = (
      await client.query<{ name: string; valid: boolean }>(
        `select c.relname as name, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relname like 'cf\\_%'`,
      )
    ).rows;
    for (const e of existing) {
      if (!wanted.has(e.name) || !e.valid) {
        await client.query(`drop index concurrently if exists "${e.name}"`);
        if (!wanted.has(e.name)) out.dropped.push(e.name);
      }
    }
    const valid = new Set(existing.filter((e) => e.valid).map((e) => e.name));
    for (const w of wanted.values()) {
      if (valid.has(w.name)) continue;
      await client.query(w.sql);
      out.created.push(w.name);
    }
    return out;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK]).catch(() => {});
    client.release();
  }
}

/** The kernel job running the sync (for any tenant: the desired set is global). */
export function customFieldIndexJob(rt: Runtime): KernelJob {
  return {
    name: CF_INDEX_JOB,
    attempts: indexJobRef.attempts,
    backoffMs: indexJobRef.backoffMs,
    run: () => syncCustomFieldIndexes(rt.pools.owner, optedInModels(rt.addons)),
  };
}
