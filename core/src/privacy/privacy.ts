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
import { audit } from '../audit/audit.ts';
import { type TenantTx, withTenant, withTenantAs } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import { outboxPublisher } from '../events/outbox.ts';
import { EMAIL } from '../mail/mailer.ts';
import type { KernelJob, Runtime } from '../runtime.ts';
import { ERASED, scrubAudit, scrubOutbox, scrubPlatformCopies } from './scrub.ts';

export { ERASED } from './scrub.ts';

export const PRIVACY_JOB = 'core.privacy.run';
export const PRIVACY_MANAGE = 'core.privacy.manage';
/** How long an export waits for its (single) download. */
export const EXPORT_TTL_HOURS = 24;
/** What an erased string field holds when it may not be null. */

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
    const copies = await scrubPlatformCopies(tx, [...values]);
    if (copies.comments.length) {
      erased.push({ table: 'core_comment', columns: ['body'], ids: copies.comments, deleted: false });
    }
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
