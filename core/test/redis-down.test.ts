import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TcpProxy } from './support/tcp-proxy.ts';

const REDIS = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

let proxy: TcpProxy;
let env: TestEnv;
let t: TestTenant;

beforeAll(async () => {
  proxy = new TcpProxy({ host: REDIS.hostname, port: Number(REDIS.port || 6379) });
  const port = await proxy.start();
  // The kernel reaches Redis only through the proxy; the test looks at Redis directly.
  env = await bootTestKernel({ addons: [projects], env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  t = await env.tenant('redis-down', { enable: ['projects'] });
});
afterAll(async () => {
  await proxy?.resume();
  await env?.close();
  await proxy?.close();
});

describe('Redis outage', () => {
  it('keeps serving requests while Redis is down and drains the outbox when it returns', {
    timeout: 45_000,
  }, async () => {
    const ready = await env.anonymous().get('/readyz');
    expect(ready.status).toBe(200);

    await proxy.pause();

    const down = await vi.waitFor(
      async () => {
        const res = await env.anonymous().get('/readyz');
        expect(res.status).toBe(503);
        return res;
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(down.body.checks.database).toBe('ok');
    expect(down.body.checks.redis).toMatch(/^unavailable/);

    // Forgot-password queues straight to BullMQ: without Redis it says so, the same for every address.
    const forgot = await env
      .anonymous()
      .post('/api/v1/auth/password/forgot', { tenant: 'redis-down', email: t.ownerEmail });
    expect([forgot.status, forgot.body.code]).toEqual([503, 'UNAVAILABLE']);
    expect(forgot.headers.get('retry-after')).toMatch(/^\d+$/);

    // Requests do not need Redis: the change and its event commit to PostgreSQL.
    const created = await t.client.post('/api/v1/projects/projects', { name: 'While Redis is down' });
    expect(created.status).toBe(201);
    const projectId = created.body.id as string;
    const recount = await t.client.post('/api/v1/projects/projects/recount');
    expect(recount.status).toBe(202);
    const jobId = recount.body.jobId as string;
    const pendingJob = await t.client.get(`/api/v1/core/jobs/${jobId}`);
    expect(pendingJob.status).toBe(200);
    expect(pendingJob.body.state).toBe('pending');

    // The relay cannot hand the rows to BullMQ / pub/sub; its Redis calls give up in bounded time.
    expect(await env.flush()).toBeGreaterThan(0);
    const waiting = await env.sql<{ attempts: number; last_error: string | null }>(
      `select attempts, last_error from core_outbox where aggregate_id = $1`,
      [projectId],
    );
    expect(waiting[0]?.attempts).toBeGreaterThan(0);
    expect(waiting[0]?.last_error).toBeTruthy();

    await proxy.resume();

    await vi.waitFor(async () => expect(await env.flush()).toBe(0), { timeout: 20_000, interval: 200 });
    const rows = await env.sql<{ id: string; kind: string; relayed_at: Date | null }>(
      `select id::text, kind, relayed_at from core_outbox where aggregate_id = any($1::text[]) order by core_outbox.id`,
      [[projectId, jobId]],
    );
    expect(rows.map((r) => r.kind)).toEqual(['event', 'job']);
    expect(rows.every((r) => r.relayed_at instanceof Date)).toBe(true);

    // The event and the job reached BullMQ.
    const redis = new Redis(REDIS.toString(), { maxRetriesPerRequest: null });
    const events = new Queue('events', { connection: redis, prefix: env.redisPrefix });
    try {
      const evt = await events.getJob(`evt-${rows[0]?.id}`);
      expect(evt?.name).toBe('projects.project.created');
      expect(evt?.data).toMatchObject({ tenantId: t.id, aggregateId: projectId });
    } finally {
      await events.close();
      redis.disconnect();
    }
    // The inline subscriber ran once.
    expect(await env.sql('select message from projects_activity where project_id = $1', [projectId])).toEqual([
      { message: 'created While Redis is down' },
    ]);

    // The job queued during the outage runs once the workers are reconnected.
    const job = await vi.waitFor(
      async () => {
        const res = await t.client.get(`/api/v1/core/jobs/${jobId}`);
        expect(res.body.state).toBe('completed');
        return res.body;
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(job.result).toEqual({ count: 1 });

    await vi.waitFor(
      async () => {
        const res = await env.anonymous().get('/readyz');
        expect(res.status).toBe(200);
        expect(res.body.checks).toEqual({ database: 'ok', redis: 'ok' });
      },
      { timeout: 5_000, interval: 100 },
    );
  });
});
