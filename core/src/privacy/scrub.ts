// Removing an erased person's values from where the platform kept copies: event payloads, its own
// webhook deliveries, notifications and mail log (in the erasure's transaction), and the audit log
// (afterwards, as the owner role: the app role cannot change it).
import type pg from 'pg';
import type { TenantTx } from '../db/tenant-tx.ts';

export const ERASED = '[erased]';

const MARK = JSON.stringify(ERASED);

/** The values to scrub, the email (the first), and LIKE patterns finding candidates by text (JSON-, LIKE-escaped). */
export function scrubSet(values: readonly string[]) {
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
export async function scrubOutbox(tx: TenantTx, values: readonly string[]): Promise<void> {
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
 * more characters is replaced), the mail log (the address and the template data) and the
 * automation run history (each run's trigger payload, each step's input, output and error). In the
 * erasure's transaction, as the app role.
 */
export async function scrubPlatformCopies(tx: TenantTx, values: readonly string[]): Promise<{ comments: string[] }> {
  const { exact, email } = scrubSet(values);
  if (!exact.size) return { comments: [] };
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
  // Comments naming the person (a comment on their contact: "Called Ada, she wants ...").
  const comments = await tx.query<{ id: string; body: string }>(
    'select id::text, body from core_comment where tenant_id = $1 and body ilike any($2::text[])',
    [tx.tenantId, plain],
  );
  for (const c of comments) {
    await tx.query('update core_comment set body = $3 where tenant_id = $1 and id = $2::uuid', [
      tx.tenantId,
      c.id,
      scrubText(c.body).v ?? '',
    ]);
  }
  // Their events carry the text too (free text: scrubbed word by word, like notifications).
  const commentEvents = await tx.query<{ id: string; payload: { text?: string } | null }>(
    `select id::text, payload from core_outbox
      where tenant_id = $1 and name like 'core.comment.%' and payload->>'text' ilike any($2::text[])`,
    [tx.tenantId, plain],
  );
  for (const e of commentEvents) {
    await tx.query('update core_outbox set payload = $3 where tenant_id = $1 and id = $2::bigint', [
      tx.tenantId,
      e.id,
      JSON.stringify({ ...e.payload, text: scrubText(e.payload?.text ?? '').v }),
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
  // Automation run history: the triggering payload of each run, each step's input, output and error.
  const scrubDoc = (v: unknown) => (v === null ? null : scrubText(JSON.stringify(scrubJson(v, exact, email).v)).v);
  const runs = await tx.query<{ id: string; trigger: unknown; error: string | null }>(
    `select id::text, trigger, error from core_automation_run
      where tenant_id = $1 and (trigger::text ilike any($2::text[]) or error ilike any($2::text[]))`,
    [tx.tenantId, plain],
  );
  for (const r of runs) {
    await tx.query(
      'update core_automation_run set trigger = $3::jsonb, error = $4 where tenant_id = $1 and id = $2::uuid',
      [tx.tenantId, r.id, scrubDoc(r.trigger), scrubText(r.error).v],
    );
  }
  const steps = await tx.query<{
    run_id: string;
    step_key: string;
    input: unknown;
    output: unknown;
    error: string | null;
  }>(
    `select run_id::text, step_key, input, output, error from core_automation_step
      where tenant_id = $1
        and (input::text ilike any($2::text[]) or output::text ilike any($2::text[]) or error ilike any($2::text[]))`,
    [tx.tenantId, plain],
  );
  for (const st of steps) {
    await tx.query(
      `update core_automation_step set input = $4::jsonb, output = $5::jsonb, error = $6
        where tenant_id = $1 and run_id = $2::uuid and step_key = $3`,
      [tx.tenantId, st.run_id, st.step_key, scrubDoc(st.input), scrubDoc(st.output), scrubText(st.error).v],
    );
  }
  // The audit log's copies of those comments are masked with the erased rows (scrubAudit).
  return { comments: comments.map((c) => c.id) };
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** Replaces, in a JSON value, strings equal to one of `values` (and any containing the email) with "[erased]". */
export function scrubJson(v: unknown, exact: ReadonlySet<string>, email: string): { v: unknown; changed: boolean } {
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
