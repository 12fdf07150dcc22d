import { ApiClient, bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// API keys (docs/security.md#api-keys) against the CRM's contacts: scopes on REST and GraphQL,
// revocation, expiry, tenancy, creation rules.
let env: TestEnv;
const C = '/api/v1/crm';
const K = '/api/v1/core/api-keys';

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
});
afterAll(() => env?.close());

const withKey = (key: string) => new ApiClient(env.url, key);

describe('API keys', () => {
  it('a read-only key lists contacts on REST and GraphQL and is refused a create', async () => {
    const t = await env.tenant('keys-read', { enable: ['crm'] });
    await t.client.post(`${C}/contacts`, { name: 'Ada' });
    const created = await t.client.post(K, { name: 'Website form', permissions: ['crm.contact.read'] });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^ek_live_[0-9a-f]{64}[\w-]{43}$/);
    expect(created.body.key.startsWith(created.body.prefix)).toBe(true);
    expect(created.body.prefix).toMatch(/^ek_live_[0-9a-f]{8}$/);
    const api = withKey(created.body.key);

    const list = await api.get(`${C}/contacts`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((c: { name: string }) => c.name)).toEqual(['Ada']);
    const gql = await api.graphql('{ contacts { totalCount } }');
    expect(gql.body.errors).toBeUndefined();
    expect(gql.body.data.contacts.totalCount).toBe(1);

    const create = await api.post(`${C}/contacts`, { name: 'Nope' });
    expect(create.status).toBe(403);
    expect(create.body.code).toBe('FORBIDDEN');
    const mut = await api.graphql('mutation { createContact(input: { name: "Nope" }) { id } }');
    expect(mut.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    // Nor can it reach what its creator (the owner) could: managing keys.
    expect((await api.get(K)).status).toBe(403);
    const [row] = await env.sql<{ n: number }>("select count(*)::int as n from crm_contact where name = 'Nope'");
    expect(row?.n).toBe(0);
  });

  it('the request is attributed to the creator, with the key id beside it', async () => {
    const t = await env.tenant('keys-who', { enable: ['crm'] });
    const k = (await t.client.post(K, { name: 'Sync', permissions: ['crm.*'] })).body;
    const me = await withKey(k.key).get('/api/v1/core/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(t.ownerEmail);
    expect(me.body.permissions).toEqual(['crm.*']);
    // The key is resolved in the request's first round trip, as a user's token is: no extra statement.
    // (A first list warms what is cached per company, e.g. its custom-field definitions.)
    await t.client.get(`${C}/contacts`);
    const viaKey = await withKey(k.key).get(`${C}/contacts`);
    const viaToken = await t.client.get(`${C}/contacts`);
    expect(viaKey.headers.get('x-db-statements')).toMatch(/^\d+$/);
    expect(viaKey.headers.get('x-db-statements')).toBe(viaToken.headers.get('x-db-statements'));
    const made = await withKey(k.key).post(`${C}/contacts`, { name: 'By key' });
    expect(made.status).toBe(201);
    expect(made.body.ownerId).toBe(me.body.user.id);
    // The audit log names the key (written by the data layer in the same transaction).
    const audit = await env.sql<{ api_key_id: string | null; actor: string }>(
      "select api_key_id, actor from core_audit where tenant_id = $1 and table_name = 'crm_contact' and record_id = $2",
      [t.id, made.body.id],
    );
    expect(audit).toEqual([{ api_key_id: k.id, actor: expect.any(String) }]);
    // Sessions and MFA are a person's own: not through a key.
    expect((await withKey(k.key).get('/api/v1/core/sessions')).body.code).toBe('NOT_FOR_API_KEYS');
    expect((await withKey(k.key).post('/api/v1/core/account/mfa/enrol', {})).body.code).toBe('NOT_FOR_API_KEYS');
    const pw = await withKey(k.key).post('/api/v1/core/account/password', {
      currentPassword: t.password,
      password: 'another-long-passphrase-9',
    });
    expect(pw.status).toBe(403);
    expect(pw.body.code).toBe('NOT_FOR_API_KEYS');
  });

  it('opens the live channel and receives the events its permissions allow', async () => {
    const t = await env.tenant('keys-live', { enable: ['crm'] });
    const k = (await t.client.post(K, { name: 'Live', permissions: ['crm.contact.read'] })).body;
    const abort = new AbortController();
    const res = await fetch(`${env.url}/api/v1/core/live?access_token=${encodeURIComponent(k.key)}`, {
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (needle: string) => {
      const deadline = Date.now() + 10_000;
      while (!text.includes(needle) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      return text.includes(needle);
    };
    try {
      expect(await until(': connected')).toBe(true);
      await t.client.post(`${C}/contacts`, { name: 'Live one' });
      await env.flush();
      expect(await until('event: crm.contact.created')).toBe(true);
    } finally {
      abort.abort();
    }
    // A revoked key cannot open it again.
    await t.client.delete(`${K}/${k.id}`);
    const again = await fetch(`${env.url}/api/v1/core/live`, { headers: { authorization: `Bearer ${k.key}` } });
    expect(again.status).toBe(401);
  });

  it('a revoked key is refused at once', async () => {
    const t = await env.tenant('keys-revoke', { enable: ['crm'] });
    const k = (await t.client.post(K, { name: 'Zap', permissions: ['crm.contact.read'] })).body;
    expect((await withKey(k.key).get(`${C}/contacts`)).status).toBe(200);
    expect((await t.client.delete(`${K}/${k.id}`)).status).toBe(204);
    const after = await withKey(k.key).get(`${C}/contacts`);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('UNAUTHENTICATED');
    expect((await withKey(k.key).graphql('{ contacts { totalCount } }')).status).toBe(401);
    const listed = (await t.client.get(K)).body.data.find((x: { id: string }) => x.id === k.id);
    expect(listed.revokedAt).not.toBeNull();
  });

  it("a key never does more than its creator can now: a deactivated creator's keys stop", async () => {
    const t = await env.tenant('keys-creator', { enable: ['crm'] });
    const admin = await t.as('admin', 'adm@keys-creator.test');
    const k = (await admin.post(K, { name: 'Admin key', permissions: ['crm.contact.read'] })).body;
    expect((await withKey(k.key).get(`${C}/contacts`)).status).toBe(200);
    await env.sql("update core_user set active = false where tenant_id = $1 and email = 'adm@keys-creator.test'", [
      t.id,
    ]);
    expect((await withKey(k.key).get(`${C}/contacts`)).status).toBe(401);
  });

  it('an expired key is refused at once', async () => {
    const t = await env.tenant('keys-expire', { enable: ['crm'] });
    const soon = new Date(Date.now() + 60_000).toISOString();
    const k = (await t.client.post(K, { name: 'Short', permissions: ['crm.contact.read'], expiresAt: soon })).body;
    expect(k.expiresAt).not.toBeNull();
    expect((await withKey(k.key).get(`${C}/contacts`)).status).toBe(200);
    // Time passes (the row's expiry moves into the past; the key itself is unchanged).
    await env.sql("update core_api_key set expires_at = now() - interval '1 second' where id = $1", [k.id]);
    expect((await withKey(k.key).get(`${C}/contacts`)).status).toBe(401);
  });

  it("a key of tenant A cannot touch tenant B, even with B's id written into it", async () => {
    const a = await env.tenant('keys-a', { enable: ['crm'] });
    const b = await env.tenant('keys-b', { enable: ['crm'] });
    const secret = (await b.client.post(`${C}/contacts`, { name: 'B secret' })).body;
    const k = (await a.client.post(K, { name: 'A', permissions: ['crm.*'] })).body;
    const api = withKey(k.key);
    expect((await api.get(`${C}/contacts/${secret.id}`)).status).toBe(404);
    expect((await api.get(`${C}/contacts`)).body.data).toEqual([]);
    expect((await api.delete(`${C}/contacts/${secret.id}`)).status).toBe(404);
    // The tenant part of the key swapped for B's: no such key in B.
    const forged = `${k.key.slice(0, 40)}${b.id.replaceAll('-', '')}${k.key.slice(72)}`;
    expect(forged).not.toBe(k.key);
    expect((await withKey(forged).get(`${C}/contacts`)).status).toBe(401);
    // B's admin neither sees nor revokes A's key.
    expect((await b.client.get(K)).body.data).toEqual([]);
    expect((await b.client.delete(`${K}/${k.id}`)).status).toBe(404);
    expect((await api.get(`${C}/contacts`)).status).toBe(200);
  });

  it('the key is shown once: listing shows the prefix, never the key or its hash', async () => {
    const t = await env.tenant('keys-once', { enable: ['crm'] });
    const k = (await t.client.post(K, { name: 'Once', permissions: ['crm.contact.read'] })).body;
    const list = await t.client.get(K);
    expect(list.status).toBe(200);
    const text = JSON.stringify(list.body);
    expect(text).toContain(k.prefix);
    expect(text).not.toContain(k.key.slice(72));
    expect(list.body.data[0]).not.toHaveProperty('key');
    expect(list.body.data[0]).not.toHaveProperty('tokenHash');
    const [row] = await env.sql<{ token_hash: string }>('select token_hash from core_api_key where id = $1', [k.id]);
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(k.key).not.toContain(row?.token_hash);
  });

  it('only holders of core.apikeys.manage manage keys, and only with permissions they hold', async () => {
    const t = await env.tenant('keys-perm', { enable: ['crm'] });
    const member = await t.as('member');
    expect((await member.get(K)).status).toBe(403);
    const refused = await member.post(K, { name: 'x', permissions: ['crm.contact.read'] });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    const admin = await t.as('admin');
    const ok = await admin.post(K, { name: 'Admin key', permissions: ['crm.contact.read'] });
    expect(ok.status).toBe(201);
    // Admins hold core.* and what the CRM grants them, not '*'.
    const wider = await admin.post(K, { name: 'Too wide', permissions: ['crm.contact.read', '*'] });
    expect(wider.status).toBe(403);
    expect(wider.body.code).toBe('PERMISSION_NOT_HELD');
    expect(wider.body.message).toContain('"*"');
    expect(wider.body.details[0]).toMatchObject({ path: 'permissions/1', permission: '*' });
  });

  it('bad input answers 400 naming the field', async () => {
    const t = await env.tenant('keys-bad', { enable: ['crm'] });
    const cases: [unknown, string][] = [
      [{ permissions: ['crm.contact.read'] }, 'name'],
      [{ name: 'x' }, 'permissions'],
      [{ name: 'x', permissions: [] }, 'permissions'],
      [{ name: 'x', permissions: ['crm.contact.read'], expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ name: 'x', permissions: ['crm.contact.read'], expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
      [{ name: 'x', permissions: ['not a pattern!'] }, 'permissions/0'],
      [{ name: 'x', permissions: ['crm.contact.read'], extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await t.client.post(K, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    expect((await t.client.delete(`${K}/not-a-uuid`)).status).toBe(404);
    const garbage = await withKey('ek_live_nonsense').get(`${C}/contacts`);
    expect(garbage.status).toBe(401);
    // The right key id and tenant with another secret.
    const k = (await t.client.post(K, { name: 'Real', permissions: ['crm.contact.read'] })).body;
    expect((await withKey(k.key).get(`${C}/contacts`)).status).toBe(200);
    const last = k.key.at(-1) === 'A' ? 'B' : 'A';
    expect((await withKey(`${k.key.slice(0, -1)}${last}`).get(`${C}/contacts`)).status).toBe(401);
  });

  it('last used is written once a minute at most, not once a request', async () => {
    const t = await env.tenant('keys-used', { enable: ['crm'] });
    const k = (await t.client.post(K, { name: 'Busy', permissions: ['crm.contact.read'] })).body;
    expect(k.lastUsedAt).toBeNull();
    const api = withKey(k.key);
    const read = async () =>
      (await env.sql<{ at: Date | null }>('select last_used_at as at from core_api_key where id = $1', [k.id]))[0]?.at;
    expect((await api.get(`${C}/contacts`)).status).toBe(200);
    // Written after the answer, off the request's path.
    let first: Date | null | undefined = null;
    for (let i = 0; i < 50 && !first; i++) {
      first = await read();
      if (!first) await new Promise((r) => setTimeout(r, 20));
    }
    expect(first).toBeInstanceOf(Date);
    const [stat0] = await env.sql<{ xmin: string }>('select xmin::text from core_api_key where id = $1', [k.id]);
    for (let i = 0; i < 30; i++) expect((await api.get(`${C}/contacts`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    // The same row version: none of the 30 requests wrote it.
    const [stat1] = await env.sql<{ xmin: string }>('select xmin::text from core_api_key where id = $1', [k.id]);
    expect(stat1?.xmin).toBe(stat0?.xmin);
    expect((await read())?.getTime()).toBe(first?.getTime());
    // The stored time moved back a minute (as on another API process's clock): this process
    // wrote it less than a minute ago, so it still does not write (one write a minute per process).
    await env.sql("update core_api_key set last_used_at = now() - interval '2 minutes' where id = $1", [k.id]);
    const before = (await read())?.getTime() ?? 0;
    expect((await api.get(`${C}/contacts`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect((await read())?.getTime()).toBe(before);
  });
});
