import { randomUUID } from 'node:crypto';
import {
  type EnqueueOptions,
  type EventDef,
  type EventPublisher,
  type JobDef,
  type JobEnqueuer,
  ValidationError,
} from '@elevate/sdk';
import { sqlLiteral, type TenantTx } from '../db/tenant-tx.ts';

/**
 * Events and jobs are rows in the outbox, written in the caller's transaction: they exist
 * only if the change commits. The relay moves them to subscribers, BullMQ and pub/sub.
 */
export function outboxPublisher(tx: TenantTx, actorId: string | null, wake: () => void): EventPublisher & JobEnqueuer {
  let hooked = false;
  const hook = () => {
    if (!hooked) {
      hooked = true;
      tx.onCommit(wake);
    }
  };
  return {
    async publish<P>(event: EventDef<P>, aggregateId: string, payload: P) {
      // Sent with COMMIT (same transaction, one round trip fewer).
      tx.defer(
        `insert into core_outbox (tenant_id, kind, name, aggregate_id, payload, actor_id) values (${sqlLiteral(tx.tenantId)}::uuid, 'event', ${sqlLiteral(event.name)}, ${sqlLiteral(String(aggregateId))}, ${sqlLiteral(JSON.stringify(payload ?? null))}::jsonb, ${sqlLiteral(actorId)}::uuid)`,
      );
      hook();
    },
    async enqueue<D>(job: JobDef<D>, data: D, opts: EnqueueOptions = {}) {
      const jobId = opts.jobId ?? randomUUID();
      // The delay is a column of the row, so it commits or rolls back with it; the relay hands
      // the job to BullMQ as a delayed job, which keeps it across restarts.
      tx.defer(
        `insert into core_outbox (tenant_id, kind, name, aggregate_id, payload, actor_id, job_id, run_at) values (${sqlLiteral(tx.tenantId)}::uuid, 'job', ${sqlLiteral(job.name)}, ${sqlLiteral(jobId)}, ${sqlLiteral(JSON.stringify(data ?? null))}::jsonb, ${sqlLiteral(actorId)}::uuid, ${sqlLiteral(jobId)}, ${runAtSql(opts)})`,
      );
      hook();
      return jobId;
    },
  };
}

/** The row's run_at: null (run at once), now() plus the delay, or the given moment. */
function runAtSql(opts: EnqueueOptions): string {
  if (opts.delayMs !== undefined && opts.runAt !== undefined) {
    throw new ValidationError('Give delayMs or runAt, not both', [{ path: 'delayMs', message: 'not with runAt' }]);
  }
  if (opts.delayMs !== undefined) {
    if (!Number.isFinite(opts.delayMs) || opts.delayMs < 0) {
      throw new ValidationError('delayMs must be a non-negative number', [
        { path: 'delayMs', message: 'must be >= 0' },
      ]);
    }
    return `now() + make_interval(secs => ${opts.delayMs / 1000})`;
  }
  if (opts.runAt !== undefined) {
    if (Number.isNaN(opts.runAt.getTime())) {
      throw new ValidationError('runAt is not a valid date', [{ path: 'runAt', message: 'must be a valid date' }]);
    }
    return `${sqlLiteral(opts.runAt.toISOString())}::timestamptz`;
  }
  return 'null';
}
