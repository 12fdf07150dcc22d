import { randomUUID } from 'node:crypto';
import type { EventDef, EventPublisher, JobDef, JobEnqueuer } from '@elevate/sdk';
import type { TenantTx } from '../db/tenant-tx.ts';

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
      await tx.query(
        `insert into core_outbox (tenant_id, kind, name, aggregate_id, payload, actor_id) values ($1, 'event', $2, $3, $4, $5)`,
        [tx.tenantId, event.name, aggregateId, JSON.stringify(payload ?? null), actorId],
      );
      hook();
    },
    async enqueue<D>(job: JobDef<D>, data: D, opts: { jobId?: string } = {}) {
      const jobId = opts.jobId ?? randomUUID();
      await tx.query(
        `insert into core_outbox (tenant_id, kind, name, aggregate_id, payload, actor_id, job_id) values ($1, 'job', $2, $3, $4, $5, $6)`,
        [tx.tenantId, job.name, jobId, JSON.stringify(data ?? null), actorId, jobId],
      );
      hook();
      return jobId;
    },
  };
}
