import { randomUUID } from 'node:crypto';
import type { EventDef, EventPublisher, JobDef, JobEnqueuer } from '@elevate/sdk';
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
    async enqueue<D>(job: JobDef<D>, data: D, opts: { jobId?: string } = {}) {
      const jobId = opts.jobId ?? randomUUID();
      tx.defer(
        `insert into core_outbox (tenant_id, kind, name, aggregate_id, payload, actor_id, job_id) values (${sqlLiteral(tx.tenantId)}::uuid, 'job', ${sqlLiteral(job.name)}, ${sqlLiteral(jobId)}, ${sqlLiteral(JSON.stringify(data ?? null))}::jsonb, ${sqlLiteral(actorId)}::uuid, ${sqlLiteral(jobId)})`,
      );
      hook();
      return jobId;
    },
  };
}
