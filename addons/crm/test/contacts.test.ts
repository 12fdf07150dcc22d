import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

let env: TestEnv;
let acme: TestTenant;
let api: ApiClient;
const C = '/api/v1/crm';

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  acme = await env.tenant('acme', { enable: ['crm'] });
  api = acme.client;
});
afterAll(() => env?.close());

const statements = (res: { headers: Headers }) => Number(res.headers.get('x-db-statements'));
let seq = 0;
const uniq = (s: string) => `${s} ${++seq}`;

async function company(client: ApiClient, name = uniq('Acme Corp')) {
  const res = await client.post(`${C}/contacts`, { kind: 'company', name });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string };
}

describe('contacts CRUD', () => {
  it('creates a company and a person (name defaults to "first last") and embeds company and tags', async () => {
    const co = await company(api, 'Analytical Engines Ltd');
    const tag = await api.post(`${C}/tags`, { name: uniq('vip'), color: '#f00' });
    expect(tag.status).toBe(201);
    const res = await api.post(`${C}/contacts`, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@engines.test',
      country: 'gb',
      companyId: co.id,
      tagIds: [tag.body.id],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'person',
      name: 'Ada Lovelace',
      country: 'GB',
      companyId: co.id,
      company: { id: co.id, name: 'Analytical Engines Ltd' },
      tags: [{ id: tag.body.id, name: tag.body.name, color: '#f00' }],
    });
    const got = await api.get(`${C}/contacts/${res.body.id}`);
    expect(got.body).toMatchObject({ name: 'Ada Lovelace', company: { id: co.id } });
    const people = await api.get(`${C}/contacts/${co.id}/people`);
    expect(people.body).toMatchObject({ total_count: 1, data: [{ id: res.body.id, tags: [{ id: tag.body.id }] }] });
    expect((await api.get(`${C}/contacts/${res.body.id}/people`)).status).toBe(404);
  });

  it('updates a contact, keeps the default name in step and publishes the changed fields', async () => {
    const { body: p } = await api.post(`${C}/contacts`, { firstName: 'Grace', lastName: 'Hopper' });
    const res = await api.patch(`${C}/contacts/${p.id}`, { lastName: 'Murray', city: 'New York' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Grace Murray', lastName: 'Murray', city: 'New York' });
    const [event] = await env.sql<{ payload: { changes: string[] } }>(
      "select payload from core_outbox where tenant_id = $1 and name = 'crm.contact.updated' and aggregate_id = $2",
      [acme.id, p.id],
    );
    expect(event?.payload.changes.sort()).toEqual(['city', 'lastName', 'name']);
    const created = await env.sql(
      "select 1 from core_outbox where tenant_id = $1 and name = 'crm.contact.created' and aggregate_id = $2",
      [acme.id, p.id],
    );
    expect(created).toHaveLength(1);
    // A name set by hand stays.
    await api.patch(`${C}/contacts/${p.id}`, { name: 'Amazing Grace' });
    expect((await api.patch(`${C}/contacts/${p.id}`, { firstName: 'G.' })).body.name).toBe('Amazing Grace');
  });

  it('deletes a contact (204, then 404)', async () => {
    const { body: p } = await api.post(`${C}/contacts`, { name: 'Temp' });
    expect((await api.delete(`${C}/contacts/${p.id}`)).status).toBe(204);
    expect((await api.get(`${C}/contacts/${p.id}`)).status).toBe(404);
    expect((await api.delete(`${C}/contacts/${p.id}`)).status).toBe(404);
  });

  it('validates input over REST and GraphQL', async () => {
    const bad = await api.post(`${C}/contacts`, { name: 'X', email: 'not-an-email' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'email' }] });
    expect((await api.post(`${C}/contacts`, { kind: 'company' })).body.details).toEqual([
      { path: 'name', message: 'is required' },
    ]);
    expect((await api.post(`${C}/contacts`, {})).status).toBe(400);
    const { body: person } = await api.post(`${C}/contacts`, { name: 'Not a company' });
    const notCo = await api.post(`${C}/contacts`, { name: 'Y', companyId: person.id });
    expect(notCo.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'companyId' }] });
    const co = await company(api);
    const nested = await api.post(`${C}/contacts`, { kind: 'company', name: 'Sub', companyId: co.id });
    expect(nested.body.details).toEqual([{ path: 'companyId', message: 'a company cannot belong to a company' }]);

    const gql = await api.graphql('mutation { createContact(input: { name: "Z", email: "nope" }) { id } }');
    expect(gql.body.errors[0].extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'email', message: 'must be an email address' }],
    });
    const filter = await api.graphql('{ contacts(filter: { companyId: "x" }) { totalCount } }');
    expect(filter.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('refuses to turn a company with people into a person', async () => {
    const co = await company(api);
    await api.post(`${C}/contacts`, { name: 'Employee', companyId: co.id });
    const res = await api.patch(`${C}/contacts/${co.id}`, { kind: 'person' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CRM_COMPANY_HAS_PEOPLE');
  });

  it('works over GraphQL: create, update, relations, tags, notes, delete', async () => {
    const co = await company(api, 'Babbage & Co');
    const create = await api.graphql(
      `mutation($co: ID!) { createContact(input: { firstName: "Charles", lastName: "Babbage", companyId: $co }) {
        id name company { name } } }`,
      { co: co.id },
    );
    expect(create.body.errors).toBeUndefined();
    const id = create.body.data.createContact.id;
    expect(create.body.data.createContact).toMatchObject({
      name: 'Charles Babbage',
      company: { name: 'Babbage & Co' },
    });
    const tag = await api.graphql(`mutation { createTag(input: { name: "${uniq('gql')}" }) { id name } }`);
    const tagId = tag.body.data.createTag.id;
    const set = await api.graphql(
      'mutation($id: ID!, $t: [ID!]!) { setContactTags(id: $id, tagIds: $t) { tags { id } } }',
      {
        id,
        t: [tagId],
      },
    );
    expect(set.body.data.setContactTags.tags).toEqual([{ id: tagId }]);
    const note = await api.graphql('mutation($id: ID) { addNote(contactId: $id, body: "Met at the fair") { id } }', {
      id,
    });
    expect(note.body.errors).toBeUndefined();
    const upd = await api.graphql(
      'mutation($id: ID!) { updateContact(id: $id, input: { jobTitle: "Inventor", companyId: null }) { jobTitle company { id } } }',
      {
        id,
      },
    );
    expect(upd.body.data.updateContact).toEqual({ jobTitle: 'Inventor', company: null });
    const read = await api.graphql(
      `query($id: ID!, $co: ID!) { contact(id: $id) { name tags { id } notes { body } }
        co: contact(id: $co) { people { id } } }`,
      { id, co: co.id },
    );
    expect(read.body.data).toEqual({
      contact: { name: 'Charles Babbage', tags: [{ id: tagId }], notes: [{ body: 'Met at the fair' }] },
      co: { people: [] },
    });
    const del = await api.graphql('mutation($id: ID!) { deleteNote(id: $id) }', { id: note.body.data.addNote.id });
    expect(del.body.data.deleteNote).toBe(true);
    expect((await api.graphql('mutation($id: ID!) { deleteContact(id: $id) }', { id })).body.data.deleteContact).toBe(
      true,
    );
    expect((await api.graphql('query($id: ID!) { contact(id: $id) { id } }', { id })).body.data.contact).toBeNull();
  });
});

describe('tags', () => {
  it('creates, lists, renames and deletes tags; names are unique per tenant (409)', async () => {
    const name = uniq('Partner');
    const a = await api.post(`${C}/tags`, { name });
    expect(a.status).toBe(201);
    const dup = await api.post(`${C}/tags`, { name: name.toUpperCase() });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('CRM_TAG_NAME_TAKEN');
    const b = await api.post(`${C}/tags`, { name: uniq('Other') });
    expect((await api.patch(`${C}/tags/${b.body.id}`, { name })).body.code).toBe('CRM_TAG_NAME_TAKEN');
    expect((await api.patch(`${C}/tags/${b.body.id}`, { color: 'blue' })).body).toMatchObject({ color: 'blue' });
    const list = await api.get(`${C}/tags?limit=200`);
    expect(list.body.data.map((t: { name: string }) => t.name)).toContain(name);
    // Another tenant may use the same name.
    const other = await env.tenant('tags-other', { enable: ['crm'] });
    expect((await other.client.post(`${C}/tags`, { name })).status).toBe(201);
    expect((await api.delete(`${C}/tags/${b.body.id}`)).status).toBe(204);
    expect((await api.delete(`${C}/tags/${b.body.id}`)).status).toBe(404);
  });

  it('trims names, refuses a blank one, lists by name and searches with q (the tag resource)', async () => {
    const t = await env.tenant('tags-order', { enable: ['crm'] });
    for (const name of ['zeta', '  Alpha  ', 'mid'])
      expect((await t.client.post(`${C}/tags`, { name })).status).toBe(201);
    const blank = await t.client.post(`${C}/tags`, { name: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body.details).toEqual([{ path: 'name', message: 'is required' }]);
    const list = await t.client.get(`${C}/tags?count=true`);
    expect(list.body).toMatchObject({ total_count: 3 });
    expect(list.body.data.map((x: { name: string }) => x.name)).toEqual(['Alpha', 'mid', 'zeta']);
    const found = await t.client.get(`${C}/tags?q=ALP`);
    expect(found.body.data.map((x: { name: string }) => x.name)).toEqual(['Alpha']);
    const gql = await t.client.graphql('{ tags { data { name } } }');
    expect(gql.body.data.tags.data.map((x: { name: string }) => x.name)).toEqual(['Alpha', 'mid', 'zeta']);
    // A contact's tags come by name too (given in another order).
    const ids = Object.fromEntries(list.body.data.map((x: { id: string; name: string }) => [x.name, x.id]));
    const c = await t.client.post(`${C}/contacts`, { name: 'Tagged', tagIds: [ids.zeta, ids.Alpha, ids.mid] });
    expect(c.body.tags.map((x: { name: string }) => x.name)).toEqual(['Alpha', 'mid', 'zeta']);
    const one = await t.client.graphql('query($id: ID!) { contact(id: $id) { tags { name } } }', { id: c.body.id });
    expect(one.body.data.contact.tags.map((x: { name: string }) => x.name)).toEqual(['Alpha', 'mid', 'zeta']);
  });

  it('replaces a contact’s tag set and rejects unknown tags', async () => {
    const t1 = (await api.post(`${C}/tags`, { name: uniq('t') })).body;
    const t2 = (await api.post(`${C}/tags`, { name: uniq('t') })).body;
    const { body: p } = await api.post(`${C}/contacts`, { name: 'Tagged', tagIds: [t1.id] });
    const res = await api.put(`${C}/contacts/${p.id}/tags`, { tagIds: [t2.id] });
    expect(res.body.tags.map((t: { id: string }) => t.id)).toEqual([t2.id]);
    const unknown = await api.put(`${C}/contacts/${p.id}/tags`, { tagIds: [p.id] });
    expect(unknown.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'tagIds.0', message: 'no such tag' }],
    });
    const filtered = await api.get(`${C}/contacts?tagIds=${t2.id}`);
    expect(filtered.body.data.map((c: { id: string }) => c.id)).toEqual([p.id]);
    // A saved segment filters the list the same way.
    const seg = await api.post(`${C}/segments`, {
      name: uniq('Tagged'),
      target: 'contact',
      filter: { tagIds: [t2.id] },
    });
    expect(seg.status).toBe(201);
    const bySegment = await api.get(`${C}/contacts?segmentId=${seg.body.id}`);
    expect(bySegment.body.data.map((c: { id: string }) => c.id)).toEqual([p.id]);
  });
});

describe('notes', () => {
  it('writes, lists and deletes notes on a contact; needs exactly one visible parent', async () => {
    const { body: p } = await api.post(`${C}/contacts`, { name: 'Noted' });
    const n1 = await api.post(`${C}/notes?contactId=${p.id}`, { body: 'first' });
    expect(n1.status).toBe(201);
    expect((await api.post(`${C}/notes`, { body: 'second', contactId: p.id })).status).toBe(201);
    const list = await api.get(`${C}/notes?contactId=${p.id}`);
    expect(list.body).toMatchObject({ total_count: 2, data: [{ body: 'second' }, { body: 'first' }] });
    expect((await api.post(`${C}/notes`, { body: 'orphan' })).status).toBe(400);
    expect((await api.get(`${C}/notes?contactId=${n1.body.id}`)).status).toBe(404);
    expect((await api.delete(`${C}/notes/${n1.body.id}`)).status).toBe(204);
    expect((await api.get(`${C}/notes?contactId=${p.id}`)).body.total_count).toBe(1);
  });
});

describe('no N+1', () => {
  it('a list of 50 contacts with their company and tags costs a bounded number of SQL statements', async () => {
    const t = await env.tenant('bulk', { enable: ['crm'] });
    const [owner] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1 and email = $2', [
      t.id,
      t.ownerEmail,
    ]);
    // Companies sort after the people, so every row of the first page has a company.
    const companies = await env.sql<{ id: string }>(
      `insert into crm_contact (tenant_id, kind, name, owner_id, created_by)
       select $1, 'company', 'Zeta Corp ' || i, $2, $2 from generate_series(1, 5) i returning id`,
      [t.id, owner?.id],
    );
    const tags = await env.sql<{ id: string }>(
      "insert into crm_tag (tenant_id, name, color) select $1, 'bulk ' || i, 'red' from generate_series(1, 3) i returning id",
      [t.id],
    );
    const people = await env.sql<{ id: string }>(
      `insert into crm_contact (tenant_id, kind, name, email, owner_id, created_by, company_id)
       select $1, 'person', 'Person ' || lpad(i::text, 2, '0'), 'p' || i || '@bulk.test', $2, $2, ($3::uuid[])[1 + i % 5]
         from generate_series(1, 60) i returning id`,
      [t.id, owner?.id, companies.map((c) => c.id)],
    );
    await env.sql(
      `insert into crm_contact_tag (tenant_id, contact_id, tag_id)
       select $1, c, g from unnest($2::uuid[]) c cross join unnest($3::uuid[]) g`,
      [t.id, people.map((p) => p.id), tags.map((g) => g.id)],
    );

    const rest = (limit: number) => t.client.get(`${C}/contacts?limit=${limit}&include=company,tags&count=true`);
    // The tenant's first list reads its custom-field definitions; later ones reuse them (stamp.ts).
    await rest(1);
    const r50 = await rest(50);
    expect(r50.body).toMatchObject({ total_count: 65, limit: 50, offset: 0 });
    expect(r50.body.data).toHaveLength(50);
    for (const c of r50.body.data) {
      expect(c.company.name).toMatch(/^Zeta Corp/);
      expect(c.tags).toHaveLength(3);
    }
    const r5 = await rest(5);
    expect(statements(r50)).toBeLessThanOrEqual(6);
    expect(statements(r5)).toBe(statements(r50));

    const gql = (limit: number) =>
      t.client.graphql(`{ contacts(limit: ${limit}) { totalCount items { name company { name } tags { name } } } }`);
    const g50 = await gql(50);
    expect(g50.body.errors).toBeUndefined();
    expect(g50.body.data.contacts.totalCount).toBe(65);
    expect(g50.body.data.contacts.items).toHaveLength(50);
    expect(g50.body.data.contacts.items[0]).toEqual({
      name: 'Person 01',
      company: { name: 'Zeta Corp 2' },
      tags: [{ name: 'bulk 1' }, { name: 'bulk 2' }, { name: 'bulk 3' }],
    });
    const g5 = await gql(5);
    expect(statements(g50)).toBeLessThanOrEqual(6);
    expect(statements(g5)).toBe(statements(g50));
  });
});

describe('list shape: lean by default, relations and the total on request', () => {
  it('REST returns the contact columns only, narrows with fields=, embeds with include=, counts with count=true', async () => {
    const t = await env.tenant('shape', { enable: ['crm'] });
    const co = await company(t.client, 'Shape Co');
    const tag = await t.client.post(`${C}/tags`, { name: 'vip' });
    const p = await t.client.post(`${C}/contacts`, { name: 'Ann Shape', companyId: co.id, tagIds: [tag.body.id] });
    expect(p.status).toBe(201);

    const lean = await t.client.get(`${C}/contacts?sort=name`);
    expect(lean.status).toBe(200);
    expect(lean.body).toMatchObject({ total_count: null, limit: 50, offset: 0 });
    const ann = lean.body.data[0];
    expect(ann).toMatchObject({ id: p.body.id, name: 'Ann Shape', companyId: co.id, kind: 'person' });
    expect(Object.keys(ann).sort()).toEqual(
      [
        'id',
        'kind',
        'name',
        'firstName',
        'lastName',
        'email',
        'phone',
        'jobTitle',
        'companyId',
        'website',
        'street',
        'city',
        'postalCode',
        'country',
        'source',
        'ownerId',
        'createdBy',
        'createdAt',
        'updatedAt',
        // The tenant's custom-field values (none defined here).
        'custom',
      ].sort(),
    );

    const narrow = await t.client.get(`${C}/contacts?sort=name&fields=name,email`);
    expect(narrow.body.data[0]).toEqual({ id: p.body.id, name: 'Ann Shape', email: null });

    const full = await t.client.get(`${C}/contacts?sort=name&fields=name&include=company,tags&count=true`);
    expect(full.body.total_count).toBe(2);
    expect(full.body.data[0]).toEqual({
      id: p.body.id,
      name: 'Ann Shape',
      company: { id: co.id, name: 'Shape Co' },
      tags: [{ id: tag.body.id, name: 'vip', color: null }],
    });
    // Past the last page the total is still counted.
    expect((await t.client.get(`${C}/contacts?offset=10&count=true`)).body).toMatchObject({ data: [], total_count: 2 });

    for (const bad of ['fields=name,nope', 'include=notes', 'count=maybe']) {
      const res = await t.client.get(`${C}/contacts?${bad}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.details)).toContain(bad.split('=')[0]);
    }
  });

  it('GraphQL reads only the selected columns and counts only when totalCount is selected', async () => {
    const t = await env.tenant('gqlshape', { enable: ['crm'] });
    const co = await company(t.client, 'Gql Co');
    await t.client.post(`${C}/contacts`, { name: 'Bea Gql', companyId: co.id, city: 'Oslo' });
    const q = await t.client.graphql(
      `{ contacts(sort: "name") { items { ...F ... on Contact { companyId company { name } } } } }
       fragment F on Contact { name city createdAt }`,
    );
    expect(q.body.errors).toBeUndefined();
    expect(q.body.data.contacts.items[0]).toMatchObject({
      name: 'Bea Gql',
      city: 'Oslo',
      companyId: co.id,
      company: { name: 'Gql Co' },
    });
    expect(Date.parse(q.body.data.contacts.items[0].createdAt)).not.toBeNaN();
    const counted = await t.client.graphql('{ contacts { totalCount items { people { name } } } }');
    expect(counted.body.errors).toBeUndefined();
    expect(counted.body.data.contacts.totalCount).toBe(2);
    expect(counted.body.data.contacts.items.find((c: { people: unknown[] }) => c.people.length)?.people).toEqual([
      { name: 'Bea Gql' },
    ]);
  });
});
