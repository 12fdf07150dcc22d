// Security of the HTTP surface: CORS, response headers, access tokens that end at once (future
// iat, revoked session, deactivated user), throttling of the auth endpoints and of the API.
import { createHmac, randomBytes } from 'node:crypto';
import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ALLOWED = 'https://app.partner.test';
const EVIL = 'http://evil.example';

/** Configured: one CORS origin, one trusted proxy, short throttle windows (2 s). */
let env: TestEnv;
/** Defaults: no CORS origin, no trusted proxy; sign-up closed. */
let plain: TestEnv;

beforeAll(async () => {
  [env, plain] = await Promise.all([
    bootTestKernel({
      addons: [],
      workers: false,
      env: {
        CORS_ORIGINS: `${ALLOWED}, http://localhost:5173`,
        TRUST_PROXY: '1',
        THROTTLE_LOGIN_ACCOUNT: '3/2',
        THROTTLE_LOGIN_IP: '6/60',
        THROTTLE_SIGNUP_IP: '2/60',
        THROTTLE_REFRESH_IP: '3/60',
        THROTTLE_API: '20/2',
      },
    }),
    bootTestKernel({ addons: [], workers: false, env: { SIGNUP: 'closed' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([env?.close(), plain?.close()]);
});

/** An address of the test's own (X-Forwarded-For through the trusted proxy): tests share no budget. */
let ipSeq = 0;
const ownIp = () => `198.51.${100 + (ipSeq % 20)}.${(ipSeq++ % 250) + 1}`;

const slug = (p: string) => `${p}-${randomBytes(3).toString('hex')}`;

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
/** A token signed with the kernel's secret, with the given claims (as a forger who knew the secret). */
function signed(payload: Record<string, unknown>, secret: string): string {
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64(payload);
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

const me = (e: TestEnv, token: string | null | undefined, headers: Record<string, string> = {}) =>
  e.anonymous().request('GET', '/api/v1/core/me', undefined, { authorization: `Bearer ${token}`, ...headers });

describe('CORS', () => {
  it('answers preflights only for configured origins, on REST and GraphQL', async () => {
    for (const path of ['/graphql', '/api/v1/core/me', '/api/v1/auth/login']) {
      const evil = await env.anonymous().request('OPTIONS', path, undefined, {
        origin: EVIL,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      });
      expect(evil.status, path).toBe(403);
      expect(evil.body.code).toBe('CORS_ORIGIN_REFUSED');
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();

      const ok = await env.anonymous().request('OPTIONS', path, undefined, {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      });
      expect(ok.status, path).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('adds Allow-Origin to answers for configured origins only (GraphQL too)', async () => {
    const t = await env.tenant(slug('cors'));
    const query = { query: '{ __typename }' };
    const auth = { authorization: `Bearer ${t.client.token}`, 'content-type': 'application/json' };
    const evil = await env.anonymous().request('POST', '/graphql', query, { ...auth, origin: EVIL });
    expect(evil.status).toBe(200);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const ok = await env.anonymous().request('POST', '/graphql', query, { ...auth, origin: ALLOWED });
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(ok.headers.get('vary')?.toLowerCase()).toContain('origin');
    const rest = await me(env, t.client.token, { origin: 'http://localhost:5173' });
    expect(rest.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect((await me(env, t.client.token, { origin: EVIL })).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows no cross-origin caller by default', async () => {
    const pre = await plain.anonymous().request('OPTIONS', '/graphql', undefined, {
      origin: EVIL,
      'access-control-request-method': 'POST',
    });
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const pre2 = await plain.anonymous().request('OPTIONS', '/graphql', undefined, {
      origin: ALLOWED,
      'access-control-request-method': 'POST',
    });
    expect(pre2.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('response headers', () => {
  it('sends nosniff, no framing, a referrer policy and a deny-all CSP on API answers', async () => {
    const t = await env.tenant(slug('hdr'));
    for (const res of [
      await me(env, t.client.token),
      await env.anonymous().get('/healthz'),
      await env.anonymous().get('/api/v1/nope'),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('marks token and identity answers no-store', async () => {
    const s = slug('nostore');
    const signup = await env
      .anonymous()
      .request(
        'POST',
        '/api/v1/auth/signup',
        { company: 'No Store', slug: s, email: `o@${s}.test`, password: 'supersecret1' },
        { 'x-forwarded-for': ownIp() },
      );
    expect(signup.status).toBe(201);
    const login = await env
      .anonymous()
      .post('/api/v1/auth/login', { tenant: s, email: `o@${s}.test`, password: 'supersecret1' });
    const refresh = await env.anonymous().post('/api/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    const who = await me(env, refresh.body.accessToken);
    for (const res of [signup, login, refresh, who]) {
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('sends HSTS only when a trusted proxy says the request came over TLS', async () => {
    const viaTls = await env.anonymous().request('GET', '/healthz', undefined, { 'x-forwarded-proto': 'https' });
    expect(viaTls.headers.get('strict-transport-security')).toMatch(/^max-age=31536000/);
    expect((await env.anonymous().get('/healthz')).headers.get('strict-transport-security')).toBeNull();
    // Without TRUST_PROXY a client's X-Forwarded-Proto means nothing.
    const forged = await plain.anonymous().request('GET', '/healthz', undefined, { 'x-forwarded-proto': 'https' });
    expect(forged.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('access tokens end at once', () => {
  it('refuses a token issued in the future (beyond 60 s of clock skew)', async () => {
    const t = await env.tenant(slug('iat'));
    const real = claimsOf(t.client.token ?? '');
    const now = Math.floor(Date.now() / 1000);
    const secret = env.kernel.config.jwtSecret;
    const tomorrow = signed({ ...real, iat: now + 86_400, exp: now + 86_400 + 900 }, secret);
    const res = await me(env, tomorrow);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
    // A few seconds ahead (another node's clock) is still fine; the same claims signed now work.
    expect((await me(env, signed({ ...real, iat: now + 30, exp: now + 900 }, secret))).status).toBe(200);
    // A token without a session family (issued before families were in tokens) is refused.
    const { fid: _, ...noFamily } = real;
    expect((await me(env, signed({ ...noFamily, iat: now, exp: now + 900 }, secret))).status).toBe(401);
  });

  it('refuses the access token right after logout', async () => {
    const t = await env.tenant(slug('logout'));
    expect((await me(env, t.client.token)).status).toBe(200);
    expect((await env.anonymous().post('/api/v1/auth/logout', { refreshToken: t.refreshToken })).status).toBe(204);
    const after = await me(env, t.client.token);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('UNAUTHENTICATED');
  });

  it('refuses every access token of a family revoked by refresh-token reuse, not other sessions', async () => {
    const t = await env.tenant(slug('reuse'));
    const other = await env
      .anonymous()
      .post('/api/v1/auth/login', { tenant: t.slug, email: t.ownerEmail, password: t.password });
    const next = await env.anonymous().post('/api/v1/auth/refresh', { refreshToken: t.refreshToken });
    expect(next.status).toBe(200);
    expect((await me(env, t.client.token)).status).toBe(200); // rotation keeps the family alive
    expect((await me(env, next.body.accessToken)).status).toBe(200);
    const reuse = await env.anonymous().post('/api/v1/auth/refresh', { refreshToken: t.refreshToken });
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');
    expect((await me(env, t.client.token)).status).toBe(401);
    expect((await me(env, next.body.accessToken)).status).toBe(401);
    // The user's other session (another device) is not affected.
    expect((await me(env, other.body.accessToken)).status).toBe(200);
  });

  it('refuses a deactivated user at once, on REST and GraphQL', async () => {
    const t = await env.tenant(slug('deact'));
    const member = await t.as('member');
    expect((await member.get('/api/v1/core/me')).status).toBe(200);
    const memberId = claimsOf(member.token ?? '').sub;
    await env.sql('update core_user set active = false where id = $1', [memberId]);
    expect((await member.get('/api/v1/core/me')).status).toBe(401);
    expect((await member.post('/graphql', { query: '{ __typename }' })).status).toBe(401);
    // The owner of the same tenant is unaffected.
    expect((await t.client.get('/api/v1/core/me')).status).toBe(200);
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('throttling', () => {
  it('answers 429 with Retry-After after 3 failed logins of an account, and recovers after the window', {
    timeout: 20_000,
  }, async () => {
    const t = await env.tenant(slug('brute'));
    const from = { 'x-forwarded-for': ownIp() };
    const attempt = (password: string, headers = from) =>
      env.anonymous().request('POST', '/api/v1/auth/login', { tenant: t.slug, email: t.ownerEmail, password }, headers);
    for (let i = 0; i < 3; i++) expect((await attempt('wrong-password')).status).toBe(401);
    const blocked = await attempt(t.password);
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
    const retry = Number(blocked.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(2);
    // The account is limited whatever the address (a botnet gets no more guesses).
    expect((await attempt(t.password, { 'x-forwarded-for': ownIp() })).status).toBe(429);
    await sleep(retry * 1000 + 300);
    const back = await attempt(t.password);
    expect(back.status).toBe(200);
    expect(back.body.accessToken).toBeTruthy();
  });

  it('counts only failures: a successful login clears the account count', async () => {
    const t = await env.tenant(slug('reset'));
    const from = { 'x-forwarded-for': ownIp() };
    const attempt = (password: string) =>
      env.anonymous().request('POST', '/api/v1/auth/login', { tenant: t.slug, email: t.ownerEmail, password }, from);
    // Without the reset, the 4th failure (round 2) would be refused: the account allows 3.
    for (let round = 0; round < 2; round++) {
      expect((await attempt('wrong-password')).status).toBe(401);
      expect((await attempt('wrong-password')).status).toBe(401);
      expect((await attempt(t.password)).status).toBe(200);
    }
  });

  it("limits one tenant's account without blocking the same email in another tenant", async () => {
    const a = await env.tenant(slug('iso-a'));
    const b = await env.tenant(slug('iso-b'));
    const email = 'same@person.test';
    await env.kernel.users.create(a.id, { email, password: a.password, role: 'member' });
    await env.kernel.users.create(b.id, { email, password: b.password, role: 'member' });
    const from = { 'x-forwarded-for': ownIp() };
    const login = (tenant: string, password: string) =>
      env.anonymous().request('POST', '/api/v1/auth/login', { tenant, email, password }, from);
    for (let i = 0; i < 3; i++) expect((await login(a.slug, 'wrong-password')).status).toBe(401);
    expect((await login(a.slug, a.password)).status).toBe(429);
    expect((await login(b.slug, b.password)).status).toBe(200);
  });

  it('limits failed logins per address across accounts', async () => {
    const t = await env.tenant(slug('spray'));
    const from = { 'x-forwarded-for': ownIp() };
    const users = ['u1', 'u2', 'u3', 'u4'].map((u) => `${u}@${t.slug}.test`);
    let status = 0;
    let n = 0;
    // 6 failures per address (THROTTLE_LOGIN_IP=6/60: eight attempts fit its window however slow the machine), spread over accounts below their own limit.
    for (const email of users) {
      for (let i = 0; i < 2; i++) {
        n += 1;
        status = (
          await env
            .anonymous()
            .request('POST', '/api/v1/auth/login', { tenant: t.slug, email, password: 'guess' }, from)
        ).status;
        if (n <= 6) expect(status).toBe(401);
      }
    }
    expect(status).toBe(429);
    // Another address may still sign in.
    const other = await env.anonymous().request(
      'POST',
      '/api/v1/auth/login',
      { tenant: t.slug, email: t.ownerEmail, password: t.password },
      {
        'x-forwarded-for': ownIp(),
      },
    );
    expect(other.status).toBe(200);
  });

  it('ignores a client-asserted web-app address without the process key', async () => {
    const t = await env.tenant(slug('spoof'));
    const from = ownIp();
    let last = 0;
    for (let i = 0; i < 7; i++) {
      last = (
        await env.anonymous().request(
          'POST',
          '/api/v1/auth/login',
          { tenant: t.slug, email: `x${i}@${t.slug}.test`, password: 'guess' },
          {
            'x-forwarded-for': from,
            'x-elevate-client-ip': `192.0.2.${i + 1}`,
            'x-elevate-forward-key': 'guessed',
          },
        )
      ).status;
    }
    expect(last).toBe(429);
  });

  it('limits sign-ups per address', async () => {
    const from = { 'x-forwarded-for': ownIp() };
    const signup = () => {
      const s = slug('su');
      return env
        .anonymous()
        .request(
          'POST',
          '/api/v1/auth/signup',
          { company: s, slug: s, email: `o@${s}.test`, password: 'supersecret1' },
          from,
        );
    };
    expect((await signup()).status).toBe(201);
    expect((await signup()).status).toBe(201);
    const third = await signup();
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('RATE_LIMITED');
    expect(third.headers.get('retry-after')).toBeTruthy();
  });

  it('limits token refreshes per address', async () => {
    const t = await env.tenant(slug('refresh'));
    const from = { 'x-forwarded-for': ownIp() };
    let token = t.refreshToken;
    for (let i = 0; i < 3; i++) {
      const res = await env.anonymous().request('POST', '/api/v1/auth/refresh', { refreshToken: token }, from);
      expect(res.status).toBe(200);
      token = res.body.refreshToken;
    }
    const fourth = await env.anonymous().request('POST', '/api/v1/auth/refresh', { refreshToken: token }, from);
    expect(fourth.status).toBe(429);
    // The token was not spent by the refused call.
    const elsewhere = await env.anonymous().request(
      'POST',
      '/api/v1/auth/refresh',
      { refreshToken: token },
      {
        'x-forwarded-for': ownIp(),
      },
    );
    expect(elsewhere.status).toBe(200);
  });

  it('limits API requests per tenant with RateLimit headers; another tenant is not affected', async () => {
    const a = await env.tenant(slug('api-a'));
    const b = await env.tenant(slug('api-b'));
    const first = await a.client.get('/api/v1/core/me');
    expect(first.headers.get('ratelimit-limit')).toBe('20');
    const remaining = Number(first.headers.get('ratelimit-remaining'));
    expect(remaining).toBeLessThan(20);
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    let res = first;
    for (let i = 0; i < remaining + 1 && res.status === 200; i++) res = await a.client.get('/api/v1/core/me');
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(res.headers.get('ratelimit-remaining')).toBe('0');
    expect(res.headers.get('retry-after')).toBeTruthy();
    // Counted in Redis (shared by every API process), not in one process's memory.
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      expect(Number(await redis.get(`${env.redisPrefix}:throttle:api-tenant:${a.id}`))).toBeGreaterThanOrEqual(20);
    } finally {
      redis.disconnect();
    }
    // GraphQL counts against the same budget.
    expect((await a.client.post('/graphql', { query: '{ __typename }' })).status).toBe(429);
    const other = await b.client.get('/api/v1/core/me');
    expect(other.status).toBe(200);
    expect(Number(other.headers.get('ratelimit-remaining'))).toBeGreaterThan(10);
  });

  it('refuses sign-up when SIGNUP=closed', async () => {
    const s = slug('closed');
    const res = await plain
      .anonymous()
      .post('/api/v1/auth/signup', { company: 'Closed', slug: s, email: `o@${s}.test`, password: 'supersecret1' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('SIGNUP_CLOSED');
    expect(await plain.sql('select 1 from core_tenant where slug = $1', [s])).toEqual([]);
  });
});
