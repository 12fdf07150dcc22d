import { createHmac } from 'node:crypto';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Verified access tokens are remembered per token string: a remembered token is still refused
// once it expires, and any other string (a forged signature, another secret) is verified afresh.
const SECRET = 'token-cache-test-secret-0123456789abcdef';
let env: TestEnv;
let a: TestTenant;
let userId: string;
let familyId: string;

/** An access token as the kernel signs it (HS256), with the lifetime the test needs. */
function token(claims: { sub: string; tid: string }, ttlSec: number, secret = SECRET): string {
  // The owner's live session family (access tokens carry it; a revoked family is refused).
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const data = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...claims, fid: familyId, typ: 'access', iat: now, exp: now + ttlSec })}`;
  return `${data}.${createHmac('sha256', secret).update(data).digest('base64url')}`;
}
const me = (t: string) =>
  fetch(`${env.url}/api/v1/core/me`, { headers: { authorization: `Bearer ${t}` } }).then((r) => r.status);

beforeAll(async () => {
  env = await bootTestKernel({ addons: [], workers: false, env: { JWT_SECRET: SECRET } });
  a = await env.tenant('tok-a');
  const [owner] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1', [a.id]);
  userId = owner?.id as string;
  const payload = JSON.parse(Buffer.from(a.client.token?.split('.')[1] ?? '', 'base64url').toString());
  familyId = payload.fid;
});
afterAll(() => env?.close());

describe('access token verification', () => {
  it('a remembered token is refused once it has expired', async () => {
    const short = token({ sub: userId, tid: a.id }, 2);
    expect(await me(short)).toBe(200);
    expect(await me(short)).toBe(200);
    await new Promise((r) => setTimeout(r, 3100));
    expect(await me(short)).toBe(401);
  });

  it('after a good token is remembered, a forged or foreign-secret twin is still refused', async () => {
    const good = token({ sub: userId, tid: a.id }, 600);
    expect(await me(good)).toBe(200);
    const [h, p, s] = good.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await me(flipped)).toBe(401);
    expect(await me(token({ sub: userId, tid: a.id }, 600, 'another-secret-of-at-least-32-characters!'))).toBe(401);
    // Same user, another tenant id in the claims: a different string, verified (and refused) afresh.
    const b = await env.tenant('tok-b');
    expect(await me(token({ sub: userId, tid: b.id }, 600))).toBe(401);
    expect(await me(good)).toBe(200);
  });
});
