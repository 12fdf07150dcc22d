import { ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from './support/soft-authenticator.ts';

// Passkeys (WebAuthn) as a second factor: registration, the sign-in's passkey step, removal,
// against the real database and @simplewebauthn/server's verification (docs/security.md#passkeys).
const ORIGIN = 'http://localhost:3000';
let env: TestEnv;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [], workers: false, env: { PUBLIC_URL: ORIGIN } });
});
afterAll(() => env?.close());

const client = (token: string) => new ApiClient(env.url, token);
const login = (t: TestTenant, email = t.ownerEmail) =>
  env.anonymous().post('/api/v1/auth/login', { tenant: t.slug, email, password: t.password });

async function addPasskey(c: ApiClient, auth: SoftAuthenticator, name = 'Laptop') {
  const start = await c.post('/api/v1/core/account/webauthn/register/options');
  expect(start.status).toBe(200);
  expect(start.headers.get('cache-control')).toContain('no-store');
  const res = await c.post('/api/v1/core/account/webauthn/register', {
    challengeId: start.body.challengeId,
    name,
    response: auth.register(start.body.options),
  });
  return { start, res };
}

describe('passkeys', () => {
  it('registers a passkey; sign-in then asks for it and a passkey assertion opens the session', async () => {
    const t = await env.tenant('pk-login');
    const auth = new SoftAuthenticator(ORIGIN);
    const { start, res } = await addPasskey(t.client, auth);
    expect(start.body.options.rp).toEqual({ id: 'localhost', name: 'ElevateCRM' });
    // Browsers refuse a user handle longer than 64 bytes.
    expect(Buffer.from(start.body.options.user.id, 'base64url').length).toBeLessThanOrEqual(64);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ id: auth.id, name: 'Laptop' });
    expect(res.body.publicKey).toBeUndefined();
    expect((await t.client.get('/api/v1/core/account/webauthn')).body.data).toHaveLength(1);
    expect((await t.client.get('/api/v1/core/account/mfa')).body).toMatchObject({ enabled: false, passkeys: 1 });
    // A challenge is used once.
    const again = await t.client.post('/api/v1/core/account/webauthn/register', {
      challengeId: start.body.challengeId,
      response: auth.register(start.body.options),
    });
    expect(again.status).toBe(400);
    expect(again.body.details[0].path).toBe('challengeId');

    const first = await login(t);
    expect(first.body).toMatchObject({ mfaRequired: true, methods: ['webauthn'] });
    expect(first.body.accessToken).toBeUndefined();
    const opts = await env.anonymous().post('/api/v1/auth/mfa/webauthn/options', { mfaToken: first.body.mfaToken });
    expect(opts.status).toBe(200);
    expect(opts.body.options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([auth.id]);
    const done = await env.anonymous().post('/api/v1/auth/mfa/webauthn', {
      mfaToken: first.body.mfaToken,
      challengeId: opts.body.challengeId,
      response: auth.assert(opts.body.options),
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await client(done.body.accessToken).get('/api/v1/core/me')).body.user.email).toBe(t.ownerEmail);
    const [row] = await env.sql<{ counter: string; last_used_at: string | null }>(
      'select counter, last_used_at from core_webauthn_credential where tenant_id = $1',
      [t.id],
    );
    expect(Number(row?.counter)).toBeGreaterThan(1);
    expect(row?.last_used_at).not.toBeNull();
    // The same assertion again (replay): its challenge is spent.
    const replay = await env.anonymous().post('/api/v1/auth/mfa/webauthn', {
      mfaToken: first.body.mfaToken,
      challengeId: opts.body.challengeId,
      response: auth.assert(opts.body.options),
    });
    expect(replay.status).toBe(400);
  });

  it('refuses another origin, another key and a forged signature, without a 5xx', async () => {
    const t = await env.tenant('pk-refuse');
    const auth = new SoftAuthenticator(ORIGIN);
    const start = await t.client.post('/api/v1/core/account/webauthn/register/options');
    const evil = await t.client.post('/api/v1/core/account/webauthn/register', {
      challengeId: start.body.challengeId,
      response: auth.register(start.body.options, { origin: 'https://evil.example' }),
    });
    expect(evil.status).toBe(400);
    expect(evil.body.code).toBe('WEBAUTHN_FAILED');
    expect(evil.body.details[0].path).toBe('response');
    expect((await addPasskey(t.client, auth)).res.status).toBe(201);
    const challenge = (await login(t)).body.mfaToken;
    const opts = await env.anonymous().post('/api/v1/auth/mfa/webauthn/options', { mfaToken: challenge });
    // A passkey the account does not have.
    const stranger = new SoftAuthenticator(ORIGIN);
    const other = await env.anonymous().post('/api/v1/auth/mfa/webauthn', {
      mfaToken: challenge,
      challengeId: opts.body.challengeId,
      response: stranger.assert(opts.body.options),
    });
    expect(other.status).toBe(400);
    expect(other.body.code).toBe('WEBAUTHN_FAILED');
    // A tampered signature.
    const opts2 = await env.anonymous().post('/api/v1/auth/mfa/webauthn/options', { mfaToken: challenge });
    const signed = auth.assert(opts2.body.options);
    signed.response.signature = Buffer.from('not a signature').toString('base64url');
    const forged = await env.anonymous().post('/api/v1/auth/mfa/webauthn', {
      mfaToken: challenge,
      challengeId: opts2.body.challengeId,
      response: signed,
    });
    expect(forged.status).toBe(400);
    const bad = await env.anonymous().post('/api/v1/auth/mfa/webauthn', { mfaToken: challenge, challengeId: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('response');
  });

  it('a passkey lifts the MFA gate; the last factor of a requiring company cannot be removed', async () => {
    const t = await env.tenant('pk-gate');
    const e = await t.client.post('/api/v1/core/account/mfa/enrol');
    await t.client.post('/api/v1/core/account/mfa/confirm', { code: await generate({ secret: e.body.secret }) });
    expect((await t.client.put('/api/v1/core/security-settings', { requireMfa: true })).status).toBe(200);
    await t.as('member', 'pia@pk-gate.test');
    const pia = client((await login(t, 'pia@pk-gate.test')).body.accessToken);
    expect((await pia.get('/api/v1/core/addons')).status).toBe(403);
    const auth = new SoftAuthenticator(ORIGIN);
    expect((await addPasskey(pia, auth, 'Phone')).res.status).toBe(201);
    expect((await pia.get('/api/v1/core/addons')).status).toBe(200);
    const removed = await pia.delete(`/api/v1/core/account/webauthn/${auth.id}`);
    expect(removed.status).toBe(409);
    expect(removed.body.code).toBe('MFA_REQUIRED');
    // With a second passkey, the first can go.
    const spare = new SoftAuthenticator(ORIGIN);
    expect((await addPasskey(pia, spare, 'Key')).res.status).toBe(201);
    expect((await pia.delete(`/api/v1/core/account/webauthn/${auth.id}`)).status).toBe(204);
    expect((await pia.get('/api/v1/core/account/webauthn')).body.data.map((p: { name: string }) => p.name)).toEqual([
      'Key',
    ]);
  });

  it("another user or company cannot see or remove a user's passkeys; API keys cannot register any", async () => {
    const t = await env.tenant('pk-iso');
    const b = await env.tenant('pk-iso-b');
    const auth = new SoftAuthenticator(ORIGIN);
    expect((await addPasskey(t.client, auth)).res.status).toBe(201);
    const member = await t.as('member', 'm@pk-iso.test');
    expect((await member.get('/api/v1/core/account/webauthn')).body.data).toEqual([]);
    expect((await member.delete(`/api/v1/core/account/webauthn/${auth.id}`)).status).toBe(404);
    expect((await b.client.delete(`/api/v1/core/account/webauthn/${auth.id}`)).status).toBe(404);
    expect((await b.client.get('/api/v1/core/account/webauthn')).body.data).toEqual([]);
    expect((await t.client.get('/api/v1/core/account/webauthn')).body.data).toHaveLength(1);
    // B's challenge cannot finish A's ceremony (it is A's row, under A's row-level security).
    const startA = await t.client.post('/api/v1/core/account/webauthn/register/options');
    const crossed = await b.client.post('/api/v1/core/account/webauthn/register', {
      challengeId: startA.body.challengeId,
      response: new SoftAuthenticator(ORIGIN).register(startA.body.options),
    });
    expect(crossed.status).toBe(400);
    expect(crossed.body.details[0].path).toBe('challengeId');
    const key = await t.client.post('/api/v1/core/api-keys', { name: 'k', permissions: ['core.*'] });
    expect((await client(key.body.key).post('/api/v1/core/account/webauthn/register/options')).status).toBe(403);
  });
});
