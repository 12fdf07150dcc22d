import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [] });
});
afterAll(() => env?.close());

describe('health', () => {
  it('answers /healthz and /readyz with database and redis checks', async () => {
    expect((await env.anonymous().get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await env.anonymous().get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: 'ok', redis: 'ok' });
  });

  it('echoes a request id or makes one', async () => {
    const res = await env.anonymous().request('GET', '/healthz', undefined, { 'x-request-id': 'abc-123' });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const other = await env.anonymous().get('/healthz');
    expect(other.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('sign-up, login, refresh, logout', () => {
  it('signs up a company and its owner, who can call the API', async () => {
    const res = await env.anonymous().post('/api/v1/auth/signup', {
      company: 'Globex',
      slug: 'globex',
      email: 'hank@globex.test',
      password: 'supersecret1',
      name: 'Hank',
    });
    expect(res.status).toBe(201);
    expect(res.body.tenant.slug).toBe('globex');
    const me = await env.anonymous().request('GET', '/api/v1/core/me', undefined, {
      authorization: `Bearer ${res.body.accessToken}`,
    });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('hank@globex.test');
    expect(me.body.permissions).toEqual(['*']);
  });

  it('refuses a taken slug and bad input with a code and details', async () => {
    await env.tenant('taken');
    const dup = await env.anonymous().post('/api/v1/auth/signup', {
      company: 'Taken 2',
      slug: 'taken',
      email: 'x@globex.test',
      password: 'supersecret1',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('TENANT_SLUG_TAKEN');
    const bad = await env
      .anonymous()
      .post('/api/v1/auth/signup', { company: 'A', slug: 'Bad Slug!', email: 'nope', password: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.length).toBeGreaterThan(0);
    const malformed = await env.anonymous().request('POST', '/api/v1/auth/login', '{not json', {
      'content-type': 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.ts/);
  });

  it('rejects wrong passwords and unknown tenants alike', async () => {
    const t = await env.tenant('initech');
    const wrong = await env
      .anonymous()
      .post('/api/v1/auth/login', { tenant: 'initech', email: t.ownerEmail, password: 'wrong-password' });
    const unknown = await env
      .anonymous()
      .post('/api/v1/auth/login', { tenant: 'nobody', email: t.ownerEmail, password: t.password });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('rotates refresh tokens and revokes the family when a spent one is reused', async () => {
    const t = await env.tenant('umbrella');
    const first = await env.anonymous().post('/api/v1/auth/refresh', { refreshToken: t.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(t.refreshToken);
    const second = await env.anonymous().post('/api/v1/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(second.status).toBe(200);
    // Reusing the first (spent) token revokes the whole session family...
    const reuse = await env.anonymous().post('/api/v1/auth/refresh', { refreshToken: t.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');
    // ...so even the newest token no longer works.
    const after = await env.anonymous().post('/api/v1/auth/refresh', { refreshToken: second.body.refreshToken });
    expect(after.status).toBe(401);
  });

  it('logout revokes the session', async () => {
    const t = await env.tenant('hooli');
    expect((await env.anonymous().post('/api/v1/auth/logout', { refreshToken: t.refreshToken })).status).toBe(204);
    const res = await env.anonymous().post('/api/v1/auth/refresh', { refreshToken: t.refreshToken });
    expect(res.status).toBe(401);
  });

  it('refuses missing, forged and cross-signed access tokens', async () => {
    expect((await env.anonymous().get('/api/v1/core/me')).status).toBe(401);
    const t = await env.tenant('vandelay');
    const forged = `${t.client.token?.slice(0, -4)}AAAA`;
    const res = await env
      .anonymous()
      .request('GET', '/api/v1/core/me', undefined, { authorization: `Bearer ${forged}` });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});
