// Which way the limiter fails when Redis is down: open for service, still limited per process.
// Logins and API requests keep being answered; the limits are counted in the process's memory
// instead, so a brute force does not get unlimited guesses while Redis is away.
import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TcpProxy } from './support/tcp-proxy.ts';

const REDIS = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

let proxy: TcpProxy;
let env: TestEnv;

beforeAll(async () => {
  proxy = new TcpProxy({ host: REDIS.hostname, port: Number(REDIS.port || 6379) });
  const port = await proxy.start();
  env = await bootTestKernel({
    addons: [],
    workers: false,
    env: {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      THROTTLE_LOGIN_ACCOUNT: '3/30',
      THROTTLE_API: '1000/60',
    },
  });
});
afterAll(async () => {
  await proxy?.resume();
  await env?.close();
  await proxy?.close();
});

describe('throttling while Redis is down', () => {
  it('keeps answering logins and API requests and still limits failed logins (in memory)', {
    timeout: 30_000,
  }, async () => {
    const t = await env.tenant('throttle-down');
    const other = await env.tenant('throttle-down-b');
    const wrong = () =>
      env.anonymous().post('/api/v1/auth/login', { tenant: t.slug, email: t.ownerEmail, password: 'wrong-password' });

    await proxy.pause();
    await vi.waitFor(async () => expect((await env.anonymous().get('/readyz')).status).toBe(503), {
      timeout: 5_000,
      interval: 100,
    });

    const started = performance.now();
    for (let i = 0; i < 3; i++) expect((await wrong()).status).toBe(401);
    const blocked = await env
      .anonymous()
      .post('/api/v1/auth/login', { tenant: t.slug, email: t.ownerEmail, password: t.password });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Nobody waits on Redis: four attempts well within a second or two (scrypt included).
    expect(performance.now() - started).toBeLessThan(5_000);

    // Another account signs in; API requests are served, with their budget headers.
    const ok = await env
      .anonymous()
      .post('/api/v1/auth/login', { tenant: other.slug, email: other.ownerEmail, password: other.password });
    expect(ok.status).toBe(200);
    const me = await other.client.get('/api/v1/core/me');
    expect(me.status).toBe(200);
    expect(me.headers.get('ratelimit-limit')).toBe('1000');

    await proxy.resume();
    await vi.waitFor(async () => expect((await env.anonymous().get('/readyz')).status).toBe(200), {
      timeout: 10_000,
      interval: 100,
    });
    // Back on Redis: the count starts there afresh (memory counts were per process and temporary).
    expect((await other.client.get('/api/v1/core/me')).status).toBe(200);
  });
});
