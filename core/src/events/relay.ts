import type { Redis } from 'ioredis';
import type pg from 'pg';
import { bounded, type Queues } from '../jobs/queues.ts';
import type { Runtime } from '../runtime.ts';
import { type OutboxRow, runSubscriber, subscribersFor, toEvent } from './dispatch.ts';

const RELAY_LOCK = 0x0e1e7a7e;
const BATCH = 200;
/** After this many failed attempts (about 17 minutes of backoff) a row is set aside. */
const MAX_SUBSCRIBER_ATTEMPTS = 12;

/** A subscriber threw: only this aggregate waits; other rows go on. */
class SubscriberFailure extends Error {}

/** The Redis channel on which a tenant's live events are published. */
export function liveChannel(prefix: string, tenantId: string): string {
  return `${prefix}:live:${tenantId}`;
}

/**
 * Moves committed outbox rows, strictly in id order (so in order per aggregate), to
 * inline subscribers, BullMQ and Redis pub/sub. One relay runs at a time across
 * processes (advisory lock). A failure stops the batch; the row is retried later, so
 * delivery is at least once. Inline subscribers already delivered are recorded and skipped.
 */
export class OutboxRelay {
  private readonly rt: Runtime;
  private readonly queues: Queues;
  private readonly publisher: Redis;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(rt: Runtime, queues: Queues) {
    this.rt = rt;
    this.queues = queues;
    this.publisher = queues.redis;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.rt.config.relayIntervalMs);
    this.timer.unref();
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err) => this.rt.log.warn({ err: String(err) }, 'outbox relay pass failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Resolves when everything committed so far has been relayed (used by tests and shutdown). */
  async flush(): Promise<number> {
    await this.running;
    await this.drain();
    const rows = await this.rt.pools.owner.query<{ n: number }>(
      'select count(*)::int as n from core_outbox where relayed_at is null and failed_at is null',
    );
    return rows.rows[0]?.n ?? 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    const client = await this.rt.pools.owner.connect();
    try {
      const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [RELAY_LOCK]);
      if (!got.rows[0]?.ok) return;
      try {
        // Commits that woke the relay while it was passing are relayed under the same lock, on
        // the same connection: under a stream of writes, one pass after another without a pool
        // checkout, lock and unlock (three round trips) each.
        do {
          this.again = false;
          while (await this.pass(client)) {
            // a full batch went through: look for more
          }
        } while (this.again && !this.stopped);
      } finally {
        await client.query('select pg_advisory_unlock($1)', [RELAY_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  /**
   * One batch in id order. A row whose subscriber fails waits with backoff, and so do the
   * rows after it on the same aggregate; other aggregates go on. When Redis or the queue
   * fails, the pass stops: every row would fail the same way. Returns whether to continue.
   */
  private async pass(client: pg.PoolClient): Promise<boolean> {
    // `core_outbox.id`, the bigint: a bare `id` would sort by the text alias ('10' < '9').
    const rows = await client.query<OutboxRow & { waiting: boolean; attempts: number }>(
      `select tenant_id, id::text, kind, name, aggregate_id, payload, actor_id, job_id, created_at, delivered, attempts,
         greatest(0, ceil(extract(epoch from run_at - clock_timestamp()) * 1000))::float8 as delay_ms,
         coalesce(next_attempt_at > now(), false) as waiting
       from core_outbox where relayed_at is null and failed_at is null order by core_outbox.id limit ${BATCH}`,
    );
    const blocked = new Set<string>();
    let progressed = 0;
    // Consecutive events without inline subscribers go out together: one BullMQ bulk add, one
    // Redis pipeline, one UPDATE. Order is kept: the run is flushed before any other row.
    let run: OutboxRow[] = [];
    const flush = async (): Promise<boolean> => {
      if (run.length === 0) return true;
      const batch = run;
      run = [];
      try {
        await this.deliverEvents(batch);
      } catch (err) {
        this.rt.log.warn({ rows: batch.length, err: String(err) }, 'outbox events not relayed; will retry');
        await client.query(
          `update core_outbox set attempts = attempts + 1, last_error = $2
           where (tenant_id, id) in (select * from unnest($1::uuid[], $3::bigint[]))`,
          [
            batch.map((b) => b.tenant_id),
            String((err as Error)?.message ?? err).slice(0, 1000),
            batch.map((b) => b.id),
          ],
        );
        return false;
      }
      await client.query(
        'update core_outbox set relayed_at = now() where (tenant_id, id) in (select * from unnest($1::uuid[], $2::bigint[]))',
        [batch.map((b) => b.tenant_id), batch.map((b) => b.id)],
      );
      progressed += batch.length;
      return true;
    };
    for (const row of rows.rows) {
      const key = `${row.tenant_id}:${row.kind}:${row.aggregate_id}`;
      if (row.waiting) blocked.add(key);
      if (blocked.has(key)) continue;
      if (row.kind === 'event' && (await subscribersFor(this.rt, row.tenant_id, row.name, 'inline')).length === 0) {
        run.push(row);
        continue;
      }
      if (!(await flush())) return false;
      try {
        await this.deliver(row, (sub) =>
          client.query(
            'update core_outbox set delivered = array_append(delivered, $3) where tenant_id = $1 and id = $2',
            [row.tenant_id, row.id, sub],
          ),
        );
        await client.query('update core_outbox set relayed_at = now() where tenant_id = $1 and id = $2', [
          row.tenant_id,
          row.id,
        ]);
        progressed += 1;
      } catch (err) {
        const message = String((err as Error)?.message ?? err).slice(0, 1000);
        const subscriberFault = err instanceof SubscriberFailure;
        const dead = subscriberFault && row.attempts + 1 >= MAX_SUBSCRIBER_ATTEMPTS;
        await client.query(
          `update core_outbox set attempts = attempts + 1, last_error = $3,
             next_attempt_at = case when $4 then now() + make_interval(secs => least(300, 0.25 * power(2, attempts + 1))) end,
             failed_at = case when $5 then now() end
           where tenant_id = $1 and id = $2`,
          [row.tenant_id, row.id, message, subscriberFault, dead],
        );
        if (dead) {
          this.rt.log.error(
            { outboxId: row.id, name: row.name, err: message },
            'outbox row failed for good (dead letter)',
          );
        } else {
          this.rt.log.warn({ outboxId: row.id, name: row.name, err: message }, 'outbox row not relayed; will retry');
        }
        if (!subscriberFault) return false;
        blocked.add(key);
      }
    }
    if (!(await flush())) return false;
    return rows.rows.length === BATCH && progressed > 0;
  }

  /** Events with no inline subscriber: to the events queue and the live channel, in bulk. */
  private async deliverEvents(rows: OutboxRow[]): Promise<void> {
    const events = rows.map(toEvent);
    await bounded(
      this.queues.events.addBulk(
        events.map((event, i) => ({
          name: event.name,
          data: event,
          opts: {
            jobId: `evt-${rows[i]?.id}`,
            removeOnComplete: { age: 3600, count: 1000 },
            removeOnFail: { age: 7 * 86_400 },
            attempts: 5,
            backoff: { type: 'exponential', delay: 1000 },
          },
        })),
      ),
      5000,
      'queue events',
    );
    const pipeline = this.publisher.pipeline();
    for (const event of events) {
      const permission = this.rt.livePermission(event.name, event.payload);
      pipeline.publish(
        liveChannel(this.rt.config.redisPrefix, event.tenantId),
        JSON.stringify({ ...event, permission }),
      );
    }
    const results = await bounded(pipeline.exec(), 5000, 'publish events');
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  private async deliver(row: OutboxRow, markDelivered: (sub: string) => Promise<unknown>): Promise<void> {
    if (row.kind === 'job') {
      // A schedule run now (POST /core/schedules/:name/run) retries as the schedule says.
      const scheduled = this.rt.schedulesByName.get(row.name)?.schedule;
      const def = this.rt.jobsByName.get(row.name) ?? { job: scheduled ?? this.rt.kernelJobs.get(row.name) };
      await bounded(
        this.queues.jobs.add(
          row.name,
          { tenantId: row.tenant_id, data: row.payload, actorId: row.actor_id },
          {
            jobId: row.job_id ?? row.id,
            // A delayed job waits in BullMQ (in Redis, so across restarts), not in the outbox.
            ...(row.delay_ms ? { delay: row.delay_ms } : {}),
            attempts: def.job?.attempts ?? 5,
            backoff: { type: 'exponential', delay: def.job?.backoffMs ?? 1000 },
            removeOnComplete: { age: 86_400, count: 10_000 },
            removeOnFail: { age: 7 * 86_400 },
          },
        ),
        3000,
        'queue jobs',
      );
      return;
    }
    const event = toEvent(row);
    for (const { addon, sub } of await subscribersFor(this.rt, row.tenant_id, row.name, 'inline')) {
      const key = `${addon.id}:${sub.name}`;
      if (row.delivered.includes(key)) continue;
      try {
        await runSubscriber(this.rt, addon, sub, event);
      } catch (err) {
        throw new SubscriberFailure(`${key}: ${String((err as Error)?.message ?? err)}`);
      }
      await markDelivered(key);
      row.delivered.push(key);
    }
    await bounded(
      this.queues.events.add(row.name, event, {
        jobId: `evt-${row.id}`,
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 7 * 86_400 },
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
      }),
      3000,
      'queue event',
    );
    const permission = this.rt.livePermission(row.name, event.payload);
    await bounded(
      this.publisher.publish(
        liveChannel(this.rt.config.redisPrefix, row.tenant_id),
        JSON.stringify({ ...event, permission }),
      ),
      3000,
      'publish event',
    );
  }
}
