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

export interface JobEnqueuer {
  /** Queued through the outbox: the job exists only if the transaction commits. Returns the job id. */
  enqueue<D>(job: JobDef<D>, data: D, opts?: { jobId?: string }): Promise<string>;
}
