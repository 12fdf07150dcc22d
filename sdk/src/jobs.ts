import type { SystemContext } from './context.ts';

export interface JobContext extends SystemContext {
  /** Stable id of this job: use it as an idempotency key. */
  jobId: string;
  attempt: number;
  /** Report progress (0-100) that clients can poll. */
  progress(percent: number): Promise<void>;
  /**
   * Commits what the job wrote so far and goes on in a new transaction, so a long job shows
   * its progress in the database and holds no locks for its whole run. A later failure rolls
   * back only to the last checkpoint: a job that checkpoints must resume from its committed
   * state when it is retried.
   */
  checkpoint(): Promise<void>;
}

export interface JobDef<D = unknown, R = unknown> {
  readonly kind: 'job';
  readonly name: string;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly run: (data: D, ctx: JobContext) => Promise<R> | R;
}

export function defineJob<D, R = unknown>(def: {
  name: string;
  attempts?: number;
  backoffMs?: number;
  run: (data: D, ctx: JobContext) => Promise<R> | R;
}): JobDef<D, R> {
  return {
    kind: 'job',
    name: def.name,
    attempts: def.attempts ?? 5,
    backoffMs: def.backoffMs ?? 1000,
    run: def.run,
  };
}

export interface EnqueueOptions {
  /** The job's id (default: a new UUID). Enqueuing the same id twice queues it once. */
  jobId?: string;
  /** Run no earlier than this many milliseconds after the transaction started. */
  delayMs?: number;
  /** Run no earlier than this moment. Give `delayMs` or `runAt`, not both. */
  runAt?: Date;
}

export interface JobEnqueuer {
  /**
   * Queued through the outbox: the job exists only if the transaction commits (a delayed
   * job enqueued in a transaction that rolls back never runs). Returns the job id.
   */
  enqueue<D>(job: JobDef<D>, data: D, opts?: EnqueueOptions): Promise<string>;
}

/** When a schedule fires: a cron pattern (in `tz`, default UTC) or a fixed interval. */
export type ScheduleTiming = { cron: string; tz?: string } | { everyMs: number };

/**
 * Recurring work of an addon, run once per firing for every tenant that has the addon
 * enabled (a nightly reorder check, an hourly SLA check). Its handler gets the usual job
 * context, scoped to that tenant.
 */
export interface ScheduleDef<R = unknown> {
  readonly kind: 'schedule';
  readonly name: string;
  /** What it does, in English, for the admin's Schedules page; `schedule.<name>.title` in the addon's catalogue translates it. */
  readonly title?: string;
  readonly timing: ScheduleTiming;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly run: (ctx: JobContext) => Promise<R> | R;
}

export function defineSchedule<R = unknown>(
  def: {
    /** `<addon id>.<what>`, stable: it names the scheduler kept in Redis for each tenant. */
    name: string;
    /** What it does, shown to admins (Admin → Schedules): "Reorder check". */
    title?: string;
    attempts?: number;
    backoffMs?: number;
    run: (ctx: JobContext) => Promise<R> | R;
  } & ScheduleTiming,
): ScheduleDef<R> {
  const timing: ScheduleTiming =
    'cron' in def ? { cron: def.cron, ...(def.tz === undefined ? {} : { tz: def.tz }) } : { everyMs: def.everyMs };
  return {
    kind: 'schedule',
    name: def.name,
    ...(def.title === undefined ? {} : { title: def.title }),
    timing,
    attempts: def.attempts ?? 3,
    backoffMs: def.backoffMs ?? 1000,
    run: def.run,
  };
}
