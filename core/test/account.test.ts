import { ApiClient, bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { passwordProblem } from '../src/auth/password-policy.ts';
import { linkIn, startSmtp, type TestSmtp } from './support/smtp.ts';

const WAIT = { timeout: 15_000, interval: 50 };
const GOOD = 'violet-harbour-lamp-42';

let env: TestEnv;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  env = await bootTestKernel({
    addons: [],
    env: {
      SMTP_URL: smtp.url,
      PUBLIC_URL: 'http://crm.example.test',
      // This file measures and repeats these calls; their limits are tested in users-admin.test.ts.
      THROTTLE_ACCOUNT_IP: '100000/900',
      THROTTLE_ACCOUNT_KEY: '100000/900',
    },
  });
});
afterAll(async () => {
  await env?.close();
  await smtp?.close();
});

/** The token of the latest link to `path` mailed to `address` (waits for `count` mails). */
async function tokenFrom(address: string, path: string, count = 1): Promise<string> {
  await vi.waitFor(() => expect(smtp.to(address).length).toBeGreaterThanOrEqual(count), WAIT);
  const mails = smtp.to(address);
  const link = new URL(linkIn(mails[mails.length - 1] as { text?: string }, path));
  expect(link.origin).toBe('http://crm.example.test');
  return link.searchParams.get('token') as string;
}
const fields = (body: { details?: { path: string }[] }) => (body.details ?? []).map((d) => d.path).sort();
const login = (slug: string, email: string, password: string) =>
  env.anonymous().post('/api/v1/auth/login', { tenant: slug, email, password });

describe('password policy', () => {
  it('refuses short, blank and common passwords and accepts a long uncommon one', () => {
    expect(passwordProblem('short1')).toMatch(/at least 10/);
    expect(passwordProblem('          ')).toMatch(/only spaces/);
    expect(passwordProblem('password123')).toMatch(/too common/);
    expect(passwordProblem('QwertyUIOP')).toMatch(/too common/);
    expect(passwordProblem(GOOD)).toBeNull();
  });

  it('applies on sign-up with a 400 naming the password field', async () => {
    for (const [i, password] of ['password', '        ', '          ', 'password123', '1234567890'].entries()) {
      const res = await env.anonymous().post('/api/v1/auth/signup', {
        company: 'Weak',
        slug: `weak-${i}`,
        email: 'o@weak.test',
        password,
      });
      expect(res.status, password).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fields(res.body)).toEqual(['password']);
    }
    expect(await env.sql("select 1 from core_tenant where slug like 'weak-%'")).toHaveLength(0);
  });
});

describe('email verification', () => {
  it('mails a link on sign-up; the link verifies once', async () => {
    const res = await env.anonymous().post('/api/v1/auth/signup', {
      company: 'Verify Co',
      slug: 'verify-co',
      email: 'vera@verify.test',
      password: GOOD,
    });
    expect(res.status).toBe(201);
    const token = await tokenFrom('vera@verify.test', '/verify-email');
    expect(smtp.to('vera@verify.test')[0]?.subject).toBe('Confirm your email address for Verify Co');
    const stored = await env.sql<{ token_hash: string }>('select token_hash from core_user_token');
    expect(stored.some((r) => token.includes(r.token_hash))).toBe(false);
    const verified = await env.anonymous().post('/api/v1/auth/email/verify', { token });
    expect([verified.status, verified.body]).toEqual([200, { tenant: { slug: 'verify-co' } }]);
    const user = await env.sql<{ v: boolean }>(
      "select email_verified_at is not null as v from core_user where email = 'vera@verify.test'",
    );
    expect(user[0]?.v).toBe(true);
    const again = await env.anonymous().post('/api/v1/auth/email/verify', { token });
    expect(again.status).toBe(400);
    expect(fields(again.body)).toEqual(['token']);
  });
});

describe('password reset', () => {
  it('answers the same for an existing account, an unknown one and an unknown company', async () => {
    const t = await env.tenant('same-answer');
    const anon = env.anonymous();
    const ask = (tenant: string, email: string) => anon.post('/api/v1/auth/password/forgot', { tenant, email });
    const bodies: unknown[] = [];
    // That the time does not tell either is measured in core/bench/forgot-password.bench.ts.
    for (let i = 0; i < 15; i++) {
      for (const [kind, tenant, email] of [
        ['known', 'same-answer', t.ownerEmail],
        ['unknown', 'same-answer', 'nobody@same-answer.test'],
        ['noTenant', 'no-such-company', t.ownerEmail],
      ] as const) {
        const res = await ask(tenant, email);
        expect(res.status, kind).toBe(202);
        const headers = [...res.headers].filter(([k]) => !['date', 'x-request-id'].includes(k));
        bodies.push({ body: res.body, headers });
      }
    }
    for (const b of bodies) expect(b).toEqual(bodies[0]);
    await vi.waitFor(() => expect(smtp.to(t.ownerEmail).length).toBe(15), WAIT);
    expect(smtp.to('nobody@same-answer.test')).toHaveLength(0);
  });

  it('sets a new password once, signs the user out everywhere, and refuses used, forged and expired links', async () => {
    const t = await env.tenant('reset-flow');
    const forgot = await env
      .anonymous()
      .post('/api/v1/auth/password/forgot', { tenant: 'reset-flow', email: t.ownerEmail.toUpperCase() });
    expect(forgot.status).toBe(202);
    const token = await tokenFrom(t.ownerEmail, '/reset-password');
    expect(smtp.to(t.ownerEmail)[0]?.subject).toBe('Reset your reset-flow Inc password');

    const weak = await env.anonymous().post('/api/v1/auth/password/reset', { token, password: 'qwertyuiop' });
    expect(weak.status).toBe(400);
    expect(fields(weak.body)).toEqual(['password']);
    const [tid, id, secret] = token.split('.');
    const forged = await env
      .anonymous()
      .post('/api/v1/auth/password/reset', { token: `${tid}.${id}.${secret?.slice(0, -2)}xx`, password: GOOD });
    expect(forged.status).toBe(400);
    expect(fields(forged.body)).toEqual(['token']);

    const ok = await env.anonymous().post('/api/v1/auth/password/reset', { token, password: GOOD });
    expect([ok.status, ok.body]).toEqual([200, { tenant: { slug: 'reset-flow' } }]);
    // Every session of the user is revoked.
    const refresh = await env.anonymous().post('/api/v1/auth/refresh', { refreshToken: t.refreshToken });
    expect(refresh.status).toBe(401);
    expect((await login('reset-flow', t.ownerEmail, t.password)).status).toBe(401);
    expect((await login('reset-flow', t.ownerEmail, GOOD)).status).toBe(200);
    const reused = await env.anonymous().post('/api/v1/auth/password/reset', { token, password: `${GOOD}-2` });
    expect(reused.status).toBe(400);
    expect(fields(reused.body)).toEqual(['token']);

    await env.anonymous().post('/api/v1/auth/password/forgot', { tenant: 'reset-flow', email: t.ownerEmail });
    const late = await tokenFrom(t.ownerEmail, '/reset-password', 2);
    await env.sql("update core_user_token set expires_at = now() - interval '1 second' where purpose = 'reset'");
    const expired = await env.anonymous().post('/api/v1/auth/password/reset', { token: late, password: `${GOOD}-3` });
    expect(expired.status).toBe(400);
    expect(fields(expired.body)).toEqual(['token']);
  });

  it('does not let a link of one company reset a user of another (tenant id swapped)', async () => {
    const a = await env.tenant('reset-iso-a');
    const b = await env.tenant('reset-iso-b');
    await env.anonymous().post('/api/v1/auth/password/forgot', { tenant: 'reset-iso-a', email: a.ownerEmail });
    const token = await tokenFrom(a.ownerEmail, '/reset-password');
    const [, id, secret] = token.split('.');
    const swapped = await env
      .anonymous()
      .post('/api/v1/auth/password/reset', { token: `${b.id}.${id}.${secret}`, password: GOOD });
    expect(swapped.status).toBe(400);
    expect(fields(swapped.body)).toEqual(['token']);
    expect((await login('reset-iso-b', b.ownerEmail, b.password)).status).toBe(200);
  });

  it('answers bad input with 400 naming the field', async () => {
    const anon = env.anonymous();
    const cases: [string, unknown, string[]][] = [
      ['/api/v1/auth/password/forgot', { tenant: 'x' }, ['email']],
      ['/api/v1/auth/password/forgot', { tenant: 'x', email: 7 }, ['email']],
      ['/api/v1/auth/password/reset', { token: 'garbage', password: GOOD }, ['token']],
      ['/api/v1/auth/password/reset', { token: 'a.b.c' }, ['password']],
      ['/api/v1/auth/email/verify', { token: '' }, ['token']],
      ['/api/v1/auth/invitations/accept', { token: 'x.y.z', password: GOOD }, ['name']],
    ];
    for (const [path, body, expected] of cases) {
      const res = await anon.post(path, body);
      expect(res.status, path).toBe(400);
      expect(fields(res.body), `${path} ${JSON.stringify(body)}`).toEqual(expected);
    }
    const preview = await anon.get('/api/v1/auth/invitations/preview?token=nope');
    expect(preview.status).toBe(400);
    expect(fields(preview.body)).toEqual(['token']);
  });
});

describe('change password', () => {
  it('needs the current password, applies the policy, and revokes the sessions', async () => {
    const t = await env.tenant('change-pw');
    const wrong = await t.client.post('/api/v1/core/account/password', {
      currentPassword: 'nope-nope-nope',
      password: GOOD,
    });
    expect(wrong.status).toBe(400);
    expect(fields(wrong.body)).toEqual(['currentPassword']);
    const weak = await t.client.post('/api/v1/core/account/password', {
      currentPassword: t.password,
      password: 'password1',
    });
    expect(weak.status).toBe(400);
    expect(fields(weak.body)).toEqual(['password']);
    expect((await login('change-pw', t.ownerEmail, t.password)).status).toBe(200);
    const ok = await t.client.post('/api/v1/core/account/password', { currentPassword: t.password, password: GOOD });
    expect(ok.status).toBe(204);
    expect((await env.anonymous().post('/api/v1/auth/refresh', { refreshToken: t.refreshToken })).status).toBe(401);
    expect((await login('change-pw', t.ownerEmail, t.password)).status).toBe(401);
    expect((await login('change-pw', t.ownerEmail, GOOD)).status).toBe(200);
    expect(
      (await env.anonymous().post('/api/v1/core/account/password', { currentPassword: GOOD, password: GOOD })).status,
    ).toBe(401);
  });
});

describe('invitations', () => {
  it('invites by email; the invitee sets name and password and joins in the role, once', async () => {
    const t = await env.tenant('invite-flow');
    const member = await t.as('member');
    expect((await member.post('/api/v1/core/invitations', { email: 'x@invite.test', role: 'member' })).status).toBe(
      403,
    );
    expect((await member.get('/api/v1/core/invitations')).status).toBe(403);
    const admin = await t.as('admin');
    const inv = await admin.post('/api/v1/core/invitations', {
      email: 'nina@invite.test',
      role: 'manager',
      language: 'de',
    });
    expect(inv.status).toBe(201);
    expect(inv.body).toMatchObject({ email: 'nina@invite.test', role: 'manager' });
    const token = await tokenFrom('nina@invite.test', '/accept-invitation');
    expect(smtp.to('nina@invite.test')[0]?.subject).toMatch(/hat Sie zu invite-flow Inc eingeladen$/);
    expect((await admin.get('/api/v1/core/invitations')).body.data).toEqual([
      expect.objectContaining({ id: inv.body.id }),
    ]);

    const preview = await env.anonymous().get(`/api/v1/auth/invitations/preview?token=${encodeURIComponent(token)}`);
    expect(preview.body).toEqual({ email: 'nina@invite.test', company: 'invite-flow Inc', role: 'manager' });
    const weak = await env
      .anonymous()
      .post('/api/v1/auth/invitations/accept', { token, name: 'Nina', password: 'password12' });
    expect(weak.status).toBe(400);
    expect(fields(weak.body)).toEqual(['password']);
    const accepted = await env
      .anonymous()
      .post('/api/v1/auth/invitations/accept', { token, name: 'Nina', password: GOOD });
    expect(accepted.status).toBe(201);
    expect(accepted.body.tenant.slug).toBe('invite-flow');
    const nina = new ApiClient(env.url, accepted.body.accessToken);
    const me = await nina.get('/api/v1/core/me');
    expect(me.body.user).toMatchObject({ email: 'nina@invite.test', name: 'Nina' });
    const roles = await env.sql<{ key: string }>(
      `select r.key from core_user_role ur join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
       join core_user u on u.tenant_id = ur.tenant_id and u.id = ur.user_id where u.email = 'nina@invite.test'`,
    );
    expect(roles).toEqual([{ key: 'manager' }]);
    // The invitation's language becomes hers: later mails to her are in German.
    expect(await env.sql("select language from core_user where email = 'nina@invite.test'")).toEqual([
      { language: 'de' },
    ]);
    const again = await env
      .anonymous()
      .post('/api/v1/auth/invitations/accept', { token, name: 'Nina 2', password: GOOD });
    expect(again.status).toBe(400);
    expect(fields(again.body)).toEqual(['token']);
    expect((await admin.get('/api/v1/core/invitations')).body.data).toEqual([]);
    // Now a user: inviting the address again is a conflict.
    const dup = await admin.post('/api/v1/core/invitations', { email: 'NINA@invite.test', role: 'member' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('USER_EMAIL_TAKEN');
  });

  it('resends with a new link (the old one stops working) and revokes', async () => {
    const t = await env.tenant('invite-resend');
    const inv = await t.client.post('/api/v1/core/invitations', { email: 'otto@invite.test', role: 'member' });
    expect(inv.status).toBe(201);
    const first = await tokenFrom('otto@invite.test', '/accept-invitation');
    const pending = await t.client.post('/api/v1/core/invitations', { email: 'otto@invite.test', role: 'member' });
    expect(pending.status).toBe(409);
    expect(pending.body.code).toBe('INVITATION_PENDING');
    expect((await t.client.post(`/api/v1/core/invitations/${inv.body.id}/resend`)).status).toBe(200);
    const second = await tokenFrom('otto@invite.test', '/accept-invitation', 2);
    expect(second).not.toBe(first);
    const old = await env.anonymous().get(`/api/v1/auth/invitations/preview?token=${encodeURIComponent(first)}`);
    expect(old.status).toBe(400);
    expect(
      (await env.anonymous().get(`/api/v1/auth/invitations/preview?token=${encodeURIComponent(second)}`)).status,
    ).toBe(200);
    expect((await t.client.delete(`/api/v1/core/invitations/${inv.body.id}`)).status).toBe(204);
    const revoked = await env
      .anonymous()
      .post('/api/v1/auth/invitations/accept', { token: second, name: 'Otto', password: GOOD });
    expect(revoked.status).toBe(400);
    expect(fields(revoked.body)).toEqual(['token']);
    expect((await t.client.get('/api/v1/core/invitations')).body.data).toEqual([]);
    expect((await t.client.delete(`/api/v1/core/invitations/${inv.body.id}`)).status).toBe(404);
  });

  it('refuses bad invitations with 400 naming the field', async () => {
    const t = await env.tenant('invite-bad');
    const cases: [unknown, string[]][] = [
      [{ email: 'not-mail', role: 'member' }, ['email']],
      [{ email: 'a@b.test', role: 'owner' }, ['role']],
      [{ email: 'a@b.test' }, ['role']],
      [{ email: 'a@b.test', role: 'member', extra: 1 }, ['extra']],
    ];
    for (const [body, expected] of cases) {
      const res = await t.client.post('/api/v1/core/invitations', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fields(res.body)).toEqual(expected);
    }
    expect((await t.client.post('/api/v1/core/invitations/not-a-uuid/resend')).status).toBe(404);
  });

  it("keeps each company's invitations to itself", async () => {
    const a = await env.tenant('invite-iso-a');
    const b = await env.tenant('invite-iso-b');
    const inv = await a.client.post('/api/v1/core/invitations', { email: 'iso@invite.test', role: 'member' });
    expect(inv.status).toBe(201);
    const token = await tokenFrom('iso@invite.test', '/accept-invitation');
    expect((await b.client.get('/api/v1/core/invitations')).body.data).toEqual([]);
    expect((await b.client.post(`/api/v1/core/invitations/${inv.body.id}/resend`)).status).toBe(404);
    expect((await b.client.delete(`/api/v1/core/invitations/${inv.body.id}`)).status).toBe(404);
    const [, id, secret] = token.split('.');
    const swapped = await env
      .anonymous()
      .post('/api/v1/auth/invitations/accept', { token: `${b.id}.${id}.${secret}`, name: 'Iso', password: GOOD });
    expect(swapped.status).toBe(400);
    expect((await a.client.get('/api/v1/core/invitations')).body.data).toHaveLength(1);
  });
});
