import type pg from 'pg';
import type { TenantTx } from '../db/tenant-tx.ts';

/** How long a tenant keeps its audit log when it has not said. */
export const DEFAULT_RETENTION_DAYS = 365;

/** The core's own job scheduler: one for all tenants (ids without `/` are not tenant schedulers). */
export const AUDIT_PURGE_JOB = 'core.audit.purge';
export const AUDIT_PURGE_SCHEDULER = 'core.audit.purge';
export const AUDIT_PURGE_EVERY_MS = 24 * 3600_000;

export async function readRetention(tx: TenantTx): Promise<{ retentionDays: number }> {
  const rows = await tx.query<{ retention_days: number }>(
    'select retention_days from core_audit_setting where tenant_id = $1',
    [tx.tenantId],
  );
  return { retentionDays: rows[0]?.retention_days ?? DEFAULT_RETENTION_DAYS };
}

export async function writeRetention(tx: TenantTx, days: number): Promise<{ retentionDays: number }> {
  await tx.query(
    `insert into core_audit_setting (tenant_id, retention_days) values ($1, $2)
     on conflict (tenant_id) do update set retention_days = excluded.retention_days, updated_at = now()`,
    [tx.tenantId, days],
  );
  return { retentionDays: days };
}

/**
 * Deletes every tenant's entries older than its retention. Runs as the schema owner: the app
 * role cannot delete audit rows (its own policy lets the owner across tenants). `now` is for tests.
 */
export async function purgeExpiredAudit(owner: pg.Pool, now: Date = new Date()): Promise<number> {
  const res = await owner.query(
    `delete from core_audit a
     where a.at < $1::timestamptz - make_interval(days => coalesce(
       (select s.retention_days from core_audit_setting s where s.tenant_id = a.tenant_id), $2))`,
    [now.toISOString(), DEFAULT_RETENTION_DAYS],
  );
  return res.rowCount ?? 0;
}
