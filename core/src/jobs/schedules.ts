import type { AnyAddon, ScheduleDef } from '@elevate/sdk';
import type { Queue } from 'bullmq';
import { AUDIT_PURGE_EVERY_MS, AUDIT_PURGE_JOB, AUDIT_PURGE_SCHEDULER } from '../audit/audit-retention.ts';
import { DIGEST_CRON, DIGEST_JOB } from '../notifications/digest.ts';
import type { Runtime } from '../runtime.ts';
import { bounded } from './queues.ts';

/** What a scheduled job carries: the tenant it runs for (schedules have no data of their own). */
export interface ScheduledJobData {
  tenantId: string;
  data: null;
  actorId: null;
  schedule: string;
}

/** One BullMQ job scheduler per tenant and schedule. No `:` (BullMQ builds job ids with it). */
export function schedulerId(tenantId: string, schedule: string): string {
  return `${tenantId}/${schedule}`;
}

function parseSchedulerId(id: string): { tenantId: string; schedule: string } | null {
  const slash = id.indexOf('/');
  return slash > 0 ? { tenantId: id.slice(0, slash), schedule: id.slice(slash + 1) } : null;
}

type Wanted = { addon: AnyAddon | null; schedule: ScheduleDef };

/** The kernel's own per-tenant schedules (every tenant has them, whatever it enabled). */
const KERNEL_TENANT_SCHEDULES: readonly ScheduleDef[] = [
  {
    kind: 'schedule',
    name: DIGEST_JOB,
    timing: { cron: DIGEST_CRON, tz: 'UTC' },
    attempts: 3,
    backoffMs: 60_000,
    run: () => {},
  },
];

/**
 * Keeps BullMQ's job schedulers (kept in Redis, so they survive restarts) equal to what the
 * tenants have enabled: one scheduler per tenant and declared schedule of an enabled addon.
 * Enabling creates them, disabling removes them, `reconcile` on start-up repairs whatever a
 * missed change (Redis down, a crash) left behind. Upserting the same id never duplicates.
 */
export class Schedules {
  private readonly rt: Runtime;
  private readonly queue: Queue;
  private readonly byName: ReadonlyMap<string, { addon: AnyAddon; schedule: ScheduleDef }>;

  constructor(rt: Runtime, queue: Queue) {
    this.rt = rt;
    this.queue = queue;
    this.byName = new Map(
      rt.addons.flatMap((addon) => addon.schedules.map((schedule) => [schedule.name, { addon, schedule }] as const)),
    );
  }

  /** The schedules that should exist for a tenant, from the database (not the cache). */
  private async wanted(tenantIds?: readonly string[]): Promise<Map<string, Wanted & { tenantId: string }>> {
    const out = new Map<string, Wanted & { tenantId: string }>();
    const tenants = await this.rt.pools.owner.query<{ id: string }>(
      'select id from core_tenant where ($1::uuid[] is null or id = any($1::uuid[]))',
      [tenantIds ?? null],
    );
    for (const t of tenants.rows) {
      for (const schedule of KERNEL_TENANT_SCHEDULES) {
        out.set(schedulerId(t.id, schedule.name), { addon: null, schedule, tenantId: t.id });
      }
    }
    if (!this.byName.size) return out;
    const addonIds = [...new Set([...this.byName.values()].map((w) => w.addon.id))];
    const rows = await this.rt.pools.owner.query<{ tenant_id: string; addon_id: string }>(
      `select tenant_id, addon_id from core_tenant_addon
       where enabled and addon_id = any($1::text[]) and ($2::uuid[] is null or tenant_id = any($2::uuid[]))`,
      [addonIds, tenantIds ?? null],
    );
    for (const row of rows.rows) {
      for (const w of this.byName.values()) {
        if (w.addon.id === row.addon_id)
          out.set(schedulerId(row.tenant_id, w.schedule.name), { ...w, tenantId: row.tenant_id });
      }
    }
    return out;
  }

  /** After a tenant was created or its enabled set changed: create and remove that tenant's schedulers. */
  async sync(tenantId: string): Promise<void> {
    await this.apply(await this.wanted([tenantId]), (id) => parseSchedulerId(id)?.tenantId === tenantId);
  }

  /** Every tenant: run when workers start. Also (re)creates the core's own schedulers. */
  async reconcile(): Promise<void> {
    await this.upsertCore();
    // Schedules of an addon no longer installed, or of a tenant that is gone, go too.
    const mine = (id: string) => id !== AUDIT_PURGE_SCHEDULER;
    await this.apply(await this.wanted(), mine);
  }

  /** The audit retention purge: one scheduler for all tenants, daily (workers run it as the owner). */
  private async upsertCore(): Promise<void> {
    await bounded(
      this.queue.upsertJobScheduler(
        AUDIT_PURGE_SCHEDULER,
        { every: AUDIT_PURGE_EVERY_MS },
        { name: AUDIT_PURGE_JOB, data: {}, opts: { removeOnComplete: { age: 86_400, count: 100 } } },
      ),
      3000,
      'upsert job scheduler',
    );
  }

  /** Removes one scheduler (a scheduled job found running for a tenant that disabled its addon). */
  async remove(id: string): Promise<void> {
    await bounded(this.queue.removeJobScheduler(id), 3000, 'remove job scheduler');
  }

  private async apply(wanted: Map<string, Wanted & { tenantId: string }>, mine: (id: string) => boolean) {
    const existing = new Map<string, { pattern?: string | null; every?: number | null; tz?: string | null }>();
    for (let start = 0; ; start += 1000) {
      const page = await bounded(this.queue.getJobSchedulers(start, start + 999, true), 5000, 'list job schedulers');
      for (const s of page) if (mine(s.key)) existing.set(s.key, s);
      if (page.length < 1000) break;
    }
    for (const [id, s] of existing) {
      if (!wanted.has(id)) await this.remove(id);
      // A changed timing is upserted below; an unchanged one is left alone (its next run stays).
      else if (same(s, wanted.get(id)?.schedule)) wanted.delete(id);
    }
    for (const [id, w] of wanted) {
      const t = w.schedule.timing;
      const data: ScheduledJobData = { tenantId: w.tenantId, data: null, actorId: null, schedule: w.schedule.name };
      await bounded(
        this.queue.upsertJobScheduler(
          id,
          'everyMs' in t ? { every: t.everyMs } : { pattern: t.cron, tz: t.tz ?? 'UTC' },
          {
            name: w.schedule.name,
            data,
            opts: {
              attempts: w.schedule.attempts,
              backoff: { type: 'exponential', delay: w.schedule.backoffMs },
              removeOnComplete: { age: 86_400, count: 1000 },
              removeOnFail: { age: 7 * 86_400 },
            },
          },
        ),
        3000,
        'upsert job scheduler',
      );
    }
  }
}

function same(
  s: { pattern?: string | null; every?: number | null; tz?: string | null },
  def: ScheduleDef | undefined,
): boolean {
  if (!def) return false;
  const t = def.timing;
  if ('everyMs' in t) return Number(s.every) === t.everyMs && !s.pattern;
  return s.pattern === t.cron && (s.tz ?? 'UTC') === (t.tz ?? 'UTC') && !s.every;
}
