import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';
import { fixtures } from './search-fixtures.ts';

// Saved views (kernel: core_saved_view, /api/v1/core/views) of crm's lists: visibility of private
// and shared views, who may change a shared one, the default view per user, counts under record
// rules, tenant isolation, permissions and bad input, over REST and GraphQL.

let env: TestEnv;
let acme: TestTenant;
let globex: TestTenant;
let admin: ApiClient;
let manager: ApiClient;
let rep1: ApiClient;
let rep2: ApiClient;
let noCrm: ApiClient;
const V = '/api/v1/core/views';
let n = 0;
const uniq = (s: string) => `${s} ${++n}`;

async function withRole(t: TestTenant, key: string, permissions: string[]): Promise<ApiClient> {
  const made = await t.client.post('/api/v1/core/roles', { name: key, key, permissions });
  expect([201, 409]).toContain(made.status);
  const email = `${key}-${Date.now()}@${t.slug}.test`;
  const client = await t.as('member', email);
  const users = (await t.client.get('/api/v1/core/users?limit=200')).body.data as { id: string; email: string }[];
  const res = await t.client.put(`/api/v1/core/users/${users.find((u) => u.email === email)?.id}/roles`, {
    roles: [key],
  });
  expect(res.status).toBe(200);
  return client;
}

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  const fx = fixtures(env);
  acme = await env.tenant('acme', { enable: ['crm'] });
  globex = await env.tenant('globex', { enable: ['crm'] });
  admin = await acme.as('admin');
  manager = await acme.as('manager');
  rep1 = await acme.as('member');
  rep2 = await acme.as('member');
  noCrm = await withRole(acme, 'outsider', ['core.views.share']);
  const [u1, u2] = await Promise.all([rep1, rep2].map((c) => fx.userId(c)));
  // Three London contacts: two of rep1's, one of rep2's; one Paris contact of rep1's.
  await fx.contact(acme.id, u1 as string, { name: 'Ada London', city: 'London' });
  await fx.contact(acme.id, u1 as string, { name: 'Bea London', city: 'London' });
  await fx.contact(acme.id, u2 as string, { name: 'Cy London', city: 'London' });
  await fx.contact(acme.id, u1 as string, { name: 'Di Paris', city: 'Paris' });
});
afterAll(() => env?.close());

const view = (over: Record<string, unknown> = {}) => ({
  list: 'crm.contacts',
  name: uniq('London'),
  filters: { city: 'London' },
  columns: [{ field: 'name', width: 240 }, { field: 'city' }, { field: 'email', width: 300 }],
  sort: '-createdAt',
  density: 'compact',
  ...over,
});
const namesIn = async (c: ApiClient, list = 'crm.contacts') => {
  const res = await c.get(`${V}?list=${list}`);
  expect(res.status).toBe(200);
  return (res.body.data as { name: string }[]).map((v) => v.name);
};

describe('saved views', () => {
  it('keeps a private view its owner’s and shows a shared one to everyone with the list', async () => {
    const mine = await rep1.post(V, view({ name: uniq('Mine') }));
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({
      list: 'crm.contacts',
      shared: false,
      filters: { city: 'London' },
      columns: [{ field: 'name', width: 240 }, { field: 'city' }, { field: 'email', width: 300 }],
      sort: '-createdAt',
      density: 'compact',
      canEdit: true,
      isDefault: false,
    });
    const shared = await manager.post(V, view({ name: uniq('Team London'), shared: true }));
    expect(shared.status).toBe(201);

    expect(await namesIn(rep1)).toEqual(expect.arrayContaining([mine.body.name, shared.body.name]));
    const others = await namesIn(rep2);
    expect(others).toContain(shared.body.name);
    expect(others).not.toContain(mine.body.name);
    // Someone else's private view does not exist for them.
    expect((await rep2.get(`${V}/${mine.body.id}`)).status).toBe(404);
    expect((await rep2.patch(`${V}/${mine.body.id}`, { name: 'taken' })).status).toBe(404);
    expect((await rep2.get(`${V}/${shared.body.id}`)).body).toMatchObject({ shared: true, canEdit: false });
  });

  it('lets only the owner or an administrator change or delete a shared view', async () => {
    const shared = (await manager.post(V, view({ shared: true }))).body as { id: string };
    const refused = await rep1.patch(`${V}/${shared.id}`, { name: 'Hijacked' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('VIEW_NOT_OWNER');
    expect((await rep1.delete(`${V}/${shared.id}`)).status).toBe(403);
    expect((await rep2.get(`${V}/${shared.id}`)).body.name).not.toBe('Hijacked');

    const renamed = await manager.patch(`${V}/${shared.id}`, {
      name: 'Renamed by owner',
      columns: [{ field: 'email' }, { field: 'name', width: 200 }],
      sort: null,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: 'Renamed by owner',
      sort: null,
      columns: [{ field: 'email' }, { field: 'name', width: 200 }],
    });
    const byAdmin = await admin.patch(`${V}/${shared.id}`, { name: 'Renamed by admin' });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.canEdit).toBe(true);
    expect((await admin.delete(`${V}/${shared.id}`)).status).toBe(204);
    expect((await manager.get(`${V}/${shared.id}`)).status).toBe(404);
  });

  it('needs core.views.share to share (members hold it not, managers do)', async () => {
    const res = await rep1.post(V, view({ shared: true }));
    expect(res.status).toBe(403);
    const own = (await rep1.post(V, view())).body as { id: string };
    expect((await rep1.patch(`${V}/${own.id}`, { shared: true })).status).toBe(403);
    expect((await rep1.patch(`${V}/${own.id}`, { name: uniq('Still private') })).status).toBe(200);
  });

  it('keeps a default view per user and list', async () => {
    const a = (await rep1.post(V, view())).body as { id: string };
    const shared = (await manager.post(V, view({ shared: true }))).body as { id: string };
    const set = await rep1.put(`${V}/default`, { list: 'crm.contacts', viewId: a.id });
    expect(set.body).toEqual({ list: 'crm.contacts', viewId: a.id });
    expect((await rep2.put(`${V}/default`, { list: 'crm.contacts', viewId: shared.id })).status).toBe(200);
    const defaults = async (c: ApiClient) =>
      ((await c.get(`${V}?list=crm.contacts`)).body.data as { id: string; isDefault: boolean }[])
        .filter((v) => v.isDefault)
        .map((v) => v.id);
    expect(await defaults(rep1)).toEqual([a.id]);
    expect(await defaults(rep2)).toEqual([shared.id]);
    // Another default replaces it; null clears it.
    await rep1.put(`${V}/default`, { list: 'crm.contacts', viewId: shared.id });
    expect(await defaults(rep1)).toEqual([shared.id]);
    expect(await defaults(rep2)).toEqual([shared.id]);
    await rep1.put(`${V}/default`, { list: 'crm.contacts', viewId: null });
    expect(await defaults(rep1)).toEqual([]);
    // A view of another list is not a default of this one; someone else's private view is not found.
    const lead = (await rep1.post(V, { list: 'crm.leads', name: uniq('Leads'), filters: { status: 'new' } })).body;
    const wrong = await rep1.put(`${V}/default`, { list: 'crm.contacts', viewId: lead.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details[0].path).toBe('viewId');
    expect((await rep2.put(`${V}/default`, { list: 'crm.leads', viewId: lead.id })).status).toBe(404);
  });

  it('counts a view’s rows in SQL under each caller’s record rules', async () => {
    const shared = (await manager.post(V, view({ shared: true, name: uniq('Counted') }))).body as { id: string };
    const countFor = async (c: ApiClient) => {
      const res = await c.get(`${V}?list=crm.contacts&counts=true`);
      return (res.body.data as { id: string; count: number | null }[]).find((v) => v.id === shared.id)?.count;
    };
    expect(await countFor(admin)).toBe(3);
    expect(await countFor(rep1)).toBe(2);
    expect(await countFor(rep2)).toBe(1);
    expect((await rep1.get(`${V}/${shared.id}?counts=true`)).body.count).toBe(2);
    // Without counts=true, no count.
    expect((await rep1.get(`${V}/${shared.id}`)).body.count).toBeNull();
    // Companies: the list's own kind filter is part of the count.
    const companies = (
      await admin.post(V, { list: 'crm.companies', name: uniq('London firms'), filters: { city: 'London' } })
    ).body;
    expect((await admin.get(`${V}/${companies.id}?counts=true`)).body.count).toBe(0);
  });

  it('keeps tenants apart', async () => {
    const shared = (await manager.post(V, view({ shared: true }))).body as { id: string };
    const other = globex.client;
    expect((await other.get(`${V}/${shared.id}`)).status).toBe(404);
    expect((await other.patch(`${V}/${shared.id}`, { name: 'x' })).status).toBe(404);
    expect((await other.delete(`${V}/${shared.id}`)).status).toBe(404);
    expect((await other.get(`${V}?list=crm.contacts`)).body.data).toEqual([]);
    expect((await other.put(`${V}/default`, { list: 'crm.contacts', viewId: shared.id })).status).toBe(404);
    const gql = await other.graphql('query($id: ID!) { savedView(id: $id) { id } }', { id: shared.id });
    expect(gql.body.errors?.[0]?.extensions?.code).toBe('VIEW_NOT_FOUND');
  });

  it('needs the list’s read permission (403), and an enabled addon’s list (404)', async () => {
    const res = await noCrm.get(`${V}?list=crm.contacts`);
    expect(res.status).toBe(403);
    expect((await noCrm.post(V, view())).status).toBe(403);
    const gql = await noCrm.graphql('{ savedViews(list: "crm.contacts") { id } }');
    expect(gql.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await rep1.post(V, view({ list: 'crm.nothing' }));
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('LIST_NOT_FOUND');
    expect((await rep1.get(`${V}/lists`)).body.data.map((l: { id: string }) => l.id)).toEqual(
      expect.arrayContaining(['crm.contacts', 'crm.companies', 'crm.leads', 'crm.opportunities']),
    );
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [view({ filters: { email: 'a@b.c', colour: 'red' } }), 'filters.colour'],
      [view({ filters: { companyId: 'not-a-uuid' } }), 'filters.companyId'],
      [view({ list: 'crm.leads', filters: { city: 'London' } }), 'filters.city'],
      [view({ sort: 'favourite' }), 'sort'],
      [view({ columns: [{ field: 'name' }, { field: 'name' }] }), 'columns.1.field'],
      [view({ columns: [{ field: 'drop table' }] }), 'columns.0.field'],
      [view({ columns: [{ field: 'name', width: 5 }] }), 'columns.0.width'],
      [view({ density: 'tight' }), 'density'],
      [view({ name: '   ' }), 'name'],
      [view({ owner: 'me' }), 'owner'],
      [{ name: 'No list' }, 'list'],
    ];
    for (const [body, path] of cases) {
      const res = await rep1.post(V, body);
      expect(res.status, path).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const own = (await rep1.post(V, view())).body as { id: string };
    const move = await rep1.patch(`${V}/${own.id}`, { list: 'crm.leads' });
    expect(move.status).toBe(400);
    expect(move.body.details[0].path).toBe('list');
    expect((await rep1.get(`${V}/not-a-uuid`)).status).toBe(404);
    expect((await rep1.get(`${V}`)).status).toBe(400);
  });

  it('does the same over GraphQL', async () => {
    const made = await manager.graphql(
      `mutation($input: CreateSavedViewInput!) { createSavedView(input: $input) { id name shared filters columns { field width } density } }`,
      {
        input: {
          list: 'crm.contacts',
          name: uniq('GraphQL London'),
          shared: true,
          filters: { city: 'London' },
          columns: [{ field: 'name', width: 180 }],
          density: 'compact',
        },
      },
    );
    expect(made.body.errors).toBeUndefined();
    const id = made.body.data.createSavedView.id as string;
    expect(made.body.data.createSavedView).toMatchObject({
      shared: true,
      filters: { city: 'London' },
      columns: [{ field: 'name', width: 180 }],
      density: 'compact',
    });

    const read = await rep1.graphql('query { savedViews(list: "crm.contacts", counts: true) { id count canEdit } }');
    expect(read.body.data.savedViews.find((v: { id: string }) => v.id === id)).toEqual({
      id,
      count: 2,
      canEdit: false,
    });
    const refused = await rep1.graphql('mutation($id: ID!) { updateSavedView(id: $id, input: { name: "x" }) { id } }', {
      id,
    });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('VIEW_NOT_OWNER');
    const bad = await manager.graphql(
      'mutation($id: ID!) { updateSavedView(id: $id, input: { filters: { colour: "red" } }) { id } }',
      { id },
    );
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const dflt = await rep1.graphql(
      'mutation($id: ID!) { setDefaultSavedView(list: "crm.contacts", viewId: $id) { id isDefault } }',
      { id },
    );
    expect(dflt.body.data.setDefaultSavedView).toEqual({ id, isDefault: true });
    const gone = await admin.graphql('mutation($id: ID!) { deleteSavedView(id: $id) }', { id });
    expect(gone.body.data.deleteSavedView).toBe(true);
    expect((await rep1.get(`${V}/${id}`)).status).toBe(404);
  });

  /** The tenant's crm as it was before 1.1.0 (the deployment scans tenants whose version lags). */
  const backTo100 = async (tenantId: string) => {
    await env.sql("update core_tenant_addon set version = '1.0.0' where tenant_id = $1 and addon_id = 'crm'", [
      tenantId,
    ]);
    await env.sql("delete from core_tenant_addon_step where tenant_id = $1 and addon_id = 'crm'", [tenantId]);
    await env.sql("update core_addon_install set tenants_version = '1.0.0' where addon_id = 'crm'");
  };

  it('turns existing segments into views once, when crm is upgraded to 1.1.0', async () => {
    const t = await env.tenant(`segs-${Date.now()}`, { enable: ['crm'] });
    const boss = await t.as('manager');
    const rep = await t.as('member');
    const london = await boss.post('/api/v1/crm/segments', {
      name: 'London (segment)',
      target: 'contact',
      filter: { city: 'London', tagIds: [] },
      shared: true,
    });
    const mine = await rep.post('/api/v1/crm/segments', {
      name: 'Hot leads',
      target: 'lead',
      filter: { minScore: 10, source: 'web' },
    });
    expect([london.status, mine.status]).toEqual([201, 201]);
    await rep.post('/api/v1/crm/contacts', { kind: 'person', firstName: 'Lo', lastName: 'Ndon', city: 'London' });
    // The tenant as it was before 1.1.0.
    await backTo100(t.id);
    expect(await env.sql('select 1 from core_saved_view where tenant_id = $1', [t.id])).toEqual([]);

    await env.admin.migrate();
    const views = (await rep.get(`${V}?list=crm.contacts&counts=true`)).body.data as {
      id: string;
      name: string;
      shared: boolean;
      filters: object;
      count: number;
    }[];
    expect(views).toEqual([
      expect.objectContaining({
        id: london.body.id,
        name: 'London (segment)',
        shared: true,
        filters: { city: 'London' },
        count: 1,
      }),
    ]);
    const leads = (await rep.get(`${V}?list=crm.leads`)).body.data;
    expect(leads).toEqual([
      expect.objectContaining({ name: 'Hot leads', shared: false, filters: { minScore: '10', source: 'web' } }),
    ]);
    // Its owner's private segment stays private.
    expect((await boss.get(`${V}?list=crm.leads`)).body.data).toEqual([]);

    // Once: a second run (another upgrade pass) copies nothing again.
    await backTo100(t.id);
    await env.admin.migrate();
    expect((await env.sql('select id from core_saved_view where tenant_id = $1', [t.id])).length).toBe(2);
  });
});
