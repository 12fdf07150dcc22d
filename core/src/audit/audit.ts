import type { AuditRecord } from '@elevate/sdk';
import type pg from 'pg';
import { type TenantTx, type TxActor, withTenant } from '../db/tenant-tx.ts';

/** An explicit entry; `userId`/`actor` override the transaction's actor (a login names its user). */
export interface AuditEntry extends AuditRecord {
  userId?: string | null;
  actor?: string | null;
}

const INSERT = `insert into core_audit (tenant_id, action, table_name, record_id, detail, user_id, api_key_id, actor, request_id)
  values ($1, $2, $3, $4, $5,
    coalesce($6::uuid, nullif(current_setting('app.user_id', true), '')::uuid),
    nullif(current_setting('app.api_key_id', true), '')::uuid,
    coalesce($7, nullif(current_setting('app.actor', true), ''),
      case when nullif(current_setting('app.api_key_id', true), '') is not null then 'api_key'
           when coalesce($6::uuid::text, nullif(current_setting('app.user_id', true), '')) is not null then 'user' else 'system' end),
    nullif(current_setting('app.request_id', true), ''))`;

async function insert(tx: TenantTx, e: AuditEntry): Promise<void> {
  await tx.query(
    INSERT,
    [
      tx.tenantId,
      e.action.slice(0, 64),
      e.table?.slice(0, 128) ?? null,
      e.recordId?.slice(0, 256) ?? null,
      e.detail ? JSON.stringify(e.detail) : null,
      e.userId ?? null,
      e.actor?.slice(0, 160) ?? null,
    ],
    { prepare: true },
  );
}

/**
 * Writes an explicit audit entry in `tx`, so it commits or rolls back with the change it
 * describes. A read-only transaction (a GET: an export) cannot write and is rolled back at the
 * end anyway: the entry goes into a transaction of its own, as the same actor, before the
 * response leaves.
 */
export async function audit(tx: TenantTx, entry: AuditEntry): Promise<void> {
  if (!tx.readOnly) return insert(tx, entry);
  const own = tx.sibling();
  try {
    await insert(own, entry);
    await own.commit();
  } catch (err) {
    await own.rollback();
    throw err;
  }
}

/** An entry in a transaction of its own (logins: the login's own transaction may roll back). */
export function auditAlone(pool: pg.Pool, tenantId: string, entry: AuditEntry, actor?: TxActor): Promise<void> {
  return withTenant(pool, tenantId, (tx) => insert(tx, entry), actor);
}
