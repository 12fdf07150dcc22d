import { ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { linkIn, startSmtp, type TestSmtp } from './support/smtp.ts';

// Invitations into custom roles; one person with accounts in several companies (one identity,
// one password, the tenant switcher). docs/administration.md#invitations, docs/security.md#identities.
const WAIT = { timeout: 15_000, interval: 50 };
const GOOD = 'violet-harbour-lamp-42';

let env: TestEnv;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  env = await bootTestKernel({
    addons: [],
    env: { SMTP_URL: smtp.url, THROTTLE_ACCOUNT_IP: '100000/900', THROTTLE_ACCOUNT_KEY: '100000/900' },
  });
});
afterAll(async () => {
  await env?.close();
  await smtp?.close();
});

const client = (token: string) => new ApiClient(env.url, token);
const login = (slug: string, email: string, password: string) =>
  env.anonymous().post('/api/v1/auth/login', { tenant: slug, email, password });

/** Invites `email` into `role` as `by`, answers the link's token. */
async function invite(by: ApiClient, email: string, role: string): Promise<string> {
  const before = smtp.to(email).length;
  const res = await by.post('/api/v1/core/invitations', { email, role });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await vi.waitFor(() => expect(smtp.to(email).length).toBeGreaterThan(before), WAIT);
  const mails = smtp.to(email);
  return new URL(linkIn(mails[mails.length - 1] as { text?: string }, '/accept-invitation')).searchParams.get(
    'token',
  ) as string;
}
const accept = (body: Record<string, unknown>) => env.anonymous().post('/api/v1/auth/invitations/accept', body);
const role = (t: TestTenant, name: string, permissions: string[]) =>
  t.client.post('/api/v1/core/roles', { name, permissions }).then((r) => {
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; key: string };
  });
const paths = (body: { details?: { path: string }[] }) => (body.details ?? []).map((d) => d.path);

describe('invitations into custom roles', () => {
  it("invites into a custom role; the invitee holds exactly that role's permissions", async () => {
    const t = await env.tenant('inv-custom');
    const auditor = await role(t, 'Auditor', ['core.audit.read']);
    const token = await invite(t.client, 'ava@inv-custom.test', auditor.key);
    expect((await t.client.get('/api/v1/core/invitations')).body.data[0]).toMatchObject({ role: auditor.key });
    const preview = await env.anonymous().get(`/api/v1/auth/invitations/preview?token=${encodeURIComponent(token)}`);
    expect(preview.body).toMatchObject({ role: auditor.key });
    const res = await accept({ token, name: 'Ava', password: GOOD });
    expect(res.status).toBe(201);
    const ava = client(res.body.accessToken);
    const me = await ava.get('/api/v1/core/me');
    expect(me.body.permissions).toEqual(['core.audit.read']);
    expect((await ava.get('/api/v1/core/audit')).status).toBe(200);
    expect((await ava.get('/api/v1/core/users')).status).toBe(403);
  });

  it('refuses owner, unknown roles and roles granting more than the inviter holds; another company cannot', async () => {
    const t = await env.tenant('inv-refuse');
    const other = await env.tenant('inv-refuse-b');
    const auditor = await role(t, 'Auditor', ['core.audit.read']);
    const inviter = await role(t, 'Inviter', ['core.users.manage']);
    for (const [r, message] of [
      ['owner', 'cannot be owner'],
      ['nope', 'no role "nope" in this company'],
    ]) {
      const res = await t.client.post('/api/v1/core/invitations', { email: 'x@inv-refuse.test', role: r });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([{ path: 'role', message }]);
    }
    // An inviter holding only core.users.manage may invite into their own role, not the auditor's.
    await t.as('member', 'ivan@inv-refuse.test');
    const ivanId = (await t.client.get('/api/v1/core/users')).body.data.find(
      (u: { email: string }) => u.email === 'ivan@inv-refuse.test',
    ).id;
    expect((await t.client.put(`/api/v1/core/users/${ivanId}/roles`, { roles: [inviter.key] })).status).toBe(200);
    const ivan = client((await login(t.slug, 'ivan@inv-refuse.test', t.password)).body.accessToken);
    const beyond = await ivan.post('/api/v1/core/invitations', { email: 'y@inv-refuse.test', role: auditor.key });
    expect(beyond.status).toBe(403);
    expect(beyond.body.code).toBe('PERMISSION_NOT_HELD');
    expect(paths(beyond.body)).toEqual(['role']);
    expect(
      (await ivan.post('/api/v1/core/invitations', { email: 'y@inv-refuse.test', role: inviter.key })).status,
    ).toBe(201);
    // Company B has no such role: its admin cannot invite into A's.
    const cross = await other.client.post('/api/v1/core/invitations', {
      email: 'z@inv-refuse.test',
      role: auditor.key,
    });
    expect(cross.status).toBe(400);
    expect(paths(cross.body)).toEqual(['role']);
    expect((await other.client.get('/api/v1/core/invitations')).body.data).toEqual([]);
  });
});

describe('one person, several companies', () => {
  it('joins with the account of another company: one identity, one password, both companies listed', async () => {
    const a = await env.tenant('id-home');
    const b = await env.tenant('id-join');
    const email = a.ownerEmail;
    const token = await invite(b.client, email, 'member');
    // A wrong password (or company) is refused with the field named; the invitation stays usable.
    const wrong = await accept({ token, existing: { tenant: a.slug, password: 'not-the-password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(paths(wrong.body)).toEqual(['existing/password']);
    const nowhere = await accept({ token, existing: { tenant: 'no-such-company', password: a.password } });
    expect(nowhere.status).toBe(401);
    expect(nowhere.body.code).toBe('INVALID_CREDENTIALS');
    const same = await accept({ token, existing: { tenant: b.slug, password: b.password } });
    expect([401, 409]).toContain(same.status);
    // Both ways of accepting at once: refused, naming the field.
    const both = await accept({ token, name: 'X', existing: { tenant: a.slug, password: a.password } });
    expect(both.status).toBe(400);
    expect(paths(both.body)).toEqual(['name']);

    const joined = await accept({ token, existing: { tenant: a.slug, password: a.password } });
    expect(joined.status).toBe(201);
    expect(joined.body.tenant).toEqual({ slug: b.slug });
    const inB = client(joined.body.accessToken);
    const meB = (await inB.get('/api/v1/core/me')).body;
    expect(meB.tenant.slug).toBe(b.slug);
    expect(meB.user.email).toBe(email);
    // The same identity: one row, pointed at by both accounts.
    const rows = await env.sql<{ tenant_id: string; identity_id: string }>(
      'select tenant_id, identity_id from core_user where lower(email) = lower($1) order by tenant_id',
      [email],
    );
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.identity_id)).size).toBe(1);
    const identities = await env.sql('select 1 from core_identity where id = $1', [rows[0]?.identity_id]);
    expect(identities).toHaveLength(1);
    // The switcher lists both, the current company first, from either side.
    const fromB = (await inB.get('/api/v1/core/account/companies')).body.data;
    expect(fromB.map((c: { slug: string }) => c.slug)).toEqual([b.slug, a.slug]);
    expect(fromB[0].current).toBe(true);
    const fromA = (await a.client.get('/api/v1/core/account/companies')).body.data;
    expect(fromA.map((c: { slug: string }) => c.slug)).toEqual([a.slug, b.slug]);
    // B's own owner, another person, sees only B; so does a key.
    expect(
      (await b.client.get('/api/v1/core/account/companies')).body.data.map((c: { slug: string }) => c.slug),
    ).toEqual([b.slug]);

    // One password: changed in B, it is the password in A too, and A's sessions end.
    const changed = await inB.post('/api/v1/core/account/password', { currentPassword: a.password, password: GOOD });
    expect(changed.status).toBe(204);
    expect((await login(a.slug, email, a.password)).status).toBe(401);
    expect((await login(a.slug, email, GOOD)).status).toBe(200);
    expect((await login(b.slug, email, GOOD)).status).toBe(200);
    await vi.waitFor(async () => expect((await a.client.get('/api/v1/core/me')).status).toBe(401), WAIT);
    // B's owner (another person) keeps their own password.
    expect((await login(b.slug, b.ownerEmail, b.password)).status).toBe(200);
  });

  it("switches to the other company: that account's second factor and gate apply; a stranger's company is 404", async () => {
    const a = await env.tenant('sw-home');
    const b = await env.tenant('sw-join');
    const c = await env.tenant('sw-other');
    const email = a.ownerEmail;
    const joined = await accept({
      token: await invite(b.client, email, 'member'),
      existing: { tenant: a.slug, password: a.password },
    });
    expect(joined.status).toBe(201);
    const sw = await a.client.post('/api/v1/core/account/switch', { tenant: b.slug });
    expect(sw.status).toBe(200);
    expect(sw.body.tenant).toEqual({ slug: b.slug });
    expect((await client(sw.body.accessToken).get('/api/v1/core/me')).body.tenant.slug).toBe(b.slug);
    // Not a company of this person: 404, like an unknown one; bad input names the field.
    expect((await a.client.post('/api/v1/core/account/switch', { tenant: c.slug })).status).toBe(404);
    expect((await a.client.post('/api/v1/core/account/switch', { tenant: 'nowhere' })).status).toBe(404);
    const bad = await a.client.post('/api/v1/core/account/switch', {});
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(['tenant']);
    // With a factor on the account in B, switching answers B's challenge, no token.
    const inB = client(joined.body.accessToken);
    const e = await inB.post('/api/v1/core/account/mfa/enrol');
    await inB.post('/api/v1/core/account/mfa/confirm', { code: await generate({ secret: e.body.secret }) });
    const challenged = await a.client.post('/api/v1/core/account/switch', { tenant: b.slug });
    expect(challenged.body).toMatchObject({ mfaRequired: true, tenant: { slug: b.slug } });
    expect(challenged.body.accessToken).toBeUndefined();
    const code = await generate({ secret: e.body.secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const done = await env.anonymous().post('/api/v1/auth/mfa', { mfaToken: challenged.body.mfaToken, code });
    expect(done.status).toBe(200);
    // Deactivated in B: B leaves the switcher, and switching there is refused.
    const bId = (await inB.get('/api/v1/core/me')).body.user.id;
    expect((await b.client.post(`/api/v1/core/users/${bId}/deactivate`)).status).toBe(200);
    expect(
      (await a.client.get('/api/v1/core/account/companies')).body.data.map((x: { slug: string }) => x.slug),
    ).toEqual([a.slug]);
    expect((await a.client.post('/api/v1/core/account/switch', { tenant: b.slug })).status).toBe(404);
    expect((await b.client.post(`/api/v1/core/users/${bId}/reactivate`)).status).toBe(200);
    expect((await a.client.get('/api/v1/core/account/companies')).body.data).toHaveLength(2);
    // An API key is not a person: it has no companies to switch between.
    const key = await a.client.post('/api/v1/core/api-keys', { name: 'k', permissions: ['core.*'] });
    expect((await client(key.body.key).get('/api/v1/core/account/companies')).status).toBe(403);
    expect((await client(key.body.key).post('/api/v1/core/account/switch', { tenant: b.slug })).status).toBe(403);
  });
});
