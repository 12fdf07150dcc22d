import type { AnyAddon, JobDef, PublishedEvent, ScheduleDef, TenantInfo } from '@elevate/sdk';
import type { Config } from './config/config.ts';
import type { Orm } from './db/orm.ts';
import type { Pools } from './db/pools.ts';
import { isUuid } from './db/uuid.ts';
import type { Log } from './logger.ts';
import { ServiceRegistry } from './services/service-registry.ts';

/** A job of the kernel itself (mail): runs for every tenant, no addon needed. */
export interface KernelJob {
  name: string;
  attempts: number;
  backoffMs: number;
  run(
    data: unknown,
    job: { tenantId: string; attempt: number; final: boolean; progress?: (p: number) => Promise<void> },
  ): Promise<unknown>;
}

/** Shared state of one kernel instance: pools, addons, the service container, small caches. */
export class Runtime {
  readonly config: Config;
  readonly log: Log;
  readonly pools: Pools;
  /** The data layer: every installed addon's models as MikroORM entities. */
  readonly orm: Orm;
  readonly addons: readonly AnyAddon[];
  readonly addonsById: ReadonlyMap<string, AnyAddon>;
  /** The kernel's tsyringe container of addon services (`provides`), resolved per tenant. */
  readonly services: ServiceRegistry;
  /** Every addon job by name, with the addon declaring it. */
  readonly jobsByName: ReadonlyMap<string, { addon: AnyAddon; job: JobDef }>;
  /** The kernel's own jobs by name (`core.*`), registered by the kernel. */
  readonly kernelJobs = new Map<string, KernelJob>();
  /** Every addon schedule by name, with the addon declaring it. */
  readonly schedulesByName: ReadonlyMap<string, { addon: AnyAddon; schedule: ScheduleDef }>;
  /** Who may receive each event on the live channel. */
  readonly eventPermissions: ReadonlyMap<string, string | null>;
  /** Kernel consumers of every relayed event, after webhooks (the automation engine). */
  readonly eventSinks: ((event: PublishedEvent) => Promise<unknown>)[] = [];
  /** Set by the relay: called after a commit that wrote to the outbox. */
  wakeRelay: () => void = () => {};
  /** Called when a tenant's enabled set changed (other nodes are told through Redis). */
  onAddonsChanged: (tenantId: string) => void = () => {};
  /** Set by the kernel: brings a tenant's job schedulers in step with its enabled addons. */
  syncSchedules: (tenantId: string) => Promise<void> = async () => {};
  private readonly enabledCache = new Map<string, { ids: ReadonlySet<string>; at: number }>();
  private readonly tenantCache = new Map<string, TenantInfo>();

  constructor(config: Config, log: Log, pools: Pools, orm: Orm, addons: readonly AnyAddon[]) {
    this.config = config;
    this.log = log;
    this.pools = pools;
    this.orm = orm;
    this.addons = addons;
    this.addonsById = new Map(addons.map((a) => [a.id, a]));
    this.services = new ServiceRegistry(addons);
    this.jobsByName = new Map(addons.flatMap((a) => a.jobs.map((job) => [job.name, { addon: a, job }] as const)));
    this.schedulesByName = new Map(
      addons.flatMap((a) => a.schedules.map((schedule) => [schedule.name, { addon: a, schedule }] as const)),
    );
    this.eventPermissions = new Map([
      ...addons.flatMap((a) => a.events.map((e) => [e.name, e.permission] as const)),
      // Record changes for automation rules (core_audit → outbox): on the live channel only for rule managers.
      ...['core.record.created', 'core.record.updated', 'core.record.deleted'].map(
        (n) => [n, 'core.automation.manage'] as const,
      ),
    ]);
  }

  /**
   * The permission a user needs to receive an event on the live channel (null: everyone). A comment
   * event names its record's read permission in its payload (comments are on any model).
   */
  livePermission(name: string, payload: unknown): string | null {
    if (name.startsWith('core.comment.')) {
      const p = (payload as { permission?: unknown } | null)?.permission;
      // Without one, nobody: a comment's text must not reach users who cannot read its record.
      return typeof p === 'string' ? p : 'core.comments.unreadable';
    }
    return this.eventPermissions.get(name) ?? null;
  }

  /** The ids of the addons a tenant has enabled (cached briefly; invalidated on change). */
  async enabledAddons(tenantId: string): Promise<ReadonlySet<string>> {
    const hit = this.enabledCache.get(tenantId);
    if (hit && Date.now() - hit.at < 30_000) return hit.ids;
    if (!isUuid(tenantId)) return new Set();
    const client = await this.pools.app.connect();
    try {
      const res = await client.query<{ addon_id: string }>(
        `begin; select set_config('app.tenant_id', $$${tenantId}$$, true); select addon_id from core_tenant_addon where tenant_id = $$${tenantId}$$ and enabled; commit`,
      );
      const last = (res as unknown as { rows: { addon_id: string }[] }[])[2];
      const ids = new Set((last?.rows ?? []).map((r) => r.addon_id).filter((id) => this.addonsById.has(id)));
      this.enabledCache.set(tenantId, { ids, at: Date.now() });
      return ids;
    } finally {
      client.release();
    }
  }

  invalidateEnabled(tenantId: string): void {
    this.enabledCache.delete(tenantId);
  }

  async tenantById(id: string): Promise<TenantInfo | null> {
    const hit = this.tenantCache.get(id);
    if (hit) return hit;
    const rows = await this.pools.app.query<TenantInfo>('select id, slug, name from core_tenant where id = $1', [id]);
    const t = rows.rows[0] ?? null;
    if (t) this.tenantCache.set(id, t);
    return t;
  }

  async tenantBySlug(slug: string): Promise<TenantInfo | null> {
    const rows = await this.pools.app.query<TenantInfo>('select id, slug, name from core_tenant where slug = $1', [
      slug.toLowerCase(),
    ]);
    return rows.rows[0] ?? null;
  }
}
