import { ApiClient, bootTestKernel, type TestEnv } from '@elevate/testkit';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The caller's API keys, sessions, two-step sign-in and companies on GraphQL (what REST has),
// with the same permissions, person-only refusals and isolation (core/src/auth/account.graphql.ts).
let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [], workers: false });
});
afterAll(() => env?.close());

interface Gql {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; details?: { path: string }[] } }[];
}
const gql = async (c: ApiClient, query: string, variables: Record<string, unknown> = {}): Promise<Gql> =>
  (await c.post('/graphql', { query, variables })).body as Gql;
const code = (r: Gql) => r.errors?.[0]?.extensions?.code;

describe('account fields on GraphQL', () => {
  it('API keys: create (shown once), list, revoke; bad input names the field; a member cannot; another company sees none', async () => {
    const t = await env.tenant('gql-keys');
    const created = await gql(
      t.client,
      'mutation($p: [String!]!) { createApiKey(name: "sync", permissions: $p) { key apiKey { id prefix permissions } } }',
      { p: ['core.audit.read'] },
    );
    expect(created.errors).toBeUndefined();
    const made = created.data?.createApiKey as { key: string; apiKey: { id: string; prefix: string } };
    expect(made.key.startsWith(made.apiKey.prefix)).toBe(true);
    const list = await gql(t.client, '{ apiKeys { id name createdBy { name } revokedAt } }');
    expect(list.data?.apiKeys).toEqual([
      { id: made.apiKey.id, name: 'sync', createdBy: { name: expect.any(String) }, revokedAt: null },
    ]);
    expect(JSON.stringify(list)).not.toContain(made.key);
    // The key works until revoked.
    const withKey = new ApiClient(env.url, made.key);
    expect((await withKey.get('/api/v1/core/audit')).status).toBe(200);
    expect((await gql(t.client, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: made.apiKey.id })).data).toEqual({
      revokeApiKey: true,
    });
    expect((await withKey.get('/api/v1/core/audit')).status).toBe(401);
    // Bad input names the field; more than the creator holds is refused.
    const blank = await gql(t.client, 'mutation { createApiKey(name: " ", permissions: ["core.audit.read"]) { key } }');
    expect(code(blank)).toBe('VALIDATION_FAILED');
    expect(blank.errors?.[0]?.extensions?.details?.[0]?.path).toBe('name');
    const member = await t.as('member', 'm@gql-keys.test');
    expect(code(await gql(member, '{ apiKeys { id } }'))).toBe('FORBIDDEN');
    expect(
      code(await gql(member, 'mutation { createApiKey(name: "x", permissions: ["core.audit.read"]) { key } }')),
    ).toBe('FORBIDDEN');
    // Another company sees none of them and cannot revoke them.
    const b = await env.tenant('gql-keys-b');
    expect((await gql(b.client, '{ apiKeys { id } }')).data?.apiKeys).toEqual([]);
    expect(code(await gql(b.client, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: made.apiKey.id }))).toBe(
      'NOT_FOUND',
    );
  });

  it('sessions: list, sign out one and the others; an admin signs a user out; another company cannot', async () => {
    const t = await env.tenant('gql-sess');
    const b = await env.tenant('gql-sess-b');
    const second = (
      await env.anonymous().post('/api/v1/auth/login', { tenant: t.slug, email: t.ownerEmail, password: t.password })
    ).body;
    const me = new ApiClient(env.url, second.accessToken);
    const sessions = (await gql(me, '{ mySessions { id device current } }')).data?.mySessions as {
      id: string;
      current: boolean;
    }[];
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current) as { id: string };
    // Another company's user cannot end it (not theirs: not found).
    expect(code(await gql(b.client, 'mutation($id: ID!) { signOutSession(id: $id) }', { id: other.id }))).toBe(
      'NOT_FOUND',
    );
    expect((await t.client.get('/api/v1/core/me')).status).toBe(200);
    expect((await gql(me, 'mutation($id: ID!) { signOutSession(id: $id) }', { id: other.id })).data).toEqual({
      signOutSession: true,
    });
    expect((await t.client.get('/api/v1/core/me')).status).toBe(401);
    expect((await gql(me, 'mutation { signOutSessions(others: true) }')).data).toEqual({ signOutSessions: 0 });
    // An admin signs a member out everywhere; a member cannot; B's admin cannot reach A's user.
    const member = await t.as('member', 'mo@gql-sess.test');
    const memberId = (await member.get('/api/v1/core/me')).body.user.id;
    expect(code(await gql(member, 'mutation($u: ID!) { signOutUser(userId: $u) }', { u: memberId }))).toBe('FORBIDDEN');
    expect(code(await gql(b.client, 'mutation($u: ID!) { signOutUser(userId: $u) }', { u: memberId }))).toBe(
      'NOT_FOUND',
    );
    expect((await member.get('/api/v1/core/me')).status).toBe(200);
    expect((await gql(me, 'mutation($u: ID!) { signOutUser(userId: $u) }', { u: memberId })).data).toEqual({
      signOutUser: 1,
    });
    expect((await member.get('/api/v1/core/me')).status).toBe(401);
  });

  it('two-step sign-in: status, enrol, confirm, new backup codes, disable; an admin reset; API keys refused', async () => {
    const t = await env.tenant('gql-mfa');
    expect((await gql(t.client, '{ myMfa { enabled pending backupCodesLeft passkeys required } }')).data).toEqual({
      myMfa: { enabled: false, pending: false, backupCodesLeft: 0, passkeys: 0, required: false },
    });
    const started = (await gql(t.client, 'mutation { startMfaEnrolment { secret otpauthUrl qr } }')).data
      ?.startMfaEnrolment as { secret: string; qr: string };
    expect(started.qr).toMatch(/^data:image\/png;base64,/);
    const wrong = await gql(t.client, 'mutation { confirmMfa(code: "000000") }');
    expect(code(wrong)).toBe('INVALID_MFA_CODE');
    expect(wrong.errors?.[0]?.extensions?.details?.[0]?.path).toBe('code');
    const codes = (
      await gql(t.client, 'mutation($c: String!) { confirmMfa(code: $c) }', {
        c: await generate({ secret: started.secret }),
      })
    ).data?.confirmMfa as string[];
    expect(codes).toHaveLength(10);
    expect((await gql(t.client, '{ myMfa { enabled backupCodesLeft } }')).data).toEqual({
      myMfa: { enabled: true, backupCodesLeft: 10 },
    });
    const fresh = (await gql(t.client, 'mutation($c: String!) { regenerateBackupCodes(code: $c) }', { c: codes[0] }))
      .data?.regenerateBackupCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(codes[1]);
    expect((await gql(t.client, 'mutation($c: String!) { disableMfa(code: $c) }', { c: fresh[0] })).data).toEqual({
      disableMfa: true,
    });
    // An admin resets a member's factor; a member cannot; another company cannot.
    const member = await t.as('member', 'mm@gql-mfa.test');
    const e = (await gql(member, 'mutation { startMfaEnrolment { secret } }')).data?.startMfaEnrolment as {
      secret: string;
    };
    await gql(member, 'mutation($c: String!) { confirmMfa(code: $c) }', { c: await generate({ secret: e.secret }) });
    const memberId = (await member.get('/api/v1/core/me')).body.user.id;
    expect(code(await gql(member, 'mutation($u: ID!) { resetUserMfa(userId: $u) }', { u: memberId }))).toBe(
      'FORBIDDEN',
    );
    const b = await env.tenant('gql-mfa-b');
    expect(code(await gql(b.client, 'mutation($u: ID!) { resetUserMfa(userId: $u) }', { u: memberId }))).toBe(
      'NOT_FOUND',
    );
    expect((await gql(member, '{ myMfa { enabled } }')).data).toEqual({ myMfa: { enabled: true } });
    expect((await gql(t.client, 'mutation($u: ID!) { resetUserMfa(userId: $u) }', { u: memberId })).data).toEqual({
      resetUserMfa: true,
    });
    expect((await gql(member, '{ myMfa { enabled } }')).data).toEqual({ myMfa: { enabled: false } });
    // A person's matters: an API key gets NOT_FOR_API_KEYS.
    const key = await t.client.post('/api/v1/core/api-keys', { name: 'k', permissions: ['core.*'] });
    const viaKey = new ApiClient(env.url, key.body.key);
    for (const q of [
      '{ myMfa { enabled } }',
      '{ mySessions { id } }',
      '{ myPasskeys { id } }',
      '{ myCompanies { id } }',
    ]) {
      expect(code(await gql(viaKey, q)), q).toBe('NOT_FOR_API_KEYS');
    }
    expect((await gql(viaKey, '{ apiKeys { name } }')).data?.apiKeys).toHaveLength(1);
  });

  it('companies and passkeys read as on REST', async () => {
    const t = await env.tenant('gql-co');
    expect((await gql(t.client, '{ myCompanies { slug current } myPasskeys { id } }')).data).toEqual({
      myCompanies: [{ slug: t.slug, current: true }],
      myPasskeys: [],
    });
    expect(code(await gql(t.client, 'mutation { removePasskey(id: "nope") }'))).toBe('NOT_FOUND');
  });
});
