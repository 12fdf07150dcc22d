import { randomUUID } from 'node:crypto';
import { type JobDef, type JobEnqueuer, type Mailer, type MailMessage, ValidationError } from '@elevate/sdk';
import { sqlLiteral, type TenantTx } from '../db/tenant-tx.ts';
import { mailTemplates } from './templates.ts';

export const MAIL_JOB = 'core.mail.send';
/** One plain address: no display name, no list (`,` `;`), nothing a mail header would read as syntax. */
export const EMAIL = /^[^\s@,;:<>()[\]"\\]+@[^\s@,;:<>()[\]"\\]+\.[^\s@,;:<>()[\]"\\]+$/;

/** The outbox only reads a job's name; attempts and backoff come from the kernel job (mail-job.ts). */
const mailJobRef: JobDef<{ mailId: string }> = {
  kind: 'job',
  name: MAIL_JOB,
  attempts: 1,
  backoffMs: 0,
  run: () => {},
};

function check(m: MailMessage): void {
  const details: { path: string; message: string }[] = [];
  if (typeof m.to !== 'string' || m.to.length > 320 || !EMAIL.test(m.to)) {
    details.push({ path: 'to', message: 'must be an email address' });
  }
  const template = mailTemplates[m.template];
  if (!template) details.push({ path: 'template', message: `unknown mail template "${m.template}"` });
  const data = m.data ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) details.push({ path: 'data', message: 'must be an object' });
  else {
    for (const [k, v] of Object.entries(data)) {
      if (typeof v !== 'string') details.push({ path: `data.${k}`, message: 'must be a string' });
    }
    for (const k of template?.requires ?? []) {
      if (!(k in data)) details.push({ path: `data.${k}`, message: 'is required by the template' });
    }
  }
  if (
    m.language !== undefined &&
    (typeof m.language !== 'string' || !/^[a-z]{2}([-_][A-Za-z]{2})?$/.test(m.language))
  ) {
    details.push({ path: 'language', message: 'must be a language code like "en" or "de"' });
  }
  const attachments = m.attachments ?? [];
  if (!Array.isArray(attachments) || attachments.length > MAX_ATTACHMENTS) {
    details.push({ path: 'attachments', message: `must be a list of at most ${MAX_ATTACHMENTS} documents` });
  } else {
    attachments.forEach((a, i) => {
      if (typeof a?.documentId !== 'string' || !UUID.test(a.documentId)) {
        details.push({ path: `attachments.${i}.documentId`, message: 'must be a document id' });
      }
    });
  }
  if (details.length) throw new ValidationError('Invalid mail message', details);
}

const MAX_ATTACHMENTS = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Attachments name stored documents of this tenant (their bytes are read when the mail goes out). */
async function checkAttachments(tx: TenantTx, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  const found = await tx.query<{ id: string }>(
    'select id from core_document where tenant_id = $1 and id = any($2::uuid[])',
    [tx.tenantId, ids],
  );
  const known = new Set(found.map((r) => r.id));
  const details = ids.flatMap((id, i) =>
    known.has(id) ? [] : [{ path: `attachments.${i}.documentId`, message: 'no such document' }],
  );
  if (details.length) throw new ValidationError('Invalid mail message', details);
}

/**
 * `ctx.mail`: the delivery log row and the send job are written with the transaction's COMMIT
 * (no extra round trip): a rolled-back transaction sends nothing and logs nothing.
 */
export function transactionalMailer(tx: TenantTx, jobs: JobEnqueuer): Mailer {
  return {
    async send(message) {
      check(message);
      const attachments = (message.attachments ?? []).map((a) => a.documentId.toLowerCase());
      await checkAttachments(tx, attachments);
      const id = randomUUID();
      tx.defer(
        `insert into core_mail_log (tenant_id, id, to_address, template, language, data, attachments) values (${sqlLiteral(tx.tenantId)}::uuid, ${sqlLiteral(id)}::uuid, ${sqlLiteral(message.to.trim())}, ${sqlLiteral(message.template)}, ${sqlLiteral(message.language ?? null)}, ${sqlLiteral(JSON.stringify(message.data ?? {}))}::jsonb, ${sqlLiteral(`{${attachments.join(',')}}`)}::uuid[])`,
      );
      await jobs.enqueue(mailJobRef, { mailId: id }, { jobId: `mail-${id}` });
      return { id };
    },
  };
}
