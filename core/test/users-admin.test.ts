import { createModelTableSql, defineAddon, defineModel, definePermissions, f, Migration } from '@elevate/sdk';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Users, roles and teams administration (docs/administration.md): every route needs
// core.users.manage, acts on the caller's company only, and takes effect on the next request.

const Note = defineModel({ name: 'notes.note', owned: true, fields: { text: f.string({ required: true }) } });
const Tag = defineModel({ name: 'notes.tag', owned: true, fields: { label: f.string({ required: true }) } });
class NotesInit extends Migration {
  override up(): void {
    for (const s of [...createModelTableSql(Note), ...createModelTableSql(Tag)]) this.addSql(s);
    // A tag labelled 'locked' refuses a change of owner: the reassignment test's failure in the middle.
    this.addSql(`create function notes_tag_locked() returns trigger language plpgsql as $$
      begin if new.label = 'locked' and new.owner_id is distinct from old.owner_id then
        raise exception 'tag is locked'; end if; return new; end $$`);
    this.addSql(
      'create trigger notes_tag_locked before update on notes_tag for each row execute function notes_tag_locked()',
    );
  }
}
const notes = defineAddon({
  id: 'notes',
  title: 'Notes',
  version: '1.0.0',
  description: 'test',
  category: 'test',
  platform: '^1.0.0',
  models: [Note, Tag],
  migrations: [NotesInit],
  permissions: definePermissions({
    'notes.note.read': { title: 'Read notes', grant: ['admin', 'manager@team', 'member@own'] },
    'notes.note.write': { title: 'Write notes', grant: ['admin', 'manager@team', 'member@own'] },
    'notes.note.delete': { title: 'Delete notes' },
    'notes.report.view': { title: 'See the notes report', grant: ['admin'] },
  }),
  rest: (r) => {
    r.get('/notes', {}, async ({ ctx }) => {
      const repo = await ctx.scoped(Note, 'notes.note.read');
      return (await repo.find({ orderBy: [{ field: 'text' }] })).map((m) => m.text);
    });
    r.post<Record<string, string>, { text: string }>('/notes', {}, async ({ ctx, body }) => {
      const repo = await ctx.scoped(Note, 'notes.note.write');
      return { status: 201, body: await repo.insert(body) };
    });
    r.post<Record<string, string>, { label: string }>('/tags', {}, async ({ ctx, body }) => {
      const repo = await ctx.scoped(Tag, 'notes.note.write');
      return { status: 201, body: await repo.insert(body) };
    });
  },
});

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({
    addons: [notes],
    workers: false,
    env: { THROTTLE_ACCOUNT_KEY: '3/60', THROTTLE_ACCOUNT_IP: '5/60', TRUST_PROXY: '1' },
  });
});
afterAll(() => env?.close());

let n = 0;
/** A fresh company with the notes addon, so each test owns its data whatever the order. */
const company = () => env.tenant(`users-${++n}`, { enable: ['notes'] });
const idOf = async (t: TestTenant, email: string) => {
  const rows = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1 and email = $2', [
    t.id,
    email,
  ]);
  return rows[0]?.id as string;
};
const roleId = async (t: TestTenant, key: string) => {
  const rows = await env.sql<{ id: string }>('select id from core_role where tenant_id = $1 and key = $2', [t.id, key]);
  return rows[0]?.id as string;
};
const paths = (body: { details?: { path?: string }[] }) => (body.details ?? []).map((d) => d.path);
const login = (t: TestTenant, email: string) =>
  env.anonymous().post('/api/v1/auth/login', { tenant: t.slug, email, password: t.password });

describe('users', () => {
  it('lists users with roles, active and last login (recorded on sign-in)', async () => {
    const t = await company();
    await t.as('member', 'mo@u.test');
    const before = await t.client.get('/api/v1/core/users');
    expect(before.status).toBe(200);
    const mo = before.body.data.find((u: { email: string }) => u.email === 'mo@u.test');
    expect(mo).toMatchObject({ name: 'mo', active: true, roles: ['member'] });
    const at = mo.lastLoginAt;
    expect(Date.parse(at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await login(t, 'mo@u.test')).status).toBe(200);
    const after = (await t.client.get('/api/v1/core/users')).body.data.find(
      (u: { email: string }) => u.email === 'mo@u.test',
    );
    expect(Date.parse(after.lastLoginAt)).toBeGreaterThan(Date.parse(at));
    expect(before.body.data.map((u: { email: string }) => u.email).sort()).toEqual(['mo@u.test', t.ownerEmail].sort());
  });

  it('a role change shows in the user’s very next request', async () => {
    const t = await company();
    const member = await t.as('member', 'ria@u.test');
    expect((await member.get('/api/v1/core/me')).body.permissions).not.toContain('notes.report.view');
    const res = await t.client.put(`/api/v1/core/users/${await idOf(t, 'ria@u.test')}/roles`, {
      roles: ['member', 'admin'],
    });
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual(['admin', 'member']);
    const me = await member.get('/api/v1/core/me');
    expect(me.body.permissions).toContain('notes.report.view');
    expect(me.body.permissions).toContain('core.*');
    // The same token; the patterns are read in the request's first round trip (no extra statement).
    expect(Number(me.headers.get('x-db-statements'))).toBe(1);
  });

  it('deactivating refuses the user’s token at once; reactivating needs a new sign-in', async () => {
    const t = await company();
    const dee = await t.as('member', 'dee@u.test');
    expect((await dee.get('/api/v1/core/me')).status).toBe(200);
    const id = await idOf(t, 'dee@u.test');
    const off = await t.client.post(`/api/v1/core/users/${id}/deactivate`);
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await dee.get('/api/v1/core/me')).status).toBe(401);
    expect((await login(t, 'dee@u.test')).status).toBe(401);
    expect((await t.client.post(`/api/v1/core/users/${id}/reactivate`)).body.active).toBe(true);
    // The old session was revoked with the deactivation: its token stays refused.
    expect((await dee.get('/api/v1/core/me')).status).toBe(401);
    expect((await login(t, 'dee@u.test')).status).toBe(200);
  });

  it('keeps the last active owner: not demoted, not deactivated (409 LAST_OWNER)', async () => {
    const t = await company();
    const ownerId = await idOf(t, t.ownerEmail);
    const admin = await t.as('admin', 'ada@u.test');
    const demote = await t.client.put(`/api/v1/core/users/${ownerId}/roles`, { roles: ['admin'] });
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe('LAST_OWNER');
    const off = await admin.post(`/api/v1/core/users/${ownerId}/deactivate`);
    expect(off.status).toBe(409);
    expect(off.body.code).toBe('LAST_OWNER');
    expect((await t.client.post(`/api/v1/core/users/${ownerId}/deactivate`)).body.code).toBe('CANNOT_DEACTIVATE_SELF');
    // An admin cannot hand out ownership (it grants more than they hold)...
    const adaId = await idOf(t, 'ada@u.test');
    const grab = await admin.put(`/api/v1/core/users/${adaId}/roles`, { roles: ['owner'] });
    expect(grab.status).toBe(403);
    expect(grab.body.code).toBe('PERMISSION_NOT_HELD');
    // ...the owner can; then the first owner may step down.
    expect((await t.client.put(`/api/v1/core/users/${adaId}/roles`, { roles: ['owner'] })).status).toBe(200);
    expect((await t.client.put(`/api/v1/core/users/${ownerId}/roles`, { roles: ['admin'] })).status).toBe(200);
    const ada = await admin.put(`/api/v1/core/users/${adaId}/roles`, { roles: ['admin'] });
    expect(ada.body.code).toBe('LAST_OWNER');
  });

  it('reassigns every owned record of a leaver, across models, to another user', async () => {
    const t = await company();
    const leo = await t.as('member', 'leo@u.test');
    const sam = await t.as('member', 'sam@u.test');
    for (const text of ['l1', 'l2']) expect((await leo.post('/api/v1/notes/notes', { text })).status).toBe(201);
    expect((await leo.post('/api/v1/notes/tags', { label: 'x' })).status).toBe(201);
    expect((await sam.post('/api/v1/notes/notes', { text: 's1' })).status).toBe(201);
    const [leoId, samId] = [await idOf(t, 'leo@u.test'), await idOf(t, 'sam@u.test')];
    expect((await t.client.post(`/api/v1/core/users/${leoId}/deactivate`)).status).toBe(200);
    const res = await t.client.post(`/api/v1/core/users/${leoId}/reassign`, { to: samId });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ moved: { 'notes.note': 2, 'notes.tag': 1 }, total: 3 });
    expect((await sam.get('/api/v1/notes/notes')).body).toEqual(['l1', 'l2', 's1']);
    expect(await env.sql('select 1 from notes_tag where tenant_id = $1 and owner_id = $2', [t.id, leoId])).toEqual([]);
    // To a deactivated user or nobody: 400 naming `to`.
    const back = await t.client.post(`/api/v1/core/users/${samId}/reassign`, { to: leoId });
    expect(back.status).toBe(400);
    expect(paths(back.body)).toEqual(['to']);
  });

  it('reassigns all or nothing: a failure in the second model leaves the first untouched', async () => {
    const t = await company();
    const lou = await t.as('member', 'lou@u.test');
    await t.as('member', 'kim@u.test');
    expect((await lou.post('/api/v1/notes/notes', { text: 'n1' })).status).toBe(201);
    expect((await lou.post('/api/v1/notes/tags', { label: 'locked' })).status).toBe(201);
    const [louId, kimId] = [await idOf(t, 'lou@u.test'), await idOf(t, 'kim@u.test')];
    const res = await t.client.post(`/api/v1/core/users/${louId}/reassign`, { to: kimId });
    expect(res.status).toBe(500);
    const owners = await env.sql<{ owner_id: string }>(
      'select owner_id from notes_note where tenant_id = $1 union all select owner_id from notes_tag where tenant_id = $1',
      [t.id],
    );
    expect(owners.map((o) => o.owner_id)).toEqual([louId, louId]);
  });

  it('answers bad input with 400 naming the field', async () => {
    const t = await company();
    const id = await idOf(t, t.ownerEmail);
    const cases: [string, string, unknown, string][] = [
      ['put', `/api/v1/core/users/${id}/roles`, { roles: 'admin' }, 'roles'],
      ['put', `/api/v1/core/users/${id}/roles`, { roles: ['owner', 'nope'] }, 'roles'],
      ['put', `/api/v1/core/users/${id}/roles`, {}, 'roles'],
      ['post', `/api/v1/core/users/${id}/reassign`, { to: 'nope' }, 'to'],
      ['post', '/api/v1/core/roles', { name: 'R', permissions: ['notes.nothing.read'] }, 'permissions.0'],
      ['post', '/api/v1/core/roles', { name: 'R', permissions: ['notes.report.view@own'] }, 'permissions.0'],
      ['post', '/api/v1/core/roles', { name: 'R', permissions: ['*'] }, 'permissions.0'],
      ['post', '/api/v1/core/roles', { name: 'R', key: 'Bad Key' }, 'key'],
      ['post', '/api/v1/core/roles', { permissions: [] }, 'name'],
      ['post', '/api/v1/core/teams', { name: 'T', memberIds: ['00000000-0000-4000-8000-000000000000'] }, 'memberIds.0'],
      ['post', '/api/v1/core/teams', { name: 'T', managerId: 'x' }, 'managerId'],
      ['post', '/api/v1/core/teams', { name: '' }, 'name'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await (method === 'put' ? t.client.put(path, body) : t.client.post(path, body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(paths(res.body), JSON.stringify(body)).toContain(field);
    }
  });

  it('a member without core.users.manage gets 403 on every route', async () => {
    const t = await company();
    const member = await t.as('member', 'mem@u.test');
    const id = await idOf(t, t.ownerEmail);
    const calls = [
      member.get('/api/v1/core/users'),
      member.put(`/api/v1/core/users/${id}/roles`, { roles: ['member'] }),
      member.post(`/api/v1/core/users/${id}/deactivate`),
      member.post(`/api/v1/core/users/${id}/reactivate`),
      member.post(`/api/v1/core/users/${id}/reassign`, { to: id }),
      member.get('/api/v1/core/permissions'),
      member.get('/api/v1/core/roles'),
      member.post('/api/v1/core/roles', { name: 'x' }),
      member.patch(`/api/v1/core/roles/${await roleId(t, 'member')}`, { name: 'x' }),
      member.delete(`/api/v1/core/roles/${await roleId(t, 'member')}`),
      member.get('/api/v1/core/teams'),
      member.post('/api/v1/core/teams', { name: 'x' }),
      member.patch('/api/v1/core/teams/00000000-0000-4000-8000-000000000000', { name: 'x' }),
      member.delete('/api/v1/core/teams/00000000-0000-4000-8000-000000000000'),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(403);
      expect(res.body.message).toBe('Missing permission: core.users.manage');
    }
  });
});

/** An open live channel: what it received, and whether the server ended it. */
async function liveStream(client: ApiClient) {
  const res = await fetch(`${env.url}/api/v1/core/live`, { headers: { authorization: `Bearer ${client.token}` } });
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const s = { text: '', ended: false, cancel: () => reader.cancel().catch(() => {}) };
  void (async () => {
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      s.text += decoder.decode(value, { stream: true });
    }
    s.ended = true;
  })();
  await vi.waitFor(() => expect(s.text).toContain(': connected'), { timeout: 5000 });
  return s;
}

describe('live channel', () => {
  it("a role change ends that user's open live stream (it reconnects with the new access); others stay", async () => {
    const t = await company();
    const lia = await t.as('member', 'lia@u.test');
    const max = await t.as('member', 'max@u.test');
    const [a, b] = [await liveStream(lia), await liveStream(max)];
    try {
      const res = await t.client.put(`/api/v1/core/users/${await idOf(t, 'lia@u.test')}/roles`, { roles: ['manager'] });
      expect(res.status).toBe(200);
      await vi.waitFor(() => expect(a.ended).toBe(true), { timeout: 5000 });
      expect(a.text).toContain('event: access-changed');
      expect(b.ended).toBe(false);
      // A team change may change what anyone sees: every stream of the company reconnects.
      expect((await t.client.post('/api/v1/core/teams', { name: 'Any' })).status).toBe(201);
      await vi.waitFor(() => expect(b.ended).toBe(true), { timeout: 5000 });
    } finally {
      a.cancel();
      b.cancel();
    }
  });
});

describe('roles', () => {
  it('lists the permission table of the enabled addons with record scopes', async () => {
    const t = await company();
    const res = await t.client.get('/api/v1/core/permissions');
    expect(res.body.data.map((g: { addon: string }) => g.addon)).toEqual(['core', 'notes']);
    const rows = res.body.data[1].permissions;
    expect(rows).toContainEqual({ key: 'notes.note.read', title: 'Read notes', scopes: ['all', 'team', 'own'] });
    expect(rows).toContainEqual({ key: 'notes.report.view', title: 'See the notes report', scopes: ['all'] });
    await env.admin.disableAddon(t.id, 'notes');
    const off = await t.client.get('/api/v1/core/permissions');
    expect(off.body.data.map((g: { addon: string }) => g.addon)).toEqual(['core']);
  });

  it('creates, edits and deletes a custom role; its change applies on the next request', async () => {
    const t = await company();
    const ivy = await t.as('member', 'ivy@u.test');
    const other = await t.as('member', 'oz@u.test');
    expect((await other.post('/api/v1/notes/notes', { text: 'o1' })).status).toBe(201);
    expect((await ivy.post('/api/v1/notes/notes', { text: 'i1' })).status).toBe(201);
    const created = await t.client.post('/api/v1/core/roles', {
      name: 'Note reader',
      permissions: ['notes.note.read@own'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'note-reader', seeded: false, editable: true, userCount: 0 });
    const ivyId = await idOf(t, 'ivy@u.test');
    expect((await t.client.put(`/api/v1/core/users/${ivyId}/roles`, { roles: ['note-reader'] })).status).toBe(200);
    expect((await ivy.get('/api/v1/notes/notes')).body).toEqual(['i1']);
    const edit = await t.client.patch(`/api/v1/core/roles/${created.body.id}`, { permissions: ['notes.note.read'] });
    expect(edit.body.permissions).toEqual(['notes.note.read']);
    expect((await ivy.get('/api/v1/notes/notes')).body).toEqual(['i1', 'o1']);
    const inUse = await t.client.delete(`/api/v1/core/roles/${created.body.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('ROLE_IN_USE');
    expect((await t.client.put(`/api/v1/core/users/${ivyId}/roles`, { roles: ['member'] })).status).toBe(200);
    expect((await t.client.delete(`/api/v1/core/roles/${created.body.id}`)).status).toBe(204);
    const dup = await t.client.post('/api/v1/core/roles', { name: 'Member' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('ROLE_KEY_TAKEN');
  });

  it('keeps the seeded roles: none deletable, the owner role fixed, the others editable', async () => {
    const t = await company();
    for (const key of ['owner', 'admin', 'manager', 'member']) {
      const res = await t.client.delete(`/api/v1/core/roles/${await roleId(t, key)}`);
      expect(res.status, key).toBe(409);
      expect(res.body.code).toBe('ROLE_SEEDED');
    }
    const owner = await t.client.patch(`/api/v1/core/roles/${await roleId(t, 'owner')}`, { permissions: [] });
    expect(owner.body.code).toBe('ROLE_OWNER_FIXED');
    const member = await t.client.patch(`/api/v1/core/roles/${await roleId(t, 'member')}`, {
      permissions: ['notes.note.read@team'],
    });
    expect(member.status).toBe(200);
    expect(member.body.permissions).toEqual(['notes.note.read@team']);
    const list = (await t.client.get('/api/v1/core/roles')).body.data;
    expect(list.map((r: { key: string }) => r.key)).toEqual(['owner', 'admin', 'manager', 'member']);
  });

  it('nobody grants what they do not hold', async () => {
    const t = await company();
    const admin = await t.as('admin', 'adm@u.test');
    // The admin holds core.* and the notes grants for admins, not notes.note.delete.
    const res = await admin.post('/api/v1/core/roles', { name: 'Deleter', permissions: ['notes.note.delete'] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('PERMISSION_NOT_HELD');
    expect(
      (await t.client.post('/api/v1/core/roles', { name: 'Deleter', permissions: ['notes.note.delete'] })).status,
    ).toBe(201);
    expect((await admin.post('/api/v1/core/roles', { name: 'Reader', permissions: ['notes.note.read'] })).status).toBe(
      201,
    );
  });
});

describe('teams', () => {
  it('moving a user between teams changes what a manager sees on the next request', async () => {
    const t = await company();
    const mia = await t.as('manager', 'mia@u.test');
    const al = await t.as('member', 'al@u.test');
    const bo = await t.as('member', 'bo@u.test');
    expect((await al.post('/api/v1/notes/notes', { text: 'a1' })).status).toBe(201);
    expect((await bo.post('/api/v1/notes/notes', { text: 'b1' })).status).toBe(201);
    const [miaId, alId, boId] = [await idOf(t, 'mia@u.test'), await idOf(t, 'al@u.test'), await idOf(t, 'bo@u.test')];
    const north = await t.client.post('/api/v1/core/teams', { name: 'North', managerId: miaId, memberIds: [alId] });
    expect(north.status).toBe(201);
    expect(north.body.memberIds.sort()).toEqual([miaId, alId].sort());
    const south = await t.client.post('/api/v1/core/teams', { name: 'South', memberIds: [boId] });
    expect((await mia.get('/api/v1/notes/notes')).body).toEqual(['a1']);
    // Al moves to South, Bo to North.
    expect((await t.client.patch(`/api/v1/core/teams/${south.body.id}`, { memberIds: [alId] })).status).toBe(200);
    expect((await t.client.patch(`/api/v1/core/teams/${north.body.id}`, { memberIds: [boId] })).status).toBe(200);
    expect((await mia.get('/api/v1/notes/notes')).body).toEqual(['b1']);
    const list = (await t.client.get('/api/v1/core/teams')).body.data;
    expect(list.map((x: { name: string; managerId: string | null }) => [x.name, x.managerId])).toEqual([
      ['North', miaId],
      ['South', null],
    ]);
    const dup = await t.client.post('/api/v1/core/teams', { name: 'North' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('TEAM_NAME_TAKEN');
    expect((await t.client.delete(`/api/v1/core/teams/${north.body.id}`)).status).toBe(204);
    expect((await mia.get('/api/v1/notes/notes')).body).toEqual([]);
  });
});

describe('isolation', () => {
  it("tenant B's admin can do none of this to tenant A (404), and sees only B", async () => {
    const a = await company();
    const b = await company();
    await a.as('member', 'victim@u.test');
    const victim = await idOf(a, 'victim@u.test');
    const aOwner = await idOf(a, a.ownerEmail);
    const bOwner = await idOf(b, b.ownerEmail);
    const aRole = (await a.client.post('/api/v1/core/roles', { name: 'Secret' })).body.id;
    const aTeam = (await a.client.post('/api/v1/core/teams', { name: 'A team', memberIds: [victim] })).body.id;
    const calls = [
      b.client.put(`/api/v1/core/users/${victim}/roles`, { roles: ['admin'] }),
      b.client.post(`/api/v1/core/users/${victim}/deactivate`),
      b.client.post(`/api/v1/core/users/${victim}/reactivate`),
      b.client.post(`/api/v1/core/users/${victim}/reassign`, { to: bOwner }),
      b.client.patch(`/api/v1/core/roles/${aRole}`, { name: 'Mine' }),
      b.client.delete(`/api/v1/core/roles/${aRole}`),
      b.client.patch(`/api/v1/core/teams/${aTeam}`, { name: 'Mine' }),
      b.client.delete(`/api/v1/core/teams/${aTeam}`),
    ];
    for (const res of await Promise.all(calls)) expect(res.status).toBe(404);
    // A's users cannot be pulled into B's team or handed B's records.
    const pull = await b.client.post('/api/v1/core/teams', { name: 'B team', memberIds: [victim] });
    expect(pull.status).toBe(400);
    expect((await b.client.post(`/api/v1/core/users/${bOwner}/reassign`, { to: aOwner })).status).toBe(400);
    const users = (await b.client.get('/api/v1/core/users')).body.data.map((u: { email: string }) => u.email);
    expect(users).toEqual([b.ownerEmail]);
    expect((await b.client.get('/api/v1/core/roles')).body.data.map((r: { name: string }) => r.name)).not.toContain(
      'Secret',
    );
    expect((await b.client.get('/api/v1/core/teams')).body.data).toEqual([]);
    // Nothing changed in A.
    const still = (await a.client.get('/api/v1/core/users')).body.data.find((u: { id: string }) => u.id === victim);
    expect(still).toMatchObject({ active: true, roles: ['member'] });
    expect((await a.client.get('/api/v1/core/teams')).body.data[0]).toMatchObject({
      name: 'A team',
      memberIds: [victim],
    });
  });
});

describe('account route limits', () => {
  it('forgot password: the 4th request for one account is 429 with Retry-After; others still pass', async () => {
    const t = await company();
    const ask = (email: string, ip: string) =>
      env
        .anonymous()
        .request('POST', '/api/v1/auth/password/forgot', { tenant: t.slug, email }, { 'x-forwarded-for': ip });
    for (let i = 0; i < 3; i++) expect((await ask(t.ownerEmail, `10.9.0.${i + 1}`)).status).toBe(202);
    const blocked = await ask(t.ownerEmail, '10.9.0.9');
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
    const retry = Number(blocked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    // Another account is not held back by this one.
    expect((await ask('someone@else.test', '10.9.1.1')).status).toBe(202);
  });

  it('invitation preview: the 6th call from one address is 429, over any links', async () => {
    const t = await company();
    const preview = (i: number) =>
      env
        .anonymous()
        .request(
          'GET',
          `/api/v1/auth/invitations/preview?token=${t.id}.0000000${i}-0000-4000-8000-000000000000.x`,
          undefined,
          {
            'x-forwarded-for': '10.8.0.1',
          },
        );
    for (let i = 0; i < 5; i++) expect((await preview(i)).status).toBe(400);
    const blocked = await preview(6);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
