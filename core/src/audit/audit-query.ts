import { type AnyAddon, type JsonSchema, ValidationError } from '@elevate/sdk';
import type { TenantTx } from '../db/tenant-tx.ts';

/** The list's filters, as the query string carries them (validated by this schema). */
export const auditQuerySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 128, description: 'a model name, e.g. `crm.contact`' },
    table: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[a-z0-9_]+$' },
    record: { type: 'string', minLength: 1, maxLength: 256, description: "a record's id: its history" },
    user: { type: 'string', format: 'uuid' },
    action: { type: 'string', minLength: 1, maxLength: 64 },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
};

export interface AuditFilter {
  model?: string;
  table?: string;
  record?: string;
  user?: string;
  action?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export interface AuditRow {
  id: string;
  at: string;
  action: string;
  table: string | null;
  model: string | null;
  recordId: string | null;
  userId: string | null;
  userEmail: string | null;
  apiKeyId: string | null;
  actor: string;
  requestId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  detail: Record<string, unknown> | null;
}

/** Table name → model name, for the models of installed addons. */
export function modelsByTable(addons: readonly AnyAddon[]): ReadonlyMap<string, string> {
  return new Map(addons.flatMap((a) => a.models.map((m) => [m.table, m.name] as const)));
}

function where(f: AuditFilter, tables: ReadonlyMap<string, string>, tenantId: string) {
  const params: unknown[] = [tenantId];
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conds = ['a.tenant_id = $1'];
  if (f.model) {
    const table = [...tables].find(([, name]) => name === f.model)?.[0];
    if (!table) {
      throw new ValidationError(`No model "${f.model}"`, [{ path: 'model', message: 'must name an installed model' }]);
    }
    conds.push(`a.table_name = ${add(table)}`);
  }
  if (f.table) conds.push(`a.table_name = ${add(f.table)}`);
  if (f.record) conds.push(`a.record_id = ${add(f.record)}`);
  if (f.user) conds.push(`a.user_id = ${add(f.user)}::uuid`);
  if (f.action) conds.push(`a.action = ${add(f.action)}`);
  if (f.from) conds.push(`a.at >= ${add(f.from)}::timestamptz`);
  if (f.to) conds.push(`a.at < ${add(f.to)}::timestamptz`);
  if (f.from && f.to && Date.parse(f.from) > Date.parse(f.to)) {
    throw new ValidationError('from is after to', [{ path: 'from', message: 'must not be after `to`' }]);
  }
  return { sql: conds.join(' and '), params, add };
}

const COLUMNS = `a.id::text as id, a.at, a.action, a.table_name, a.record_id, a.user_id, u.email as user_email,
  a.api_key_id, a.actor, a.request_id, a.before, a.after, a.detail`;
const FROM = 'core_audit a left join core_user u on u.tenant_id = a.tenant_id and u.id = a.user_id';

type Raw = {
  id: string;
  at: Date | string;
  action: string;
  table_name: string | null;
  record_id: string | null;
  user_id: string | null;
  user_email: string | null;
  api_key_id: string | null;
  actor: string;
  request_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  detail: Record<string, unknown> | null;
};

function toRow(r: Raw, tables: ReadonlyMap<string, string>): AuditRow {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    action: r.action,
    table: r.table_name,
    model: r.table_name ? (tables.get(r.table_name) ?? null) : null,
    recordId: r.record_id,
    userId: r.user_id,
    userEmail: r.user_email,
    apiKeyId: r.api_key_id,
    actor: r.actor,
    requestId: r.request_id,
    before: r.before,
    after: r.after,
    detail: r.detail,
  };
}

/** One page of the tenant's audit log, newest first, with the total. */
export async function listAudit(
  tx: TenantTx,
  f: AuditFilter,
  tables: ReadonlyMap<string, string>,
): Promise<{ data: AuditRow[]; total_count: number; limit: number; offset: number }> {
  const w = where(f, tables, tx.tenantId);
  const rows = await tx.query<Raw & { total: string }>(
    `select ${COLUMNS}, count(*) over () as total from ${FROM} where ${w.sql}
     order by a.at desc, a.id desc limit ${w.add(f.limit)} offset ${w.add(f.offset)}`,
    w.params,
  );
  let total = Number(rows[0]?.total ?? 0);
  if (!rows.length && f.offset > 0) {
    const c = await tx.query<{ n: string }>(`select count(*) as n from core_audit a where ${w.sql}`, w.params);
    total = Number(c[0]?.n ?? 0);
  }
  return { data: rows.map((r) => toRow(r, tables)), total_count: total, limit: f.limit, offset: f.offset };
}

/** Every matching entry (up to `max`), read from a cursor in chunks. */
export async function* auditRows(
  tx: TenantTx,
  f: Omit<AuditFilter, 'limit' | 'offset'>,
  tables: ReadonlyMap<string, string>,
  max: number,
): AsyncGenerator<AuditRow> {
  const w = where({ ...f, limit: max, offset: 0 }, tables, tx.tenantId);
  await tx.query(
    `declare core_audit_export no scroll cursor for select ${COLUMNS} from ${FROM} where ${w.sql}
     order by a.at desc, a.id desc limit ${w.add(max)}`,
    w.params,
  );
  for (;;) {
    const batch = await tx.query<Raw>('fetch 1000 from core_audit_export');
    for (const r of batch) yield toRow(r, tables);
    if (batch.length < 1000) break;
  }
  await tx.query('close core_audit_export');
}
