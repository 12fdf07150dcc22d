import { randomUUID } from 'node:crypto';
import type { AnyAddon, JobDef, PublishedEvent, ScheduleDef } from '@elevate/sdk';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { AUDIT_PURGE_JOB, purgeExpiredAudit } from '../audit/audit-retention.ts';
import { systemContext } from '../context/context.ts';
import { withTenantAs } from '../db/tenant-tx.ts';
import { runSubscriber, subscribersFor } from '../events/dispatch.ts';
import type { Runtime } from '../runtime.ts';
import { fanOut } from '../webhooks/webhooks.ts';
import { EVENTS_QUEUE, JOBS_QUEUE, workerRedis } from './queues.ts';
import type { Schedules } from './schedules.ts';

interface JobData {
  tenantId: string;
  data: unknown;
  actorId: string | null;
}

interface AttemptInfo {
  name: string;
  id: string;
  attempt: number;
  repeatJobKey?: string | undefined;
  progress(percent: number): Promise<void>;
}

/** BullMQ workers for addon jobs and queued subscribers. They can run in `start` or alone. */
export class Workers {
  private readonly rt: Runtime;
  private workers: Worker[] = [];
  private conns: Redis[] = [];
  private readonly schedules: Schedules | null;

  constructor(rt: Runtime, schedules: Schedules | null = null) {
    this.rt = rt;
    this.schedules = schedules;
  }

  start(concurrency = 4): void {
    const opts = (conn: Redis) => ({ connection: conn, prefix: this.rt.config.redisPrefix, concurrency });
    const a = workerRedis(this.rt.config);
    const b = workerRedis(this.rt.config);
    this.conns.push(a, b);
    const jobs = new Worker(JOBS_QUEUE, (job: Job<JobData>) => this.runJob(job), opts(a));
    const events = new Worker(EVENTS_QUEUE, (job: Job<PublishedEvent>) => this.runQueuedSubscribers(job), opts(b));
    for (const w of [jobs, events]) {
      w.on('error', (err) => this.rt.log.warn({ err: String(err) }, 'worker error'));
      w.on('failed', (job, err) =>
        this.rt.log.warn(
          { job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: String(err) },
          'job failed',
        ),
      );
    }
    this.workers.push(jobs, events);
  }

  private async runJob(job: Job<JobData>): Promise<unknown> {
    // The core's own: every tenant's audit entries past retention (the app role cannot delete them).
    if (job.name === AUDIT_PURGE_JOB) return { deleted: await purgeExpiredAudit(this.rt.pools.owner) };
    const kernelJob = this.rt.kernelJobs.get(job.name);
    if (kernelJob) {
      const attempt = job.attemptsMade + 1;
      return kernelJob.run(job.data.data, {
        tenantId: job.data.tenantId,
        attempt,
        final: attempt >= (job.opts.attempts ?? 1),
        progress: async (p: number) => {
          await job.updateProgress(Math.max(0, Math.min(100, Math.round(p))));
        },
      });
    }
    return this.runAddonJob({
      name: job.name,
      id: String(job.id),
      ...job.data,
      attempt: job.attemptsMade + 1,
      repeatJobKey: job.repeatJobKey,
      progress: async (p: number) => {
        await job.updateProgress(Math.max(0, Math.min(100, Math.round(p))));
      },
    });
  }

  /**
   * Runs an addon's job or schedule for a tenant now, in this process, as a worker would run one
   * attempt of it (its tenant transaction, the enabled check): the test kit's `runJob`.
   */
  runNow(name: string, tenantId: string, data: unknown = {}): Promise<unknown> {
    return this.runAddonJob({
      name,
      id: `now-${randomUUID()}`,
      tenantId,
      data,
      actorId: null,
      attempt: 1,
      progress: async () => {},
    });
  }

  private async runAddonJob(job: JobData & AttemptInfo): Promise<unknown> {
    const scheduled = this.rt.schedulesByName.get(job.name);
    const entry = scheduled ? scheduledJob(scheduled) : (this.rt.jobsByName.get(job.name) ?? null);
    if (!entry) throw new UnrecoverableError(`No job named "${job.name}" is installed`);
    const { tenantId, data, actorId } = job;
    let enabled = await this.rt.enabledAddons(tenantId);
    if (scheduled && !enabled.has(entry.addon.id)) {
      // Asked again without the cache before a scheduler is removed for good.
      this.rt.invalidateEnabled(tenantId);
      enabled = await this.rt.enabledAddons(tenantId);
      // A scheduler that outlived a disable (Redis was down then) goes now.
      if (!enabled.has(entry.addon.id) && job.repeatJobKey) {
        await this.schedules?.remove(job.repeatJobKey).catch(() => {});
      }
    }
    // An addon's jobs never run for a tenant that has not enabled it.
    if (!enabled.has(entry.addon.id)) {
      throw new UnrecoverableError(`Addon "${entry.addon.id}" is not enabled for this tenant`);
    }
    const tenant = await this.rt.tenantById(tenantId);
    if (!tenant) throw new UnrecoverableError('Tenant no longer exists');
    const log = this.rt.log.child({ tenant: tenant.slug, job: job.name, jobId: job.id });
    // The audit log names the job, and the user who queued it.
    return withTenantAs({ actor: `job:${job.name}`, userId: actorId }, this.rt.pools.app, tenantId, async (tx) => {
      const base = systemContext(this.rt, tx, tenant, log, actorId);
      return entry.job.run(data, {
        ...base,
        jobId: job.id,
        attempt: job.attempt,
        progress: job.progress,
        checkpoint: () => tx.checkpoint(),
      });
    });
  }

  private async runQueuedSubscribers(job: Job<PublishedEvent>): Promise<void> {
    const event = job.data;
    // Outgoing webhooks: the event is committed and relayed; one delivery job per endpoint.
    await fanOut(this.rt, event);
    // The automation engine: one run per rule the event triggers (idempotent per rule and event).
    for (const sink of this.rt.eventSinks) await sink(event);
    for (const { addon, sub } of await subscribersFor(this.rt, event.tenantId, event.name, 'queued')) {
      await runSubscriber(this.rt, addon, sub, event);
    }
  }

  /** Waits for running jobs to finish. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    for (const c of this.conns) c.disconnect();
    this.workers = [];
    this.conns = [];
  }
}

/** A schedule runs like a job without data. */
function scheduledJob(s: { addon: AnyAddon; schedule: ScheduleDef }): { addon: AnyAddon; job: Pick<JobDef, 'run'> } {
  return { addon: s.addon, job: { run: (_data, ctx) => s.schedule.run(ctx) } };
}
