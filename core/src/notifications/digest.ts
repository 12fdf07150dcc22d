import { systemContext } from '../context/context.ts';
import { withTenantAs } from '../db/tenant-tx.ts';
import type { KernelJob, Runtime } from '../runtime.ts';

/** The kernel job a per-tenant BullMQ job scheduler runs every hour (jobs/schedules.ts). */
export const DIGEST_JOB = 'core.notification-digest';
/** Hourly, on the hour: every time zone's morning falls on some hour (half-hour zones at :30 are in it too). */
export const DIGEST_CRON = '0 * * * *';
/** A user's digest goes at the first run in this local window (08:00-11:59), once per local day. */
export const DIGEST_FROM_HOUR = 8;
export const DIGEST_UNTIL_HOUR = 12;
/** At most this many notifications in one mail (the mail says how many more). */
export const DIGEST_MAX_ITEMS = 50;

/** The digest's clock: real time, or one a test moves by hand (as the automation engine's). */
export interface Clock {
  now(): Date;
}

/** The date (YYYY-MM-DD) and hour at `at` in a time zone (UTC when unknown). */
export function localTime(at: Date, timeZone: string | null): { date: string; hour: number } {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: timeZone ?? 'UTC',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    });
  } catch {
    return localTime(at, 'UTC');
  }
  const parts = Object.fromEntries(fmt.formatToParts(at).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

interface Candidate {
  id: string;
  email: string;
  locale: string | null;
  timeZone: string | null;
  lastDate: string | null;
}

/**
 * The daily digest (docs/comments.md#daily-digest): notifications whose type a user set to
 * `digest` are kept in the bell without a live push; each morning in the user's time zone one
 * mail lists those still unread and not yet in a digest. Runs per tenant from that tenant's job
 * scheduler; safe to run any number of times (a user gets at most one digest per local day).
 */
export class NotificationDigest {
  clock: Clock = { now: () => new Date() };
  private readonly rt: Runtime;

  constructor(rt: Runtime) {
    this.rt = rt;
  }

  job(): KernelJob {
    return { name: DIGEST_JOB, attempts: 3, backoffMs: 60_000, run: (_data, job) => this.run(job.tenantId) };
  }

  /** Sends the digests due in one tenant now (by the clock); returns how many mails were queued. */
  async run(tenantId: string): Promise<{ sent: number }> {
    const tenant = await this.rt.tenantById(tenantId);
    if (!tenant) return { sent: 0 };
    const now = this.clock.now();
    const log = this.rt.log.child({ tenant: tenant.slug, job: DIGEST_JOB });
    return withTenantAs({ actor: `job:${DIGEST_JOB}` }, this.rt.pools.app, tenantId, async (tx) => {
      const users = await tx.query<Candidate>(
        `select u.id, u.email, u.locale, u.time_zone as "timeZone", d.last_local_date::text as "lastDate"
         from core_user u
         left join core_notification_digest d on d.tenant_id = u.tenant_id and d.user_id = u.id
         where u.tenant_id = $1 and u.active and exists (
           select 1 from core_notification n where n.tenant_id = u.tenant_id and n.user_id = u.id
             and n.digest and n.digested_at is null and n.read_at is null)`,
        [tenantId],
      );
      const ctx = systemContext(this.rt, tx, tenant, log);
      let sent = 0;
      for (const u of users) {
        const local = localTime(now, u.timeZone);
        if (local.hour < DIGEST_FROM_HOUR || local.hour >= DIGEST_UNTIL_HOUR) continue;
        if (u.lastDate === local.date) continue;
        const items = await tx.query<{ id: string; title: string; body: string | null; link: string | null }>(
          `select id, title, body, link from core_notification
           where tenant_id = $1 and user_id = $2 and digest and digested_at is null and read_at is null
           order by created_at, id`,
          [tenantId, u.id],
        );
        const shown = items.slice(0, DIGEST_MAX_ITEMS);
        const base = `${this.rt.config.publicUrl}/t/${tenant.slug}`;
        const lines = shown.map(
          (n) => `• ${n.title}${n.body ? `\n${n.body.slice(0, 300)}` : ''}${n.link ? `\n${base}${n.link}` : ''}`,
        );
        if (items.length > shown.length) lines.push(`… and ${items.length - shown.length} more.`);
        await ctx.mail.send({
          to: u.email,
          template: 'core.notification-digest',
          ...(u.locale ? { language: u.locale } : {}),
          data: { count: String(items.length), items: lines.join('\n\n'), url: `${base}/profile#notifications` },
        });
        await tx.query(
          'update core_notification set digested_at = now() where tenant_id = $1 and id = any($2::uuid[])',
          [tenantId, items.map((n) => n.id)],
        );
        await tx.query(
          `insert into core_notification_digest (tenant_id, user_id, last_local_date, sent_at) values ($1, $2, $3::date, now())
           on conflict (tenant_id, user_id) do update set last_local_date = excluded.last_local_date, sent_at = now()`,
          [tenantId, u.id, local.date],
        );
        sent += 1;
      }
      return { sent };
    });
  }
}
