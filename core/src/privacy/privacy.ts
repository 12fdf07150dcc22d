import { createHash, randomUUID } from 'node:crypto';
import {
  type AnyAddon,
  type AnyModel,
  AppError,
  type FieldDef,
  fieldColumn,
  type JobDef,
  NotFoundError,
  ValidationError,
} from '@elevate/sdk';
import type pg from 'pg';
import { audit } from '../audit/audit.ts';
import { type TenantTx, withTenant, withTenantAs } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import { outboxPublisher } from '../events/outbox.ts';
import { EMAIL } from '../mail/mailer.ts';
import type { KernelJob, Runtime } from '../runtime.ts';

export const PRIVACY_JOB = 'core.privacy.run';
export const PRIVACY_MANAGE = 'core.privacy.manage';
/** How long an export waits for its (single) download. */
export const EXPORT_TTL_HOURS = 24;
/** What an erased string field holds when it may not be null. */
export const ERASED = '[erased]';

export type PrivacyKind = 'export' | 'erase';

export interface PrivacyRequestView {
  id: string;
  kind: PrivacyKind;
  /** Null once an erasure has run (the request does not keep the erased person's email). */
  email: string | null;
  status: 'pending' | 'running' | 'done' | 'refused' | 'failed';
  progress: number;
  reason: string | null;
  result: Record<string, unknown> | null;
  /** An export waiting for its download; it goes with the first download or at expiresAt. */
  downloadable: boolean;
  expiresAt: string | null;
  downloadedAt: string | null;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

const SELECT = `select id, kind, email, status, progress, reason, result,
    (export is not null and expires_at > now()) as downloadable, expires_at as "expiresAt",
    downloaded_at as "downloadedAt", created_by as "createdBy", created_at as "createdAt", finished_at as "finishedAt"
  from core_privacy_request`;

const subjectHash = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

/** The outbox reads only the name; the kernel job (privacyJob) does the work. */
const jobRef: JobDef<{ requestId: string }> = {
  kind: 'job',
  name: PRIVACY_JOB,
  attempts: 3,
  backoffMs: 1000,
  run: () => {},
};

/** One model holding personal data, with the columns the privacy rule works on. */
interface PersonalModel {
  addon: string;
  model: AnyModel;
  subject: string;
  /** Personal field columns, with what anonymising writes there. */
  columns: { column: string; erased: string | null }[];
  rule: NonNullable<AnyModel['privacy']>;
}

/** Every enabled addon's models that say where they keep personal data. */
export function personalModels(addons: readonly AnyAddon[], enabled: ReadonlySet<string>): PersonalModel[] {
  const out: PersonalModel[] = [];
  for (const addon of addons) {
    if (!enabled.has(addon.id)) continue;
    for (const model of addon.models) {
      const rule = model.privacy;
      if (!rule) continue;
      const fields = model.fields as Record<string, FieldDef>;
      const columns = Object.entries(fields)
        .filter(([, d]) => d.personal)
        .map(([k, d]) => ({
          column: fieldColumn(k, d),
          erased: d.required && (d.kind === 'string' || d.kind === 'text') ? ERASED : null,
        }));
      out.push({
        addon: addon.id,
        model,
        subject: fieldColumn(rule.subject, fields[rule.subject] as FieldDef),
        columns,
        rule,
      });
    }
  }
  return out;
}

/** The model's rows whose subject field is the email (case-insensitive), under the tenant's RLS. */
async function rowsOf(tx: TenantTx, m: PersonalModel, email: string, lock: boolean) {
  // Table and column names come from model and field names (checked by defineModel): safe to quote.
  return tx.query<Record<string, unknown> & { id: string }>(
    `select * from "${m.model.table}" where tenant_id = $1 and lower("${m.subject}") = lower($2) order by created_at, id${lock ? ' for update' : ''}`,
    [tx.tenantId, email],
  );
}

/** Requests: create, list, read, download. The work runs in the privacy job. */
export class PrivacyRequests {
  private readonly rt: Runtime;
  constructor(rt: Runtime) {
    this.rt = rt;
  }

  async create(tx: TenantTx, userId: string, kind: PrivacyKind, email: string): Promise<PrivacyRequestView> {
    const address = email.trim();
    if (address.length > 320 || !EMAIL.test(address)) {
      throw new ValidationError('Invalid email', [{ path: 'email', message: 'must be an email address' }]);
    }
    const id = randomUUID();
    await tx.query(
      `insert into core_privacy_request (tenant_id, id, kind, email, subject_hash, created_by) values ($1, $2, $3, $4, $5, $6)`,
      [tx.tenantId, id, kind, address, subjectHash(address), userId],
    );
    await outboxPublisher(tx, userId, this.rt.wakeRelay).enqueue(jobRef, { requestId: id }, { jobId: id });
    // The log says that a request was made, not about whom.
    await audit(tx, { action: `privacy.${kind}.request`, table: 'core_privacy_request', recordId: id });
    return this.get(tx, id);
  }

  async list(tx: TenantTx): Promise<PrivacyRequestView[]> {
    return tx.query<PrivacyRequestView>(`${SELECT} where tenant_id = $1 order by created_at desc, id limit 200`, [
      tx.tenantId,
    ]);
  }

  async get(tx: TenantTx, id: string): Promise<PrivacyRequestView> {
    const rows = isUuid(id)
      ? await tx.query<PrivacyRequestView>(`${SELECT} where tenant_id = $1 and id = $2`, [tx.tenantId, id])
      : [];
    if (!rows[0]) throw new NotFoundError('Privacy request');
    return rows[0];
  }

  /**
   * The export's JSON, once: taking it clears it (single use), in a transaction of its own (a
   * GET runs read-only). 404 when there is no such request, 410 when it is gone or expired.
   */
  async download(tx: TenantTx, id: string): Promise<unknown> {
    const req = await this.get(tx, id);
    if (req.kind !== 'export') throw new NotFoundError('Export');
    const own = tx.sibling();
    try {
      const rows = await own.query<{ export: unknown }>(
        `with r as (select export from core_privacy_request where tenant_id = $1 and id = $2 and export is not null and expires_at > now() for update)
         update core_privacy_request p set export = null, downloaded_at = now() from r
         where p.tenant_id = $1 and p.id = $2 returning r.export`,
        [tx.tenantId, id],
      );
      if (!rows[0]) {
        await own.rollback();
        throw new AppError('EXPORT_GONE', 'This export was downloaded already or has expired; start a new request', {
          status: 410,
        });
      }
      await audit(own, { action: 'privacy.export.download', table: 'core_privacy_request', recordId: id });
      await own.commit();
      return rows[0].export;
    } catch (err) {
      if (own.started) await own.rollback().catch(() => {});
      throw err;
    }
  }
}

/** Progress in a transaction of its own, so a poller sees it while the work's transaction is open. */
async function progress(rt: Runtime, tenantId: string, id: string, p: number, report?: (p: number) => Promise<void>) {
  const pct = Math.max(0, Math.min(100, Math.round(p)));
  await withTenant(rt.pools.app, tenantId, (tx) =>
    tx.query('update core_privacy_request set progress = $3 where tenant_id = $1 and id = $2', [tenantId, id, pct]),
  );
  await report?.(pct).catch(() => {});
}

interface RequestRow {
  id: string;
  kind: PrivacyKind;
  email: string | null;
  status: string;
  subject_hash: string;
  created_by: string | null;
  result: { erased?: { table: string; columns: string[]; ids: string[]; deleted: boolean }[] } | null;
}

/** The kernel job: runs one request (export or erase) for its tenant. */
export function privacyJob(rt: Runtime): KernelJob {
  return {
    name: PRIVACY_JOB,
    attempts: jobRef.attempts,
    backoffMs: jobRef.backoffMs,
    async run(data, job) {
      const requestId = (data as { requestId?: string }).requestId ?? '';
      const rows = await withTenant(rt.pools.app, job.tenantId, (tx) =>
        tx.query<RequestRow>(
          'select id, kind, email, status, subject_hash, created_by, result from core_privacy_request where tenant_id = $1 and id = $2',
          [job.tenantId, requestId],
        ),
      );
      const req = rows[0];
      if (!req || req.status === 'done' || req.status === 'refused') return { skipped: true };
      const actor = { actor: `job:${PRIVACY_JOB}`, userId: req.created_by };
      if (req.status !== 'running') {
        await withTenant(rt.pools.app, job.tenantId, (tx) =>
          tx.query(`update core_privacy_request set status = 'running' where tenant_id = $1 and id = $2`, [
            job.tenantId,
            requestId,
          ]),
        );
      }
      try {
        if (req.kind === 'export') return await runExport(rt, job.tenantId, req, actor, job.progress);
        return await runErase(rt, job.tenantId, req, actor, job.progress);
      } catch (err) {
        if (job.final) {
          await withTenant(rt.pools.app, job.tenantId, (tx) =>
            tx.query(
              `update core_privacy_request set status = 'failed', reason = $3, finished_at = now() where tenant_id = $1 and id = $2`,
              [job.tenantId, requestId, String((err as Error).message ?? err).slice(0, 500)],
            ),
          );
        }
        throw err;
      }
    },
  };
}

type Actor = { actor: string; userId: string | null };

async function runExport(
  rt: Runtime,
  tenantId: string,
  req: RequestRow,
  actor: Actor,
  report?: (p: number) => Promise<void>,
) {
  const email = req.email ?? '';
  const models = personalModels(rt.addons, await rt.enabledAddons(tenantId));
  const data: Record<string, Record<string, unknown[]>> = {};
  let total = 0;
  for (const [i, m] of models.entries()) {
    const rows = await withTenant(rt.pools.app, tenantId, (tx) => rowsOf(tx, m, email, false));
    if (rows.length) {
      data[m.addon] ??= {};
      (data[m.addon] as Record<string, unknown[]>)[m.model.name] = rows.map(({ tenant_id: _t, ...r }) => r);
      total += rows.length;
    }
    await progress(rt, tenantId, req.id, ((i + 1) / (models.length + 1)) * 100, report);
  }
  const doc = {
    format: 'elevate.privacy-export/1',
    subject: { email },
    generatedAt: new Date().toISOString(),
    models: models.map((m) => m.model.name),
    data,
  };
  const counts = Object.fromEntries(
    Object.values(data).flatMap((byModel) => Object.entries(byModel).map(([k, v]) => [k, v.length])),
  );
  await withTenantAs(actor, rt.pools.app, tenantId, async (tx) => {
    await tx.query(
      `update core_privacy_request set status = 'done', progress = 100, export = $3, result = $4,
         expires_at = now() + make_interval(hours => $5), finished_at = now() where tenant_id = $1 and id = $2`,
      [tenantId, req.id, JSON.stringify(doc), JSON.stringify({ rows: total, counts }), EXPORT_TTL_HOURS],
    );
    await audit(tx, {
      action: 'privacy.export',
      table: 'core_privacy_request',
      recordId: req.id,
      detail: { rows: total, counts },
    });
  });
  return { rows: total };
}

async function runErase(
  rt: Runtime,
  tenantId: string,
  req: RequestRow,
  actor: Actor,
  report?: (p: number) => Promise<void>,
) {
  // A retry after the erasure committed but the audit scrub failed: scrub again, by record.
  if (req.status === 'running' && req.result?.erased) {
    await scrubAudit(rt.pools.owner, tenantId, req.result.erased, []);
    await finish(rt, tenantId, req.id, actor);
    return { erased: true, retried: true };
  }
  const email = req.email ?? '';
  const models = personalModels(rt.addons, await rt.enabledAddons(tenantId));
  const values = new Set<string>([email]);
  const outcome = await withTenantAs(actor, rt.pools.app, tenantId, async (tx) => {
    const found: { m: PersonalModel; rows: (Record<string, unknown> & { id: string })[] }[] = [];
    for (const m of models) found.push({ m, rows: await rowsOf(tx, m, email, true) });
    await progress(rt, tenantId, req.id, 30, report);
    // Holds first: one of them refuses the whole erasure, and nothing changes.
    const holds: { model: string; id: string; reason: string }[] = [];
    for (const { m, rows } of found) {
      if (!m.rule.hold) continue;
      for (const row of rows) {
        const reason = await m.rule.hold(tx, row);
        if (reason) holds.push({ model: m.model.name, id: row.id, reason });
      }
    }
    if (holds.length) {
      const reason = `Refused: ${holds.map((h) => `${h.model} ${h.id}: ${h.reason}`).join('; ')}`.slice(0, 2000);
      await tx.query(
        `update core_privacy_request set status = 'refused', progress = 100, reason = $3, result = $4, finished_at = now()
         where tenant_id = $1 and id = $2`,
        [tenantId, req.id, reason, JSON.stringify({ holds })],
      );
      await audit(tx, {
        action: 'privacy.erase.refused',
        table: 'core_privacy_request',
        recordId: req.id,
        detail: { holds: holds.map(({ model, id, reason }) => ({ model, id, reason })) },
      });
      return { refused: reason, erased: [] };
    }
    const erased: NonNullable<NonNullable<RequestRow['result']>['erased']> = [];
    const counts: Record<string, number> = {};
    for (const { m, rows } of found) {
      if (!rows.length) continue;
      for (const row of rows) {
        for (const c of m.columns) {
          const v = row[c.column];
          if (typeof v === 'string' && v !== '' && v !== ERASED) values.add(v);
        }
      }
      const ids = rows.map((r) => r.id);
      if (m.rule.erase === 'delete') {
        await tx.query(`delete from "${m.model.table}" where tenant_id = $1 and id = any($2::uuid[])`, [tenantId, ids]);
      } else {
        const sets = m.columns.map((c, i) => `"${c.column}" = $${i + 3}`).join(', ');
        await tx.query(
          `update "${m.model.table}" set ${sets}, updated_at = now() where tenant_id = $1 and id = any($2::uuid[])`,
          [tenantId, ids, ...m.columns.map((c) => c.erased)],
        );
      }
      counts[m.model.name] = ids.length;
      erased.push({
        table: m.model.table,
        columns: m.columns.map((c) => c.column),
        ids,
        deleted: m.rule.erase === 'delete',
      });
    }
    await scrubOutbox(tx, [...values]);
    await scrubPlatformCopies(tx, [...values]);
    // Earlier requests about this person keep neither the email nor an export.
    await tx.query(
      'update core_privacy_request set email = null, export = null where tenant_id = $1 and subject_hash = $2',
      [tenantId, req.subject_hash],
    );
    await tx.query('update core_privacy_request set result = $3 where tenant_id = $1 and id = $2', [
      tenantId,
      req.id,
      JSON.stringify({ erased, counts }),
    ]);
    // Logged without the values: which models, how many rows.
    await audit(tx, { action: 'privacy.erase', table: 'core_privacy_request', recordId: req.id, detail: { counts } });
    return { refused: null, erased };
  });
  if (outcome.refused) return { refused: outcome.refused };
  await progress(rt, tenantId, req.id, 70, report);
  await scrubAudit(rt.pools.owner, tenantId, outcome.erased, [...values]);
  await finish(rt, tenantId, req.id, actor);
  return { erased: outcome.erased.reduce((n, e) => n + e.ids.length, 0) };
}

async function finish(rt: Runtime, tenantId: string, id: string, actor: Actor) {
  await withTenantAs(actor, rt.pools.app, tenantId, (tx) =>
    tx.query(
      `update core_privacy_request set status = 'done', progress = 100, finished_at = now() where tenant_id = $1 and id = $2`,
      [tenantId, id],
    ),
  );
}

const MARK = JSON.stringify(ERASED);

/** The values to scrub, the email (the first), and LIKE patterns finding candidates by text (JSON-, LIKE-escaped). */
function scrubSet(values: readonly string[]) {
  const exact = new Set(values.filter((v) => v.length > 0).flatMap((v) => [v, v.toLowerCase()]));
  const email = (values[0] ?? '').toLowerCase();
  const patterns = [...exact].map(
    (v) =>
      `%${JSON.stringify(v)
        .slice(1, -1)
        .replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
  );
  return { exact, email, patterns };
}

/**
 * Events already relayed (and any still waiting) keep their payloads in core_outbox: the
 * person's values go from them too, in the erasure's transaction (the app role may update it).
 */
async function scrubOutbox(tx: TenantTx, values: readonly string[]): Promise<void> {
  const { exact, email, patterns } = scrubSet(values);
  if (!exact.size) return;
  const rows = await tx.query<{ id: string; payload: unknown }>(
    'select id::text, payload from core_outbox where tenant_id = $1 and payload::text ilike any($2::text[])',
    [tx.tenantId, patterns],
  );
  for (const r of rows) {
    const p = scrubJson(r.payload, exact, email);
    if (!p.changed) continue;
    await tx.query('update core_outbox set payload = $3 where tenant_id = $1 and id = $2::bigint', [
      tx.tenantId,
      r.id,
      JSON.stringify(p.v),
    ]);
  }
}
/**
 * The platform's own copies of what it sent or showed about the person: webhook delivery bodies
 * (the events' payloads), in-app notifications (free text: every occurrence of a value of three or
 * more characters is replaced) and the mail log (the address and the template data). In the
 * erasure's transaction, as the app role.
 */
async function scrubPlatformCopies(tx: TenantTx, values: readonly string[]): Promise<void> {
  const { exact, email } = scrubSet(values);
  if (!exact.size) return;
  const words = [...exact].filter((v) => v.length >= 3);
  const plain = words.map((v) => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const scrubText = (text: string | null) => {
    if (text === null) return { v: null, changed: false };
    let out = text;
    for (const w of words) out = out.replace(new RegExp(w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), ERASED);
    return { v: out, changed: out !== text };
  };
  const deliveries = await tx.query<{ id: string; body: string }>(
    'select id::text, body from core_webhook_delivery where tenant_id = $1 and body ilike any($2::text[])',
    [tx.tenantId, plain],
  );
  for (const d of deliveries) {
    let body: string;
    try {
      const p = scrubJson(JSON.parse(d.body), exact, email);
      // Free text inside the payload (a title "Ada Lovelace") is scrubbed word by word too.
      body = scrubText(JSON.stringify(p.v)).v ?? '';
    } catch {
      body = scrubText(d.body).v ?? '';
    }
    await tx.query('update core_webhook_delivery set body = $3 where tenant_id = $1 and id = $2::uuid', [
      tx.tenantId,
      d.id,
      body,
    ]);
  }
  const notes = await tx.query<{ id: string; title: string; body: string | null }>(
    `select id::text, title, body from core_notification
      where tenant_id = $1 and (title ilike any($2::text[]) or body ilike any($2::text[]))`,
    [tx.tenantId, plain],
  );
  for (const n of notes) {
    await tx.query('update core_notification set title = $3, body = $4 where tenant_id = $1 and id = $2::uuid', [
      tx.tenantId,
      n.id,
      scrubText(n.title).v,
      scrubText(n.body).v,
    ]);
  }
  const mails = await tx.query<{ id: string; to_address: string; data: unknown }>(
    `select id::text, to_address, data from core_mail_log
      where tenant_id = $1 and (lower(to_address) = $2 or data::text ilike any($3::text[]))`,
    [tx.tenantId, email, plain],
  );
  for (const m of mails) {
    const data = m.data === null ? null : scrubText(JSON.stringify(scrubJson(m.data, exact, email).v)).v;
    await tx.query(
      'update core_mail_log set to_address = $3, data = $4::jsonb where tenant_id = $1 and id = $2::uuid',
      [tx.tenantId, m.id, m.to_address.toLowerCase() === email ? ERASED : m.to_address, data],
    );
  }
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** Replaces, in a JSON value, strings equal to one of `values` (and any containing the email) with "[erased]". */
function scrubJson(v: unknown, exact: ReadonlySet<string>, email: string): { v: unknown; changed: boolean } {
  if (typeof v === 'string') {
    const lower = v.toLowerCase();
    if (exact.has(v) || exact.has(lower)) return { v: ERASED, changed: true };
    if (email && lower.includes(email)) {
      return { v: v.replace(new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), ERASED), changed: true };
    }
    return { v, changed: false };
  }
  if (Array.isArray(v)) {
    let changed = false;
    const out = v.map((x) => {
      const r = scrubJson(x, exact, email);
      changed ||= r.changed;
      return r.v;
    });
    return { v: out, changed };
  }
  if (v && typeof v === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = scrubJson(x, exact, email);
      changed ||= r.changed;
      out[k] = r.v;
    }
    return { v: out, changed };
  }
  return { v, changed: false };
}

/**
 * Removes the erased person's values from the tenant's audit log, as the schema owner (the app
 * role may only insert and read core_audit), in one owner transaction:
 * 1. the entries of the erased records: their personal columns in before/after become "[erased]";
 * 2. any other entry whose before/after/detail holds one of the values (as a whole string; the
 *    email also inside a longer string).
 * Which entries exist, who acted and when stay: the log is consistent, only the values go.
 */
export async function scrubAudit(
  owner: pg.Pool,
  tenantId: string,
  erased: readonly { table: string; columns: string[]; ids: string[] }[],
  values: readonly string[],
): Promise<number> {
  const client = await owner.connect();
  let n = 0;
  try {
    await client.query('begin');
    for (const e of erased) {
      const mask = (col: string) =>
        `case when ${col} is null then null else ${col} || coalesce((select jsonb_object_agg(k, '${MARK}'::jsonb) from unnest($4::text[]) k where ${col} ? k), '{}'::jsonb) end`;
      const res = await client.query(
        `update core_audit set before = ${mask('before')}, after = ${mask('after')}
         where tenant_id = $1 and table_name = $2 and record_id = any($3::text[])`,
        [tenantId, e.table, e.ids, e.columns],
      );
      n += res.rowCount ?? 0;
    }
    const { exact, email, patterns } = scrubSet(values);
    if (exact.size) {
      const { rows } = await client.query<{ id: string; before: unknown; after: unknown; detail: unknown }>(
        `select id::text, before, after, detail from core_audit where tenant_id = $1
           and (coalesce(before::text, '') || coalesce(after::text, '') || coalesce(detail::text, '')) ilike any($2::text[])`,
        [tenantId, patterns],
      );
      for (const r of rows) {
        const b = scrubJson(r.before, exact, email);
        const a = scrubJson(r.after, exact, email);
        const d = scrubJson(r.detail, exact, email);
        if (!b.changed && !a.changed && !d.changed) continue;
        await client.query(
          'update core_audit set before = $3, after = $4, detail = $5 where tenant_id = $1 and id = $2::bigint',
          [tenantId, r.id, json(b.v), json(a.v), json(d.v)],
        );
        n++;
      }
    }
    await client.query('commit');
    return n;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
