import { ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A company that requires two-step sign-in gates the sessions of users without a factor
// (docs/security.md#mfa): enrolment only, every other API 403 MFA_ENROLMENT_REQUIRED.
let env: TestEnv;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [], workers: false });
});
afterAll(() => env?.close());

const client = (token: string) => new ApiClient(env.url, token);
const login = (t: TestTenant, email: string, password = t.password) =>
  env.anonymous().post('/api/v1/auth/login', { tenant: t.slug, email, password });
/** A code of the next step: the step just used by confirm is refused (no replay). */
const nextCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

async function enrol(c: ApiClient): Promise<string> {
  const e = await c.post('/api/v1/core/account/mfa/enrol');
  expect(e.status).toBe(200);
  const ok = await c.post('/api/v1/core/account/mfa/confirm', { code: await generate({ secret: e.body.secret }) });
  expect(ok.status).toBe(200);
  return e.body.secret as string;
}

/** A company whose owner has a factor and that requires one of everybody. */
async function requiring(slug: string): Promise<{ t: TestTenant; ownerSecret: string }> {
  const t = await env.tenant(slug);
  const ownerSecret = await enrol(t.client);
  const on = await t.client.put('/api/v1/core/security-settings', { requireMfa: true });
  expect(on.status).toBe(200);
  return { t, ownerSecret };
}

const gated = (res: { status: number; body: { code?: string } }) => {
  expect(res.status).toBe(403);
  expect(res.body.code).toBe('MFA_ENROLMENT_REQUIRED');
};

describe('the MFA requirement is a gate', () => {
  it('an admin must have a factor before requiring one (else their own session would be gated)', async () => {
    const t = await env.tenant('gate-self');
    const res = await t.client.put('/api/v1/core/security-settings', { requireMfa: true });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('MFA_NOT_ENABLED');
    expect(res.body.details[0].path).toBe('requireMfa');
    expect((await t.client.get('/api/v1/core/security-settings')).body).toEqual({ requireMfa: false });
  });

  it('a user without a factor gets a session limited to enrolment; enrolling opens it', async () => {
    const { t } = await requiring('gate-new');
    await t.as('member', 'mia@gate-new.test');
    const res = await login(t, 'mia@gate-new.test');
    expect(res.status).toBe(200);
    expect(res.body.mfaEnrolmentRequired).toBe(true);
    const mia = client(res.body.accessToken);
    // Allowed: who am I, the MFA status, enrolment.
    const me = await mia.get('/api/v1/core/me');
    expect(me.status).toBe(200);
    expect(me.body.mfaEnrolmentRequired).toBe(true);
    expect((await mia.get('/api/v1/core/account/mfa')).body).toMatchObject({ enabled: false, required: true });
    // Everything else: REST, GraphQL, the live channel, even the user's own sessions.
    gated(await mia.get('/api/v1/core/addons'));
    gated(await mia.get('/api/v1/core/sessions'));
    gated(await mia.get('/api/v1/core/notifications'));
    gated(await mia.post('/api/v1/core/account/verify-email'));
    gated(await mia.post('/graphql', { query: '{ __typename }' }));
    gated(await mia.get(`/api/v1/core/live?access_token=${encodeURIComponent(res.body.accessToken)}`));
    // A refresh keeps the gate (it is read on every request, not carried by the token).
    const refreshed = await env.anonymous().post('/api/v1/auth/refresh', { refreshToken: res.body.refreshToken });
    expect(refreshed.status).toBe(200);
    gated(await client(refreshed.body.accessToken).get('/api/v1/core/addons'));
    // Enrol with the gated session: the very next request has the role's full access.
    const mia2 = client(refreshed.body.accessToken);
    const secret = await enrol(mia2);
    expect((await mia2.get('/api/v1/core/addons')).status).toBe(200);
    const me2 = await mia2.get('/api/v1/core/me');
    expect(me2.body.mfaEnrolmentRequired).toBeUndefined();
    // From now on, signing in needs the code before any token is issued.
    const again = await login(t, 'mia@gate-new.test');
    expect(again.body).toMatchObject({ mfaRequired: true });
    expect(again.body.accessToken).toBeUndefined();
    expect(again.body.refreshToken).toBeUndefined();
    const done = await env.anonymous().post('/api/v1/auth/mfa', {
      mfaToken: again.body.mfaToken,
      code: await nextCode(secret),
    });
    expect(done.status).toBe(200);
    expect((await client(done.body.accessToken).get('/api/v1/core/addons')).status).toBe(200);
  });

  it('an admin-reset user is gated at once, on the session they already had and at the next sign-in', async () => {
    const { t } = await requiring('gate-reset');
    const rob = await t.as('member', 'rob@gate-reset.test');
    // `as` signed in before the requirement applied to rob: gated already (no factor).
    gated(await rob.get('/api/v1/core/addons'));
    const secret = await enrol(rob);
    expect((await rob.get('/api/v1/core/addons')).status).toBe(200);
    const id = (await rob.get('/api/v1/core/me')).body.user.id;
    expect((await t.client.delete(`/api/v1/core/users/${id}/mfa`)).status).toBe(204);
    gated(await rob.get('/api/v1/core/addons'));
    const res = await login(t, 'rob@gate-reset.test');
    expect(res.body.mfaEnrolmentRequired).toBe(true);
    gated(await client(res.body.accessToken).get('/api/v1/core/addons'));
    expect(secret).toBeTruthy();
  });

  it('switching the requirement on gates open sessions; off opens them; another company is untouched', async () => {
    const t = await env.tenant('gate-switch');
    const other = await env.tenant('gate-switch-b');
    await enrol(t.client);
    const max = await t.as('member', 'max@gate-switch.test');
    const otherMember = await other.as('member', 'max@gate-switch-b.test');
    expect((await max.get('/api/v1/core/addons')).status).toBe(200);
    expect((await t.client.put('/api/v1/core/security-settings', { requireMfa: true })).status).toBe(200);
    gated(await max.get('/api/v1/core/addons'));
    // The admin (who has a factor) keeps working; tenant B's users never see the gate.
    expect((await t.client.get('/api/v1/core/addons')).status).toBe(200);
    expect((await otherMember.get('/api/v1/core/addons')).status).toBe(200);
    expect((await other.client.get('/api/v1/core/security-settings')).body).toEqual({ requireMfa: false });
    // A member cannot lift it; the admin can.
    expect((await otherMember.put('/api/v1/core/security-settings', { requireMfa: false })).status).toBe(403);
    expect((await t.client.put('/api/v1/core/security-settings', { requireMfa: false })).status).toBe(200);
    expect((await max.get('/api/v1/core/addons')).status).toBe(200);
  });

  it('the last factor cannot be turned off while the company requires one', async () => {
    const { t, ownerSecret } = await requiring('gate-off');
    const res = await t.client.post('/api/v1/core/account/mfa/disable', { code: await nextCode(ownerSecret) });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('MFA_REQUIRED');
    expect((await t.client.get('/api/v1/core/account/mfa')).body.enabled).toBe(true);
  });

  it('API keys are integrations, not people: not gated', async () => {
    const t = await env.tenant('gate-key');
    const key = await t.client.post('/api/v1/core/api-keys', { name: 'sync', permissions: ['core.*'] });
    expect(key.status).toBe(201);
    await enrol(t.client);
    expect((await t.client.put('/api/v1/core/security-settings', { requireMfa: true })).status).toBe(200);
    expect((await client(key.body.key).get('/api/v1/core/addons')).status).toBe(200);
  });
});
