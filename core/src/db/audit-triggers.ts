import type pg from 'pg';
import { quoteIdent, quoteLiteral } from './pools.ts';

/**
 * Tenant tables whose changes are not audited: the log itself, delivery and session plumbing
 * (the outbox, the mail and webhook delivery logs, notifications, refresh tokens and one-time reset/verify tokens: logins
 * are logged explicitly), and addon step bookkeeping.
 */
export const UNAUDITED_TABLES: ReadonlySet<string> = new Set([
  'core_audit',
  'core_outbox',
  'core_mail_log',
  'core_webhook_delivery',
  'core_notification',
  'core_notification_digest',
  'core_refresh_token',
  'core_user_token',
  'core_tenant_addon_step',
  // Privacy requests carry the person's email and export: logged by the privacy service, without them.
  'core_privacy_request',
  // Automation run history and the watch list derived from rules (rules themselves are audited).
  'core_automation_run',
  'core_automation_step',
  'core_automation_watch',
  'core_automation_cursor',
  'core_automation_state',
]);

/** Columns whose values the log masks as "[redacted]" (it records that they changed, not to what). */
export const SECRET_COLUMN = '(password|secret|token|hash)';

/** Inserts and deletes per statement (transition tables: one insert into the log for a bulk write); updates per row. */
const EVENTS = [
  ['core_audit_ins', 'insert', 'referencing new table as new_rows for each statement', 'core_audit_capture'],
  ['core_audit_upd', 'update', 'for each row when (old.* is distinct from new.*)', 'core_audit_update_row'],
  ['core_audit_del', 'delete', 'referencing old table as old_rows for each statement', 'core_audit_capture'],
] as const;

/**
 * Attaches the audit trigger (core_audit_capture, core-0008) to every tenant table in the
 * schema: every table with a tenant_id column and a primary key, of the core and of every
 * addon, so a new addon's tables are audited with no line of their own. Arguments: the key
 * columns, then '|' and the mask spec of the columns not kept as they are. `unaudited`: the
 * tables of models declared `audited: false`, whose triggers are removed. Idempotent (run by
 * the migrate step after the migrations); returns the tables it covers.
 */
export async function attachAuditTriggers(
  pool: pg.Pool,
  unaudited: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  // One process at a time (several nodes may migrate at once): concurrent `create or replace
  // trigger` on one table fails with "tuple concurrently updated".
  const owner = await pool.connect();
  try {
    await owner.query("select pg_advisory_lock(hashtext('core_audit_attach'))");
    return await attach(owner, unaudited);
  } finally {
    await owner.query("select pg_advisory_unlock(hashtext('core_audit_attach'))").catch(() => {});
    owner.release();
  }
}

async function attach(owner: pg.PoolClient, unaudited: ReadonlySet<string>): Promise<string[]> {
  // The mask spec (core_audit_mask): '-' secret, '!' generated (left out), '~' unbounded text/JSON/bytes (cut).
  const { rows } = await owner.query<{ table: string; pk: string[]; spec: string[] }>(
    `select c.relname as table,
            array(select case when a.attname ~ '${SECRET_COLUMN}' then '-' when a.attgenerated <> '' then '!' else '~' end || a.attname
                  from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                    and (a.attname ~ '${SECRET_COLUMN}' or a.attgenerated <> ''
                         or a.atttypid in ('text'::regtype, 'json'::regtype, 'jsonb'::regtype, 'bytea'::regtype, 'tsvector'::regtype)
                         or (a.atttypid = 'varchar'::regtype and a.atttypmod < 0))
                  order by a.attnum)::text[] as spec,
            array(select a.attname from unnest(i.indkey) with ordinality k(attnum, n)
                  join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
                  where a.attname <> 'tenant_id' order by k.n)::text[] as pk
     from pg_class c
     join pg_namespace s on s.oid = c.relnamespace and s.nspname = 'public'
     join pg_index i on i.indrelid = c.oid and i.indisprimary
     where c.relkind = 'r'
       and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
     order by c.relname`,
  );
  const existing = await owner.query<{ table: string; name: string; def: string }>(
    `select c.relname as table, t.tgname as name, pg_get_triggerdef(t.oid) as def
     from pg_trigger t join pg_class c on c.oid = t.tgrelid where t.tgname like 'core\\_audit\\_%'`,
  );
  const have = new Map(existing.rows.map((r) => [`${r.table}/${r.name}`, r.def]));
  const covered: string[] = [];
  for (const { table, pk, spec } of rows) {
    if (UNAUDITED_TABLES.has(table)) continue;
    if (unaudited.has(table)) {
      // A model declared `audited: false`: its triggers go (they were attached before it was).
      for (const [name] of EVENTS) {
        if (have.has(`${table}/${name}`)) await owner.query(`drop trigger ${name} on ${quoteIdent(table)}`);
      }
      continue;
    }
    // A table keyed by the tenant alone (one row per tenant: branding) names its record by the tenant.
    const key = pk.length ? pk : ['tenant_id'];
    const args = [...key, ...(spec.length ? ['|', ...spec] : [])].map((c) => quoteLiteral(c)).join(', ');
    for (const [name, event, referencing, fn] of EVENTS) {
      // Already there with the same key columns: leave it (no lock taken on a busy table).
      if (have.get(`${table}/${name}`)?.endsWith(`${fn}(${args})`)) continue;
      await owner.query(
        `create or replace trigger ${name} after ${event} on ${quoteIdent(table)} ${referencing}
         execute function ${fn}(${args})`,
      );
    }
    covered.push(table);
  }
  return covered;
}
