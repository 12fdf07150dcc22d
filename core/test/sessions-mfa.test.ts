import { ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTotp } from '../src/auth/mfa.ts';
import { deviceName } from '../src/auth/sessions.ts';

// Sessions (list, sign out one/all, admin sign-out) and TOTP two-step sign-in
// (docs/security.md#sessions, #mfa), against the real database and Redis.
let env: TestEnv;
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

beforeAll(async () => {
  env = await bootTestKernel({ addons: [], workers: false, env: { THROTTLE_MFA_USER: '3/900' } });
});
afterAll(() => env?.close());

const login = async (t: TestTenant, email: string, ua: string, password = t.password) =>
  env.anonymous().request('POST', '/api/v1/auth/login', { tenant: t.slug, email, password }, { 'user-agent': ua });
const client = (token: string) => new ApiClient(env.url, token);

describe('sessions', () => {
  it('lists where the user is signed in, with device, address and times', async () => {
    const t = await env.tenant('sess-list');
    const a = (await login(t, t.ownerEmail, FIREFOX)).body;
    const b = (await login(t, t.ownerEmail, SAFARI)).body;
    const res = await client(a.accessToken).get('/api/v1/core/sessions');
    expect(res.status).toBe(200);
    const mine = res.body.data;
    // The test kit's own login plus the two above.
    expect(mine).toHaveLength(3);
    const current = mine.find((s: { current: boolean }) => s.current);
    expect(current.device).toBe('Firefox on Windows');
    expect(current.ip).toMatch(/127\.0\.0\.1/);
    expect(Date.parse(current.createdAt)).not.toBeNaN();
    expect(mine.map((s: { device: string }) => s.device)).toContain('Safari on iOS');
    // A refresh moves "last used"; the device stays the one signed in on.
    const refreshed = await env
      .anonymous()
      .request('POST', '/api/v1/auth/refresh', { refreshToken: b.refreshToken }, { 'user-agent': 'node' });
    expect(refreshed.status).toBe(200);
    const again = (await client(a.accessToken).get('/api/v1/core/sessions')).body.data;
    expect(again[0].device).toBe('Safari on iOS');
    expect(Date.parse(again[0].lastUsedAt)).toBeGreaterThan(Date.parse(again[0].createdAt));
    expect(Date.parse(again[0].lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(again[0].createdAt));
    expect(again).toHaveLength(3);
  });

  it('signs out one session, then all others, then all; their access tokens stop at once', async () => {
    const t = await env.tenant('sess-out');
    const a = (await login(t, t.ownerEmail, FIREFOX)).body;
    const b = (await login(t, t.ownerEmail, SAFARI)).body;
    const me = client(a.accessToken);
    const list = (await me.get('/api/v1/core/sessions')).body.data;
    const other = list.find((s: { device: string }) => s.device === 'Safari on iOS');
    expect((await me.delete(`/api/v1/core/sessions/${other.id}`)).status).toBe(204);
    expect((await client(b.accessToken).get('/api/v1/core/me')).status).toBe(401);
    expect((await env.anonymous().post('/api/v1/auth/refresh', { refreshToken: b.refreshToken })).status).toBe(401);
    expect((await me.delete(`/api/v1/core/sessions/${other.id}`)).status).toBe(404);
    expect((await me.delete('/api/v1/core/sessions/not-a-uuid')).status).toBe(404);
    // All others: the test kit's session ends, this one stays.
    const others = await me.delete('/api/v1/core/sessions?others=true');
    expect(others.body).toEqual({ revoked: 1 });
    expect((await t.client.get('/api/v1/core/me')).status).toBe(401);
    expect((await me.get('/api/v1/core/me')).status).toBe(200);
    expect((await me.delete('/api/v1/core/sessions?others=maybe')).status).toBe(400);
    const all = await me.delete('/api/v1/core/sessions');
    expect(all.body).toEqual({ revoked: 1 });
    expect((await me.get('/api/v1/core/me')).status).toBe(401);
  });

  it("an admin signs a user out everywhere; a member cannot; another tenant's admin cannot", async () => {
    const t = await env.tenant('sess-admin');
    const other = await env.tenant('sess-admin-b');
    const member = await t.as('member', 'm@sess-admin.test');
    const meRes = await member.get('/api/v1/core/me');
    const id = meRes.body.user.id;
    expect((await member.delete(`/api/v1/core/users/${id}/sessions`)).status).toBe(403);
    expect((await other.client.delete(`/api/v1/core/users/${id}/sessions`)).status).toBe(404);
    expect((await member.get('/api/v1/core/me')).status).toBe(200);
    const out = await t.client.delete(`/api/v1/core/users/${id}/sessions`);
    expect(out.status).toBe(200);
    expect(out.body.revoked).toBe(1);
    expect((await member.get('/api/v1/core/me')).status).toBe(401);
    // A user cannot end another user's session through their own list.
    const ownerSessions = (await t.client.get('/api/v1/core/sessions')).body.data;
    const m2 = await t.as('member');
    expect((await m2.delete(`/api/v1/core/sessions/${ownerSessions[0].id}`)).status).toBe(404);
    expect((await t.client.get('/api/v1/core/me')).status).toBe(200);
  });

  it('names devices from user agents', () => {
    expect(deviceName(FIREFOX)).toBe('Firefox on Windows');
    expect(deviceName(SAFARI)).toBe('Safari on iOS');
    expect(
      deviceName(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      ),
    ).toBe('Edge on macOS');
    expect(deviceName(null)).toBe('Unknown device');
  });
});

/** Enrols the client's user: answers the secret and the backup codes. */
async function enrol(c: ApiClient): Promise<{ secret: string; backupCodes: string[] }> {
  const e = await c.post('/api/v1/core/account/mfa/enrol');
  expect(e.status).toBe(200);
  const confirm = await c.post('/api/v1/core/account/mfa/confirm', { code: await generate({ secret: e.body.secret }) });
  expect(confirm.status).toBe(200);
  return { secret: e.body.secret, backupCodes: confirm.body.backupCodes };
}

describe('two-step sign-in (TOTP)', () => {
  it('accepts a code one step early or late, refuses two steps off (clock skew window)', async () => {
    const { generateSecret } = await import('otplib');
    const secret = generateSecret();
    const now = 1_800_000_015; // 15 s into a step
    const at = (offsetSteps: number) => generate({ secret, epoch: now + offsetSteps * 30 });
    expect(await checkTotp(secret, await at(0), { epoch: now })).not.toBeNull();
    expect(await checkTotp(secret, await at(-1), { epoch: now })).not.toBeNull();
    expect(await checkTotp(secret, await at(1), { epoch: now })).not.toBeNull();
    expect(await checkTotp(secret, await at(-2), { epoch: now })).toBeNull();
    expect(await checkTotp(secret, await at(2), { epoch: now })).toBeNull();
    // At the very start of a step too.
    const edge = 1_800_000_000;
    expect(await checkTotp(secret, await generate({ secret, epoch: edge - 30 }), { epoch: edge })).not.toBeNull();
    expect(await checkTotp(secret, await generate({ secret, epoch: edge - 60 }), { epoch: edge })).toBeNull();
    // A step already used is refused (no replay).
    const step = await checkTotp(secret, await at(0), { epoch: now });
    expect(await checkTotp(secret, await at(0), { epoch: now, afterStep: step ?? 0 })).toBeNull();
  });

  it('enrols with a QR code, then sign-in asks for the code; a code is used once', async () => {
    const t = await env.tenant('mfa-login');
    const e = await t.client.post('/api/v1/core/account/mfa/enrol');
    expect(e.status).toBe(200);
    expect(e.headers.get('cache-control')).toContain('no-store');
    expect(e.body.qr).toMatch(/^data:image\/png;base64,/);
    expect(e.body.otpauthUrl).toContain(`secret=${e.body.secret}`);
    // Not on until confirmed: sign-in still needs the password only.
    expect((await login(t, t.ownerEmail, FIREFOX)).body.accessToken).toBeTruthy();
    const wrong = await t.client.post('/api/v1/core/account/mfa/confirm', { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('INVALID_MFA_CODE');
    expect(wrong.body.details[0].path).toBe('code');
    const ok = await t.client.post('/api/v1/core/account/mfa/confirm', {
      code: await generate({ secret: e.body.secret }),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.backupCodes).toHaveLength(10);
    expect(new Set(ok.body.backupCodes).size).toBe(10);
    const stored = await env.sql<{ code_hash: string }>(
      'select code_hash from core_mfa_backup_code where tenant_id = $1',
      [t.id],
    );
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(ok.body.backupCodes[0].replace('-', ''));
    const [row] = await env.sql<{ secret: string }>('select secret from core_user_mfa where tenant_id = $1', [t.id]);
    expect(row?.secret).not.toContain(e.body.secret);
    expect((await t.client.get('/api/v1/core/account/mfa')).body).toMatchObject({ enabled: true, backupCodesLeft: 10 });
    // A second enrolment while on is refused.
    expect((await t.client.post('/api/v1/core/account/mfa/enrol')).status).toBe(409);

    const first = await login(t, t.ownerEmail, FIREFOX);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ mfaRequired: true });
    expect(first.body.accessToken).toBeUndefined();
    expect(first.body.refreshToken).toBeUndefined();
    // The confirm step used the current step: wait for the next one would take 30 s, so use
    // the code of the step after (accepted: within the window, after the used one).
    const next = await generate({ secret: e.body.secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const done = await env
      .anonymous()
      .request('POST', '/api/v1/auth/mfa', { mfaToken: first.body.mfaToken, code: next }, { 'user-agent': SAFARI });
    expect(done.status).toBe(200);
    expect(done.body.accessToken).toBeTruthy();
    const me = client(done.body.accessToken);
    expect((await me.get('/api/v1/core/me')).body.user.email).toBe(t.ownerEmail);
    expect((await me.get('/api/v1/core/sessions')).body.data.find((s: { current: boolean }) => s.current).device).toBe(
      'Safari on iOS',
    );
    // The same code again (replay) is refused.
    const second = await login(t, t.ownerEmail, FIREFOX);
    const replay = await env.anonymous().post('/api/v1/auth/mfa', { mfaToken: second.body.mfaToken, code: next });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('INVALID_MFA_CODE');
    // A forged or tampered challenge is refused.
    const forged = await env
      .anonymous()
      .post('/api/v1/auth/mfa', { mfaToken: `${second.body.mfaToken.slice(0, -3)}abc`, code: next });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('UNAUTHENTICATED');
    const bad = await env.anonymous().post('/api/v1/auth/mfa', { mfaToken: second.body.mfaToken });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('code');
  });

  it('backup codes work once each', async () => {
    const t = await env.tenant('mfa-backup');
    const { backupCodes } = await enrol(t.client);
    const challenge = async () => (await login(t, t.ownerEmail, FIREFOX)).body.mfaToken as string;
    const code = backupCodes[3] as string;
    const ok = await env
      .anonymous()
      .post('/api/v1/auth/mfa', { mfaToken: await challenge(), code: code.toUpperCase() });
    expect(ok.status).toBe(200);
    const again = await env.anonymous().post('/api/v1/auth/mfa', { mfaToken: await challenge(), code });
    expect(again.status).toBe(401);
    expect((await t.client.get('/api/v1/core/account/mfa')).body.backupCodesLeft).toBe(9);
    // New codes (needs a code: here a backup one); the old ones stop working.
    expect((await t.client.post('/api/v1/core/account/mfa/backup-codes', { code: 'nope-nope' })).status).toBe(400);
    const fresh = await t.client.post('/api/v1/core/account/mfa/backup-codes', { code: backupCodes[5] });
    expect(fresh.status).toBe(200);
    expect(fresh.body.backupCodes).toHaveLength(10);
    expect(fresh.body.backupCodes).not.toContain(backupCodes[0]);
    const old = await env.anonymous().post('/api/v1/auth/mfa', { mfaToken: await challenge(), code: backupCodes[0] });
    expect(old.status).toBe(401);
    const usable = await env
      .anonymous()
      .post('/api/v1/auth/mfa', { mfaToken: await challenge(), code: fresh.body.backupCodes[0] });
    expect(usable.status).toBe(200);
  });

  it('throttles wrong codes per user (429 with Retry-After), and a right code then still waits', async () => {
    const t = await env.tenant('mfa-throttle');
    const { secret } = await enrol(t.client);
    const token = (await login(t, t.ownerEmail, FIREFOX)).body.mfaToken;
    for (let i = 0; i < 3; i++) {
      expect((await env.anonymous().post('/api/v1/auth/mfa', { mfaToken: token, code: '000000' })).status).toBe(401);
    }
    const limited = await env.anonymous().post('/api/v1/auth/mfa', { mfaToken: token, code: '000000' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const right = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    expect((await env.anonymous().post('/api/v1/auth/mfa', { mfaToken: token, code: right })).status).toBe(429);
    // Another user of the same company is not held up.
    const other = await t.as('member', 'other@mfa-throttle.test');
    const o = await enrol(other);
    const oToken = (await login(t, 'other@mfa-throttle.test', FIREFOX)).body.mfaToken;
    const oCode = await generate({ secret: o.secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    expect((await env.anonymous().post('/api/v1/auth/mfa', { mfaToken: oToken, code: oCode })).status).toBe(200);
  });

  it('disable needs a code; an admin can reset a user; tenant B cannot', async () => {
    const t = await env.tenant('mfa-off');
    const b = await env.tenant('mfa-off-b');
    const member = await t.as('member', 'mem@mfa-off.test');
    const { secret } = await enrol(member);
    expect((await member.post('/api/v1/core/account/mfa/disable', {})).status).toBe(400);
    expect((await member.post('/api/v1/core/account/mfa/disable', { code: '123456' })).status).toBe(400);
    const id = (await member.get('/api/v1/core/me')).body.user.id;
    // Recovery: only an admin of the same company.
    expect((await member.delete(`/api/v1/core/users/${id}/mfa`)).status).toBe(403);
    expect((await b.client.delete(`/api/v1/core/users/${id}/mfa`)).status).toBe(404);
    expect((await member.get('/api/v1/core/account/mfa')).body.enabled).toBe(true);
    expect((await t.client.delete(`/api/v1/core/users/${id}/mfa`)).status).toBe(204);
    expect((await member.get('/api/v1/core/account/mfa')).body.enabled).toBe(false);
    expect((await login(t, 'mem@mfa-off.test', FIREFOX)).body.accessToken).toBeTruthy();
    // Enrol again and turn it off with a code.
    const again = await enrol(member);
    expect(again.secret).not.toBe(secret);
    const code = await generate({ secret: again.secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    expect((await member.post('/api/v1/core/account/mfa/disable', { code })).status).toBe(204);
    expect((await member.get('/api/v1/core/account/mfa')).body).toMatchObject({ enabled: false, pending: false });
  });

  it('a company can require MFA: users without it are told to enrol at sign-in (the gate: mfa-gate.test.ts)', async () => {
    const t = await env.tenant('mfa-require');
    const b = await env.tenant('mfa-require-b');
    const member = await t.as('member', 'mm@mfa-require.test');
    expect((await member.put('/api/v1/core/security-settings', { requireMfa: true })).status).toBe(403);
    expect((await t.client.put('/api/v1/core/security-settings', { requireMfa: 'yes' })).status).toBe(400);
    expect((await t.client.get('/api/v1/core/security-settings')).body).toEqual({ requireMfa: false });
    // The admin needs a factor of their own first (mfa-gate.test.ts).
    await enrol(t.client);
    expect((await t.client.put('/api/v1/core/security-settings', { requireMfa: true })).body).toEqual({
      requireMfa: true,
    });
    expect((await b.client.get('/api/v1/core/security-settings')).body).toEqual({ requireMfa: false });
    const res = await login(t, 'mm@mfa-require.test', FIREFOX);
    expect(res.body.mfaEnrolmentRequired).toBe(true);
    expect((await client(res.body.accessToken).get('/api/v1/core/account/mfa')).body.required).toBe(true);
    expect((await login(b, b.ownerEmail, FIREFOX)).body.mfaEnrolmentRequired).toBeUndefined();
    await enrol(member);
    expect((await login(t, 'mm@mfa-require.test', FIREFOX)).body.mfaRequired).toBe(true);
  });
});
