import { createKernel, type KernelInternals, loadConfig } from '@elevate/core';
import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { laterJob, ticker, tickSchedule } from '@elevate-fixture/ticker';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Generous limits, no timings asserted: the fixture's schedule fires every 200 ms.
const WAIT = { timeout: 20_000, interval: 50 };

let env: TestEnv;
let redis: Redis;
let jobs: Queue;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [ticker] });
  redis = new Redis(env.kernel.config.redisUrl, { maxRetriesPerRequest: null });
  jobs = new Queue('jobs', { connection: redis, prefix: env.redisPrefix });
});
afterAll(async () => {
  await jobs?.close();
  redis?.disconnect();
  await env?.close();
});

async function ticks(e: TestEnv, tenantId: string, source = 'schedule'): Promise<number> {
  const rows = await e.sql<{ n: number }>(
    'select count(*)::int as n from ticker_tick where tenant_id = $1 and source = $2',
    [tenantId, source],
  );
  return rows[0]?.n ?? 0;
}

/** Waits until the tenant has more scheduled ticks than `than`; returns the new count. */
async function moreTicks(e: TestEnv, tenantId: string, than: number): Promise<number> {
  return vi.waitFor(async () => {
    const n = await ticks(e, tenantId);
    expect(n).toBeGreaterThan(than);
    return n;
  }, WAIT);
}

async function schedulerIds(q: Queue, opts: { kernel?: boolean } = {}): Promise<string[]> {
  // Tenant schedulers only (`<tenant>/<schedule>`): the core's own (the audit purge) has no tenant.
  // Every tenant also has the kernel's daily digest scheduler; left out unless asked for.
  return (await q.getJobSchedulers(0, -1, true))
    .map((s) => s.key)
    .filter((k) => k.includes('/') && (opts.kernel || !k.endsWith('/core.notification-digest')))
    .sort();
}

describe('scheduled jobs', () => {
  it('fire for tenants that enabled the addon only, in their tenant, and stop when it is disabled', async () => {
    const on = await env.tenant('sched-on', { enable: ['ticker'] });
    const off = await env.tenant('sched-off');
    const clock = await env.tenant('sched-clock', { enable: ['ticker'] });
    // enable returns after the scheduler exists.
    expect(await schedulerIds(jobs)).toEqual(
      expect.arrayContaining([`${on.id}/ticker.tick`, `${clock.id}/ticker.tick`]),
    );
    expect((await schedulerIds(jobs)).filter((id) => id.startsWith(off.id))).toEqual([]);
    // The kernel's own per-tenant scheduler exists whatever the tenant enabled.
    expect(await schedulerIds(jobs, { kernel: true })).toContain(`${off.id}/core.notification-digest`);

    await moreTicks(env, on.id, 1);
    // Each run wrote through ctx.em in its own tenant.
    const labels = await env.sql<{ label: string }>('select distinct label from ticker_tick where tenant_id = $1', [
      on.id,
    ]);
    expect(labels).toEqual([{ label: 'sched-on' }]);
    expect(await ticks(env, off.id)).toBe(0);

    await env.kernel.tenantAddons.disable(on.id, 'ticker');
    expect(await jobs.getJobScheduler(`${on.id}/ticker.tick`)).toBeUndefined();
    // The other tenant is the clock: once it ticked, a run of `on` that had begun before the
    // disable is over; after three more of its ticks, `on` has not ticked again.
    let c = await moreTicks(env, clock.id, await ticks(env, clock.id));
    const stopped = await ticks(env, on.id);
    for (let i = 0; i < 3; i++) c = await moreTicks(env, clock.id, c);
    expect(await ticks(env, on.id)).toBe(stopped);
    expect(await ticks(env, off.id)).toBe(0);

    // Enabled again: the scheduler is created again and the tenant ticks again.
    await env.kernel.tenantAddons.enable(on.id, 'ticker');
    expect(await jobs.getJobScheduler(`${on.id}/ticker.tick`)).toMatchObject({ every: 200 });
    await moreTicks(env, on.id, stopped);
  });
});

describe('schedules run now', () => {
  it("lists the enabled addons' schedules with their next run, and runs one now for the caller's company only", async () => {
    const on = await env.tenant('sched-now', { enable: ['ticker'] });
    const off = await env.tenant('sched-now-off');
    const list = await on.client.get('/api/v1/core/schedules');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      {
        name: 'ticker.tick',
        title: 'Tick',
        addon: 'ticker',
        everyMs: 200,
        next: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    expect((await off.client.get('/api/v1/core/schedules')).body.data).toEqual([]);

    const run = await on.client.post('/api/v1/core/schedules/ticker.tick/run');
    expect(run.status).toBe(202);
    expect(run.body).toEqual({ jobId: expect.any(String), name: 'ticker.tick' });
    // The workers run it in the company's transaction: its result names the company.
    const done = await vi.waitFor(async () => {
      const s = await on.client.get(`/api/v1/core/jobs/${run.body.jobId}`);
      expect(s.body.state).toBe('completed');
      return s.body;
    }, WAIT);
    expect(done).toMatchObject({ name: 'ticker.tick', result: { tenant: 'sched-now' } });
    // The test kit's helper for addon tests does the same and waits.
    expect(await on.runSchedule('ticker.tick')).toEqual({ tenant: 'sched-now' });
    await expect(off.runSchedule('ticker.tick')).rejects.toThrow(/did not start: 404/);
    // Another company cannot see the job, nor run a schedule of an addon it has not enabled.
    expect((await off.client.get(`/api/v1/core/jobs/${run.body.jobId}`)).status).toBe(404);
    const refused = await off.client.post('/api/v1/core/schedules/ticker.tick/run');
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('SCHEDULE_NOT_FOUND');
    expect((await on.client.post('/api/v1/core/schedules/ticker.nope/run')).body.code).toBe('SCHEDULE_NOT_FOUND');
    // Managing addons is what it takes.
    const member = await on.as('member');
    expect((await member.post('/api/v1/core/schedules/ticker.tick/run')).status).toBe(403);
    expect((await member.get('/api/v1/core/schedules')).status).toBe(403);
  });
});

describe('delayed jobs', () => {
  it('run after their delay, not before', async () => {
    const t = await env.tenant('delay-runs', { enable: ['ticker'] });
    const res = await t.client.post('/api/v1/ticker/later', { label: 'soon', delayMs: 400 });
    expect(res.status).toBe(202);
    const jobId = res.body.jobId as string;
    const done = await vi.waitFor(async () => {
      const s = await t.client.get(`/api/v1/core/jobs/${jobId}`);
      expect(s.body).toMatchObject({ error: null, state: 'completed' });
      return s.body;
    }, WAIT);
    expect(done.result).toEqual({ label: 'soon' });
    // The run, by the database clock, is not earlier than the moment it was due.
    const [row] = await env.sql<{ early: boolean }>(
      "select created_at < due_at as early from ticker_tick where tenant_id = $1 and source = 'delayed'",
      [t.id],
    );
    expect(row).toEqual({ early: false });
    // And by BullMQ's: handed over as a delayed job, processed no sooner than its delay.
    const job = await jobs.getJob(jobId);
    expect(job?.opts.delay).toBeGreaterThan(0);
    expect(job?.processedOn).toBeGreaterThanOrEqual((job?.timestamp ?? 0) + (job?.opts.delay ?? 0));
  });

  it('enqueued in a transaction that rolls back, never runs', async () => {
    const t = await env.tenant('delay-rollback', { enable: ['ticker'] });
    const failed = await t.client.post('/api/v1/ticker/later', { label: 'rolled-back', delayMs: 100, fail: true });
    expect(failed.status).toBe(409);
    expect(failed.body.code).toBe('TICKER_FAILED');
    // A job enqueued after it, with the same delay, runs; the rolled-back one never existed.
    const ok = await t.client.post('/api/v1/ticker/later', { label: 'committed', delayMs: 100 });
    expect(ok.status).toBe(202);
    await vi.waitFor(async () => expect(await ticks(env, t.id, 'delayed')).toBe(1), WAIT);
    expect(await env.flush()).toBe(0);
    const labels = await env.sql<{ label: string }>(
      "select label from ticker_tick where tenant_id = $1 and source = 'delayed'",
      [t.id],
    );
    expect(labels).toEqual([{ label: 'committed' }]);
    const outbox = await env.sql(
      "select 1 from core_outbox where tenant_id = $1 and payload->>'label' = 'rolled-back'",
      [t.id],
    );
    expect(outbox).toEqual([]);
    const queued = await jobs.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(queued.filter((j) => (j.data as { data?: { label?: string } }).data?.label === 'rolled-back')).toEqual([]);
  });
});

describe('restarts', () => {
  it('re-create missing schedulers when the workers start again, without duplicates', async () => {
    const own = await bootTestKernel({ addons: [ticker] });
    const conn = new Redis(own.kernel.config.redisUrl, { maxRetriesPerRequest: null });
    const q = new Queue('jobs', { connection: conn, prefix: own.redisPrefix });
    let next: KernelInternals | null = null;
    try {
      const a = await own.tenant('restart-a', { enable: ['ticker'] });
      const b = await own.tenant('restart-b', { enable: ['ticker'] });
      const before = await moreTicks(own, a.id, 0);
      await own.kernel.stop();
      // While no process runs, one scheduler is lost (as if a change had missed Redis).
      await q.removeJobScheduler(`${b.id}/ticker.tick`);
      expect(await schedulerIds(q)).toEqual([`${a.id}/ticker.tick`]);

      const config = loadConfig({
        NODE_ENV: 'test',
        DATABASE_URL: own.databaseUrl,
        REDIS_PREFIX: own.redisPrefix,
        LOG_LEVEL: 'silent',
      });
      next = await createKernel({ config, addons: [ticker] });
      await next.startWorkers();
      expect(await schedulerIds(q)).toEqual([`${a.id}/ticker.tick`, `${b.id}/ticker.tick`].sort());
      await moreTicks(own, a.id, before);
      await moreTicks(own, b.id, await ticks(own, b.id));
      // One scheduler per tenant, and one pending run of each.
      expect(await schedulerIds(q)).toHaveLength(2);
      const delayed = (await q.getJobs(['delayed', 'waiting'])).map((j) => j.repeatJobKey);
      expect(delayed.filter((k) => k === `${a.id}/ticker.tick`).length).toBeLessThanOrEqual(1);
      expect(delayed.filter((k) => k === `${b.id}/ticker.tick`).length).toBeLessThanOrEqual(1);
    } finally {
      await next?.stop();
      await q.close();
      conn.disconnect();
      await own.close();
    }
  });
});

describe('the test kit runs a job or a schedule now', () => {
  it('in the tenant, committed when it returns, without workers; refused where the addon is off', async () => {
    const own = await bootTestKernel({ addons: [ticker], workers: false });
    try {
      const on = await own.tenant('now-on', { enable: ['ticker'] });
      const off = await own.tenant('now-off');
      await own.runJob(tickSchedule, on);
      expect(await own.runJob(laterJob, on, { label: 'now', dueAt: new Date().toISOString() })).toEqual({
        label: 'now',
      });
      expect(await ticks(own, on.id)).toBe(1);
      expect(await ticks(own, on.id, 'delayed')).toBe(1);
      await expect(own.runJob(tickSchedule, off)).rejects.toThrow('Addon "ticker" is not enabled for this tenant');
      expect(await ticks(own, off.id)).toBe(0);
    } finally {
      await own.close();
    }
  });
});
