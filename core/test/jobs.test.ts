import { randomUUID } from 'node:crypto';
import { defineAddon, defineJob } from '@elevate/sdk';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The relay's advisory lock (core/src/events/relay.ts): holding it keeps a queued job in
// the outbox, so the test can see the "pending" state.
const RELAY_LOCK = 0x0e1e7a7e;
const WAIT = { timeout: 15_000, interval: 50 };

/** Attempt numbers seen by the flaky job, by job id. */
const attemptsSeen = new Map<string, number[]>();

/** Fails its first attempt, succeeds on the second. */
const flakyJob = defineJob<Record<string, never>, { ok: true; attempt: number }>({
  name: 'retrier.flaky',
  attempts: 3,
  backoffMs: 50,
  run: (_data, ctx) => {
    attemptsSeen.set(ctx.jobId, [...(attemptsSeen.get(ctx.jobId) ?? []), ctx.attempt]);
    if (ctx.attempt === 1) throw new Error('first attempt fails');
    return { ok: true, attempt: ctx.attempt };
  },
});

const retrier = defineAddon({
  id: 'retrier',
  version: '1.0.0',
  title: 'Retrier (test)',
  description: 'A job that fails once, for the retry test.',
  category: 'testing',
  platform: '^1.0.0',
  jobs: [flakyJob],
  rest: (r) => {
    r.post('/flaky', { summary: 'Queue the flaky job' }, async ({ ctx }) => ({
      status: 202,
      body: { jobId: await ctx.jobs.enqueue(flakyJob, {}) },
    }));
  },
});

interface JobStatus {
  id: string;
  name: string;
  state: string;
  progress: number;
  result: unknown;
  error: string | null;
  attempts: number;
}

let env: TestEnv;
let redis: Redis;
let jobsQueue: Queue;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [projects, retrier] });
  redis = new Redis(env.kernel.config.redisUrl, { maxRetriesPerRequest: null });
  jobsQueue = new Queue('jobs', { connection: redis, prefix: env.redisPrefix });
});
afterAll(async () => {
  await jobsQueue?.close();
  redis?.disconnect();
  await env?.close();
});

async function withRelayPaused<T>(fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    await client.query('set lock_timeout = 10000');
    await client.query('select pg_advisory_lock($1)', [RELAY_LOCK]);
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [RELAY_LOCK]);
    }
  } finally {
    await client.end();
  }
}

/** Polls the job endpoint until the job is finished; returns every status seen. */
async function pollUntilFinished(client: ApiClient, jobId: string): Promise<JobStatus[]> {
  const seen: JobStatus[] = [];
  await vi.waitFor(async () => {
    const res = await client.get<JobStatus>(`/api/v1/core/jobs/${jobId}`);
    expect(res.status).toBe(200);
    seen.push(res.body);
    expect(['completed', 'failed']).toContain(res.body.state);
  }, WAIT);
  return seen;
}

async function recount(t: TestTenant): Promise<string> {
  const res = await t.client.post('/api/v1/projects/projects/recount');
  expect(res.status).toBe(202);
  expect(res.body.jobId).toEqual(expect.any(String));
  return res.body.jobId as string;
}

describe('job status', () => {
  it('runs a queued job and reports pending, then completed with progress and result; other tenants get 404', async () => {
    const t = await env.tenant('jobs-status', { enable: ['projects'] });
    const other = await env.tenant('jobs-other', { enable: ['projects'] });
    for (const name of ['One', 'Two', 'Three']) {
      expect((await t.client.post('/api/v1/projects/projects', { name })).status).toBe(201);
    }

    const jobId = await withRelayPaused(async () => {
      const id = await recount(t);
      const pending = await t.client.get<JobStatus>(`/api/v1/core/jobs/${id}`);
      expect(pending.status).toBe(200);
      expect(pending.body).toMatchObject({ id, name: 'projects.recount', state: 'pending', progress: 0, result: null });
      // Still in the outbox: invisible to another tenant.
      expect((await other.client.get(`/api/v1/core/jobs/${id}`)).status).toBe(404);
      return id;
    });

    const seen = await pollUntilFinished(t.client, jobId);
    const last = seen.at(-1);
    expect(last).toMatchObject({
      id: jobId,
      name: 'projects.recount',
      state: 'completed',
      progress: 100,
      result: { count: 3 },
      error: null,
      attempts: 1,
    });
    // In BullMQ now: still invisible to another tenant, and an unknown id is 404 too.
    const foreign = await other.client.get(`/api/v1/core/jobs/${jobId}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('NOT_FOUND');
    expect((await t.client.get(`/api/v1/core/jobs/${randomUUID()}`)).status).toBe(404);
  });
});

describe('tenant guard', () => {
  it("fails a job, without retrying, for a tenant that has not enabled the job's addon", async () => {
    const t = await env.tenant('jobs-noprojects');
    const job = await jobsQueue.add(
      'projects.recount',
      { tenantId: t.id, data: {}, actorId: null },
      { jobId: randomUUID(), attempts: 3, backoff: { type: 'fixed', delay: 10 } },
    );
    const finished = await vi.waitFor(async () => {
      // Read the job after it failed: a copy fetched before (still waiting) has no failedReason.
      expect(await jobsQueue.getJobState(job.id as string)).toBe('failed');
      return (await jobsQueue.getJob(job.id as string)) as Job;
    }, WAIT);
    expect(finished.failedReason).toMatch(/Addon "projects" is not enabled/);
    expect(finished.attemptsMade).toBe(1);
    expect(await env.sql('select 1 from projects_project where tenant_id = $1', [t.id])).toEqual([]);
  });
});

describe('idempotence', () => {
  it('relaying the same outbox job twice queues it once', async () => {
    const t = await env.tenant('jobs-idem', { enable: ['projects'] });
    const jobId = await recount(t);
    const done = await pollUntilFinished(t.client, jobId);
    expect(done.at(-1)?.state).toBe('completed');
    const before = await jobsQueue.getJob(jobId);
    const countBefore = await jobsQueue.getJobCountByTypes(
      'waiting',
      'active',
      'delayed',
      'completed',
      'failed',
      'prioritized',
    );

    // Make the relay deliver the row again, as after a crash between add() and marking it relayed.
    const reset = await env.sql<{ id: string }>(
      `update core_outbox set relayed_at = null where kind = 'job' and job_id = $1 returning id::text`,
      [jobId],
    );
    expect(reset).toHaveLength(1);
    await vi.waitFor(async () => expect(await env.flush()).toBe(0), WAIT);
    const relayed = await env.sql<{ relayed_at: Date | null }>('select relayed_at from core_outbox where job_id = $1', [
      jobId,
    ]);
    expect(relayed[0]?.relayed_at).toBeInstanceOf(Date);

    const countAfter = await jobsQueue.getJobCountByTypes(
      'waiting',
      'active',
      'delayed',
      'completed',
      'failed',
      'prioritized',
    );
    expect(countAfter).toBe(countBefore);
    const after = await jobsQueue.getJob(jobId);
    expect(after?.timestamp).toBe(before?.timestamp);
    expect(after?.finishedOn).toBe(before?.finishedOn);
    expect(await after?.getState()).toBe('completed');
  });
});

describe('retries', () => {
  it('retries a failing job with backoff until it succeeds', async () => {
    const t = await env.tenant('jobs-retry', { enable: ['retrier'] });
    const res = await t.client.post('/api/v1/retrier/flaky');
    expect(res.status).toBe(202);
    const jobId = res.body.jobId as string;
    const seen = await pollUntilFinished(t.client, jobId);
    expect(seen.at(-1)).toMatchObject({
      state: 'completed',
      attempts: 2,
      result: { ok: true, attempt: 2 },
      error: null,
    });
    expect(attemptsSeen.get(jobId)).toEqual([1, 2]);
    const job = await jobsQueue.getJob(jobId);
    expect(job?.attemptsMade).toBe(2);
    expect(job?.opts.attempts).toBe(3);
    expect(job?.opts.backoff).toEqual({ type: 'exponential', delay: 50 });
  });
});
