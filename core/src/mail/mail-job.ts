import { UnrecoverableError } from 'bullmq';
import { withTenant } from '../db/tenant-tx.ts';
import type { KernelJob, Runtime } from '../runtime.ts';
import { readBranding } from '../tenancy/branding.ts';
import { MAIL_JOB } from './mailer.ts';
import { mailLanguage, mailTemplates, renderMail } from './templates.ts';
import type { MailTransport } from './transport.ts';

interface MailRow {
  to_address: string;
  template: string;
  language: string | null;
  user_language: string | null;
  data: Record<string, string> | null;
  status: string;
  attachments: string[] | null;
}

/**
 * Sends one logged mail. Each attempt is recorded in core_mail_log in its own transaction
 * (a failed attempt must be logged although the job throws so BullMQ retries it). The data
 * (it may hold a one-time link) is cleared once the mail is sent or has failed for good.
 */
export function mailJob(rt: Runtime, transport: MailTransport): KernelJob {
  const record = (tenantId: string, mailId: string, sql: string, params: unknown[]) =>
    withTenant(rt.pools.app, tenantId, (tx) =>
      tx.query(`update core_mail_log set ${sql}, updated_at = now() where tenant_id = $1 and id = $2`, [
        tx.tenantId,
        mailId,
        ...params,
      ]),
    );
  return {
    name: MAIL_JOB,
    attempts: rt.config.mailAttempts,
    backoffMs: rt.config.mailBackoffMs,
    async run(data, job) {
      const { mailId } = data as { mailId: string };
      const tenant = await rt.tenantById(job.tenantId);
      if (!tenant) throw new UnrecoverableError('Tenant no longer exists');
      const prepared = await withTenant(rt.pools.app, tenant.id, async (tx) => {
        const rows = await tx.query<MailRow>(
          `select m.to_address, m.template, m.language, m.data, m.status, m.attachments,
             (select u.language from core_user u where u.tenant_id = m.tenant_id and lower(u.email) = lower(m.to_address)) as user_language
           from core_mail_log m where m.tenant_id = $1 and m.id = $2`,
          [tx.tenantId, mailId],
        );
        const row = rows[0];
        if (!row || row.status === 'sent' || row.status === 'failed') return null;
        // The documents as they are now (a document is never changed, only added as a new version).
        const files = row.attachments?.length
          ? await tx.query<{ id: string; filename: string; content: Buffer }>(
              'select id, filename, content from core_document where tenant_id = $1 and id = any($2::uuid[])',
              [tx.tenantId, row.attachments],
            )
          : [];
        return { row, files, branding: await readBranding(tx) };
      });
      if (!prepared) return { skipped: true };
      const { row, files, branding } = prepared;
      const attachments = (row.attachments ?? []).flatMap((id) => {
        const f = files.find((x) => x.id === id);
        return f ? [{ filename: f.filename, content: f.content, contentType: 'application/pdf' }] : [];
      });
      const template = mailTemplates[row.template];
      if (!template) {
        await record(tenant.id, mailId, `status = 'failed', attempts = $3, last_error = $4, data = null`, [
          job.attempt,
          `unknown template ${row.template}`,
        ]);
        throw new UnrecoverableError(`Unknown mail template ${row.template}`);
      }
      const lang = mailLanguage(row.language ?? row.user_language);
      const rendered = renderMail(template, lang, row.data ?? {}, { company: tenant.name, branding });
      let messageId: string;
      try {
        ({ messageId } = await transport.send({
          from: rt.config.mailFrom,
          to: row.to_address,
          ...rendered,
          ...(attachments.length ? { attachments } : {}),
        }));
      } catch (err) {
        const message = String((err as Error)?.message ?? err).slice(0, 1000);
        await record(
          tenant.id,
          mailId,
          `status = case when $5 then 'failed' else 'retrying' end, attempts = $3, last_error = $4,
           data = case when $5 then null else data end`,
          [job.attempt, message, job.final],
        );
        throw err;
      }
      await record(
        tenant.id,
        mailId,
        `status = 'sent', attempts = $3, message_id = $4, language = $5, sent_at = now(), last_error = null, data = null`,
        [job.attempt, messageId, lang],
      );
      return { sent: true, messageId };
    },
  };
}
