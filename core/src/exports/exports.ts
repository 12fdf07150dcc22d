import { randomUUID } from 'node:crypto';
import {
  type AnyAddon,
  AppError,
  type ExportDef,
  type JobDef,
  NotFoundError,
  ValidationError,
  validationMessage,
} from '@elevate/sdk';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { requestContext, systemContext } from '../context/context.ts';
import { type TenantTx, withTenant, withTenantAs } from '../db/tenant-tx.ts';
import { signLink } from '../documents/links.ts';
import { outboxPublisher } from '../events/outbox.ts';
import { type NotificationText, notificationText, readersLanguages } from '../notifications/texts.ts';
import type { KernelJob, Runtime } from '../runtime.ts';

// Background exports (an addon's `defineExport`): a row in core_export, a kernel job that runs the
// export as the user who asked (their permissions and record rules, read in their tenant), the file
// kept until expires_at, a notification when it is ready, downloads by signed link (like documents).

export const EXPORT_JOB = 'core.export.run';
/** How long a finished export can be downloaded. */
export const EXPORT_KEEP_SEC = 24 * 3600;

export interface ExportView {
  id: string;
  name: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  rows: number | null;
  filename: string | null;
  size: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
  /** While downloadable: an absolute signed link, valid until expiresAt (no sign-in). */
  url?: string;
}

const COLUMNS = `id, name, status, rows, filename, size, error, created_at as "createdAt", finished_at as "finishedAt",
  expires_at as "expiresAt"`;

const jobRef: JobDef<{ exportId: string }> = {
  kind: 'job',
  name: EXPORT_JOB,
  attempts: 2,
  backoffMs: 2000,
  run: () => {},
};

// Params arrive like a query string (the list's filters): coerced, defaults applied.
const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true });
addFormats.default(ajv);
const validators = new WeakMap<ExportDef, ReturnType<typeof ajv.compile>>();

export class Exports {
  private readonly rt: Runtime;
  constructor(rt: Runtime) {
    this.rt = rt;
  }

  /** The export of an enabled addon by name, or 404 (a disabled addon's exports do not exist). */
  find(name: string, enabled: ReadonlySet<string>): { addon: AnyAddon; def: ExportDef } {
    for (const addon of this.rt.addons) {
      if (!enabled.has(addon.id)) continue;
      const def = addon.exports.find((e) => e.name === name);
      if (def) return { addon, def };
    }
    throw new NotFoundError('Export');
  }

  /** Validates, records and queues one export for the caller. */
  async start(tx: TenantTx, userId: string, def: ExportDef, params: unknown): Promise<ExportView> {
    let v = validators.get(def);
    if (!v) {
      v = ajv.compile(def.params);
      validators.set(def, v);
    }
    const copy = structuredClone(params ?? {});
    if (!v(copy)) {
      throw new ValidationError(
        'Invalid export parameters',
        (v.errors ?? []).map((e) => ({
          path: `params${e.instancePath.replace(/\//g, '.')}${e.keyword === 'additionalProperties' ? `.${(e.params as { additionalProperty: string }).additionalProperty}` : ''}`,
          message: validationMessage(e),
        })),
      );
    }
    const id = randomUUID();
    await tx.query('insert into core_export (tenant_id, id, user_id, name, params) values ($1, $2, $3, $4, $5)', [
      tx.tenantId,
      id,
      userId,
      def.name,
      JSON.stringify(copy),
    ]);
    await outboxPublisher(tx, userId, this.rt.wakeRelay).enqueue(jobRef, { exportId: id }, { jobId: id });
    return this.get(tx, userId, id);
  }

  /** One of the caller's own exports (404 for anyone else's), with its link while downloadable. */
  async get(tx: TenantTx, userId: string, id: string): Promise<ExportView> {
    const rows = await tx.query<ExportView>(
      `select ${COLUMNS} from core_export where tenant_id = $1 and id = $2 and user_id = $3`,
      [tx.tenantId, id, userId],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError('Export');
    return this.withLink(tx.tenantId, row);
  }

  async list(tx: TenantTx, userId: string): Promise<ExportView[]> {
    const rows = await tx.query<ExportView>(
      `select ${COLUMNS} from core_export where tenant_id = $1 and user_id = $2 order by created_at desc, id limit 50`,
      [tx.tenantId, userId],
    );
    return rows.map((r) => this.withLink(tx.tenantId, r));
  }

  private withLink(tenantId: string, row: ExportView): ExportView {
    const exp = row.expiresAt ? Math.floor(new Date(row.expiresAt).getTime() / 1000) : 0;
    if (row.status !== 'done' || exp <= Date.now() / 1000) return row;
    const token = signLink(this.rt.config.jwtSecret, tenantId, row.id, exp, 'export');
    return { ...row, url: `${this.rt.config.publicUrl}/api/v1/core/export-files/${token}` };
  }

  /** The file of a finished, unexpired export (through its link: the tenant is the link's). */
  async content(tx: TenantTx, id: string) {
    const rows = await tx.query<{ filename: string; content_type: string; content: Buffer }>(
      `select filename, content_type, content from core_export
        where tenant_id = $1 and id = $2 and status = 'done' and content is not null and expires_at > now()`,
      [tx.tenantId, id],
    );
    return rows[0] ?? null;
  }

  /** The kernel job: runs the export as its user and stores the file, then tells the user. */
  job(): KernelJob {
    const rt = this.rt;
    return {
      name: EXPORT_JOB,
      attempts: jobRef.attempts,
      backoffMs: jobRef.backoffMs,
      run: async (data, job) => {
        const exportId = (data as { exportId?: string }).exportId ?? '';
        const tenant = await rt.tenantById(job.tenantId);
        if (!tenant) return { skipped: 'tenant' };
        const rows = await withTenant(rt.pools.app, job.tenantId, (tx) =>
          tx.query<{ user_id: string; name: string; params: Record<string, unknown>; status: string }>(
            'select user_id, name, params, status from core_export where tenant_id = $1 and id = $2',
            [job.tenantId, exportId],
          ),
        );
        const row = rows[0];
        if (!row || row.status === 'done' || row.status === 'failed') return { skipped: true };
        const actor = { actor: `job:${EXPORT_JOB}`, userId: row.user_id };
        const log = rt.log.child({ tenant: tenant.slug, job: EXPORT_JOB, exportId });
        // The notification in the language the user reads the app in.
        const language =
          (await withTenant(rt.pools.app, job.tenantId, (tx) => readersLanguages(tx, job.tenantId, [row.user_id]))).get(
            row.user_id,
          ) ?? 'en';
        const text = (key: NotificationText, values?: Record<string, string | number>) =>
          notificationText(language, key, values);
        const finish = (fields: { status: 'done' | 'failed'; title: string; body: string }, store?: unknown[]) =>
          withTenantAs(actor, rt.pools.app, job.tenantId, async (tx) => {
            if (store) {
              await tx.query(
                `update core_export set status = 'done', rows = $3, filename = $4, content_type = $5, content = $6, size = $7,
                   finished_at = now(), expires_at = now() + make_interval(secs => $8) where tenant_id = $1 and id = $2`,
                [job.tenantId, exportId, ...store, EXPORT_KEEP_SEC],
              );
            } else {
              await tx.query(
                `update core_export set status = 'failed', error = $3, finished_at = now() where tenant_id = $1 and id = $2`,
                [job.tenantId, exportId, fields.body],
              );
            }
            const base = systemContext(rt, tx, tenant, log, row.user_id);
            await base.notifications.send({
              userId: row.user_id,
              type: fields.status === 'done' ? 'core.export-ready' : 'core.export-failed',
              title: fields.title,
              body: fields.body,
              ...(fields.status === 'done' ? { link: `/app/api/v1/core/exports/${exportId}/download` } : {}),
            });
          });
        // Read afresh: the addon may have been disabled since the request.
        rt.invalidateEnabled(job.tenantId);
        const enabled = await rt.enabledAddons(job.tenantId);
        const def = this.findOrNull(row.name, enabled);
        if (!def) {
          await finish({ status: 'failed', title: text('export.failedTitle'), body: text('export.addonDisabled') });
          return { failed: 'disabled' };
        }
        await withTenant(rt.pools.app, job.tenantId, (tx) =>
          tx.query(`update core_export set status = 'running' where tenant_id = $1 and id = $2`, [
            job.tenantId,
            exportId,
          ]),
        );
        try {
          const file = await withTenantAs(actor, rt.pools.app, job.tenantId, async (tx) => {
            const users = await tx.query<{
              id: string;
              email: string;
              name: string;
              active: boolean;
              patterns: string[];
            }>(
              `select u.id, u.email, u.name, u.active, coalesce((select array_agg(distinct p) from core_user_role ur
                  join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id, unnest(r.permissions) p
                  where ur.tenant_id = u.tenant_id and ur.user_id = u.id), '{}') as patterns
               from core_user u where u.tenant_id = $1 and u.id = $2`,
              [job.tenantId, row.user_id],
            );
            const u = users[0];
            if (!u?.active)
              throw new AppError('EXPORT_USER_INACTIVE', 'The user who asked is no longer active', { status: 403 });
            const ctx = requestContext(systemContext(rt, tx, tenant, log, u.id), {
              requestId: `export-${exportId}`,
              user: { id: u.id, email: u.email, name: u.name },
              patterns: u.patterns,
              enabled,
              addons: rt.addons,
            });
            // The permission is checked again: it may have been taken away since the request.
            ctx.require(def.permission);
            return def.run(ctx, row.params);
          });
          const body = typeof file.body === 'string' ? Buffer.from(file.body, 'utf8') : Buffer.from(file.body);
          await finish(
            {
              status: 'done',
              title: text('export.ready', { title: def.title }),
              body: text('export.readyBody', { filename: file.filename, rows: file.rows }),
            },
            [file.rows, file.filename, file.contentType, body, body.length],
          );
          return { rows: file.rows, size: body.length };
        } catch (err) {
          if (!job.final) throw err;
          const message = err instanceof AppError && err.expose ? err.message : text('export.notBuilt');
          log.error({ err: String(err) }, 'export failed');
          await finish({ status: 'failed', title: text('export.failed', { title: def.title }), body: message });
          return { failed: true };
        }
      },
    };
  }

  private findOrNull(name: string, enabled: ReadonlySet<string>): ExportDef | null {
    try {
      return this.find(name, enabled).def;
    } catch {
      return null;
    }
  }
}
