import { randomBytes } from 'node:crypto';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TcpProxy } from './support/tcp-proxy.ts';

// While PostgreSQL is unreachable, requests answer 503 with Retry-After (not 500), on REST,
// GraphQL and the public auth routes; when it is back, the same requests work again.

const ADMIN = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const dbName = `elevate_test_down_${randomBytes(6).toString('hex')}`;

let proxy: TcpProxy;
let env: TestEnv;
let t: TestTenant;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: ADMIN.toString() });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await admin(`create database ${dbName}`);
  proxy = new TcpProxy({ host: ADMIN.hostname, port: Number(ADMIN.port || 5432) });
  const port = await proxy.start();
  // Every pool of the kernel reaches PostgreSQL through the proxy.
  const url = new URL(ADMIN.toString());
  url.host = `127.0.0.1:${port}`;
  url.pathname = `/${dbName}`;
  env = await bootTestKernel({ addons: [projects], workers: false, env: { DATABASE_URL: url.toString() } });
  t = await env.tenant('db-down', { enable: ['projects'] });
});
afterAll(async () => {
  await proxy?.resume();
  await env?.close();
  await proxy?.close();
  await admin(`drop database if exists ${dbName} with (force)`);
});

describe('PostgreSQL outage', () => {
  it('answers 503 with Retry-After while the database is unreachable, and recovers', async () => {
    expect((await t.client.get('/api/v1/projects/projects')).status).toBe(200);
    await proxy.pause();

    const requests = [
      () => t.client.get('/api/v1/projects/projects'),
      () => t.client.post('/api/v1/projects/projects', { name: 'While the database is down' }),
      () => t.client.graphql('{ me { id } }'),
      () => env.anonymous().post('/api/v1/auth/login', { tenant: t.slug, email: t.ownerEmail, password: t.password }),
    ];
    for (const send of requests) {
      const res = await send();
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('DATABASE_UNAVAILABLE');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect((await env.anonymous().get('/readyz')).status).toBe(503);

    await proxy.resume();
    // The pool reconnects on the next request.
    await vi.waitFor(async () => expect((await t.client.get('/api/v1/projects/projects')).status).toBe(200), {
      timeout: 10_000,
      interval: 100,
    });
  });
});
