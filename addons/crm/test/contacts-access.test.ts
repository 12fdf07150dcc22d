import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// Who may see and change which contacts: tenants, record rules, permissions.
let env: TestEnv;
const C = '/api/v1/crm';

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
});
afterAll(() => env?.close());

const names = (res: { body: { data: { name: string }[] } }) => res.body.data.map((c) => c.name).sort();

describe('tenant isolation', () => {
  it("another tenant's contact is 404 over REST and absent over GraphQL", async () => {
    const a = await env.tenant('iso-a', { enable: ['crm'] });
    const b = await env.tenant('iso-b', { enable: ['crm'] });
    const { body: secret } = await a.client.post(`${C}/contacts`, { name: 'Secret' });
    const tag = (await b.client.post(`${C}/tags`, { name: 'b-tag' })).body;

    expect((await b.client.get(`${C}/contacts/${secret.id}`)).status).toBe(404);
    expect((await b.client.patch(`${C}/contacts/${secret.id}`, { name: 'Mine' })).status).toBe(404);
    expect((await b.client.delete(`${C}/contacts/${secret.id}`)).status).toBe(404);
    expect((await b.client.put(`${C}/contacts/${secret.id}/tags`, { tagIds: [tag.id] })).status).toBe(404);
    expect((await b.client.get(`${C}/notes?contactId=${secret.id}`)).status).toBe(404);
    expect((await b.client.post(`${C}/notes`, { contactId: secret.id, body: 'x' })).status).toBe(404);
    expect((await b.client.post(`${C}/contacts`, { name: 'P', companyId: secret.id })).status).toBe(400);
    expect((await b.client.get(`${C}/contacts?count=true`)).body.total_count).toBe(0);

    const q = await b.client.graphql('query($id: ID!) { contact(id: $id) { id } }', { id: secret.id });
    expect(q.body.data.contact).toBeNull();
    const upd = await b.client.graphql('mutation($id: ID!) { updateContact(id: $id, input: { name: "x" }) { id } }', {
      id: secret.id,
    });
    expect(upd.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    const del = await b.client.graphql('mutation($id: ID!) { deleteContact(id: $id) }', { id: secret.id });
    expect(del.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect((await b.client.graphql('{ contacts { totalCount } }')).body.data.contacts.totalCount).toBe(0);

    expect((await a.client.get(`${C}/contacts/${secret.id}`)).body.name).toBe('Secret');
  });
});

describe('record rules', () => {
  let t: TestTenant;
  let alice: ApiClient;
  let bob: ApiClient;
  let carol: ApiClient;
  let mia: ApiClient;
  let admin: ApiClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await env.tenant('rules', { enable: ['crm'] });
    alice = await t.as('member', 'alice@rules.test');
    bob = await t.as('member', 'bob@rules.test');
    carol = await t.as('member', 'carol@rules.test');
    mia = await t.as('manager', 'mia@rules.test');
    admin = await t.as('admin', 'adam@rules.test');
    // Team "north": mia (manager), alice and bob. Carol is in no team.
    const [team] = await env.sql<{ id: string }>(
      "insert into core_team (tenant_id, name) values ($1, 'north') returning id",
      [t.id],
    );
    await env.sql(
      `insert into core_team_member (tenant_id, team_id, user_id)
       select $1, $2, id from core_user where tenant_id = $1 and email in ('mia@rules.test', 'alice@rules.test', 'bob@rules.test')`,
      [t.id, team?.id],
    );
    for (const [client, name] of [
      [alice, 'Alice contact'],
      [bob, 'Bob contact'],
      [carol, 'Carol contact'],
    ] as const) {
      const res = await client.post(`${C}/contacts`, { name });
      expect(res.status).toBe(201);
      ids[name] = res.body.id;
    }
  });

  it('lists: members see their own, managers their team’s, admins all (REST and GraphQL)', async () => {
    // Only the three contacts made above count: other tests of this block add contacts of their own.
    const seeded = (res: { body: { data: { id: string; name: string }[] } }) =>
      names({ body: { data: res.body.data.filter((c) => Object.values(ids).includes(c.id)) } });
    expect(seeded(await alice.get(`${C}/contacts`))).toEqual(['Alice contact']);
    expect(seeded(await carol.get(`${C}/contacts`))).toEqual(['Carol contact']);
    expect(seeded(await mia.get(`${C}/contacts`))).toEqual(['Alice contact', 'Bob contact']);
    expect(seeded(await admin.get(`${C}/contacts`))).toEqual(['Alice contact', 'Bob contact', 'Carol contact']);
    const gql = await mia.graphql('{ contacts { totalCount items { name } } }');
    expect(gql.body.data.contacts.totalCount).toBe(2);
  });

  it('get and update follow the same rules', async () => {
    const bobs = ids['Bob contact'];
    const carols = ids['Carol contact'];
    expect((await alice.get(`${C}/contacts/${bobs}`)).status).toBe(404);
    expect((await alice.patch(`${C}/contacts/${bobs}`, { city: 'Oslo' })).status).toBe(404);
    expect(
      (await alice.graphql('query($id: ID!) { contact(id: $id) { id } }', { id: bobs })).body.data.contact,
    ).toBeNull();
    expect((await mia.get(`${C}/contacts/${bobs}`)).status).toBe(200);
    expect((await mia.patch(`${C}/contacts/${bobs}`, { city: 'Oslo' })).body.city).toBe('Oslo');
    expect((await mia.get(`${C}/contacts/${carols}`)).status).toBe(404);
    expect((await mia.patch(`${C}/contacts/${carols}`, { city: 'Oslo' })).status).toBe(404);
    expect((await admin.patch(`${C}/contacts/${carols}`, { city: 'Rome' })).body.city).toBe('Rome');
    expect((await alice.patch(`${C}/contacts/${ids['Alice contact']}`, { city: 'Bergen' })).status).toBe(200);
  });

  it('a member cannot link a company they cannot see, nor give a contact to someone else', async () => {
    const { body: co } = await carol.post(`${C}/contacts`, { kind: 'company', name: 'Carol Co' });
    const linked = await alice.post(`${C}/contacts`, { name: 'Linked', companyId: co.id });
    expect(linked.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'companyId' }] });
    const [carolUser] = await env.sql<{ id: string }>("select id from core_user where email = 'carol@rules.test'");
    expect((await alice.post(`${C}/contacts`, { name: 'Gift', ownerId: carolUser?.id })).status).toBe(403);
  });

  it('deleting needs crm.contact.delete: 403 for a member, allowed to a manager in the team', async () => {
    const { body: own } = await alice.post(`${C}/contacts`, { name: 'Alice deletable' });
    const res = await alice.delete(`${C}/contacts/${own.id}`);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('Missing permission: crm.contact.delete');
    const gql = await alice.graphql('mutation($id: ID!) { deleteContact(id: $id) }', { id: own.id });
    expect(gql.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await mia.delete(`${C}/contacts/${ids['Carol contact']}`)).status).toBe(404);
    expect((await mia.delete(`${C}/contacts/${own.id}`)).status).toBe(204);
  });

  it('notes: a member cannot read or write notes on a contact they cannot see', async () => {
    const carols = ids['Carol contact'];
    expect((await carol.post(`${C}/notes`, { contactId: carols, body: 'private' })).status).toBe(201);
    expect((await alice.get(`${C}/notes?contactId=${carols}`)).status).toBe(404);
    expect((await alice.post(`${C}/notes`, { contactId: carols, body: 'sneaky' })).status).toBe(404);
    expect((await admin.get(`${C}/notes?contactId=${carols}`)).body.total_count).toBe(1);
  });
});
