import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';
import { fixtures } from './search-fixtures.ts';

let env: TestEnv;
let acme: TestTenant;
let globex: TestTenant;
let rep1: ApiClient;
let rep2: ApiClient;
let manager: ApiClient;
const ids: Record<string, string> = {};
let shared: string; // manager's shared contact segment "London"
let mine: string; // rep1's private lead segment "My referrals"
const S = '/api/v1/crm/segments';

const resultIds = async (client: ApiClient, segmentId: string, qs = '') => {
  const res = await client.get(`${S}/${segmentId}/results${qs}`);
  expect(res.status).toBe(200);
  return (res.body.data as { id: string }[]).map((r) => r.id).sort();
};

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  const fx = fixtures(env);
  acme = await env.tenant('acme', { enable: ['crm'] });
  globex = await env.tenant('globex', { enable: ['crm'] });
  rep1 = await acme.as('member');
  rep2 = await acme.as('member');
  manager = await acme.as('manager');
  const [owner, u1, u2, m] = await Promise.all([acme.client, rep1, rep2, manager].map((c) => fx.userId(c)));
  const team = (
    await env.sql<{ id: string }>("insert into core_team (tenant_id, name) values ($1, 'north') returning id", [
      acme.id,
    ])
  )[0]?.id;
  await env.sql('insert into core_team_member (tenant_id, team_id, user_id) values ($1, $2, $3), ($1, $2, $4)', [
    acme.id,
    team,
    m,
    u1,
  ]);
  const a = acme.id;
  ids.c1 = await fx.contact(a, u1 as string, { name: 'Rep One London', city: 'London' });
  ids.c2 = await fx.contact(a, u2 as string, { name: 'Rep Two London', city: 'London' });
  ids.c3 = await fx.contact(a, owner as string, { name: 'Owner London', city: 'London' });
  ids.paris = await fx.contact(a, u1 as string, { name: 'Rep One Paris', city: 'Paris' });
  ids.lead1 = await fx.lead(a, u1 as string, { title: 'Big deal', source: 'referral' });
  ids.lead2 = await fx.lead(a, u2 as string, { title: 'Small deal', source: 'referral' });
  // Two segments every test may read (none changes them), so tests pass in any order.
  const london = await manager.post(S, { name: 'London', target: 'contact', filter: { city: 'London' }, shared: true });
  shared = london.body.id;
  const referrals = await rep1.post(S, { name: 'My referrals', target: 'lead', filter: { source: 'referral' } });
  mine = referrals.body.id;
});
afterAll(() => env?.close());

describe('segments (saved filters)', () => {
  it('evaluates a shared segment under each caller’s record rules', async () => {
    const res = await manager.post(S, { name: 'London', target: 'contact', filter: { city: 'London' }, shared: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'London', target: 'contact', shared: true, filter: { city: 'London' } });
    const own = res.body.id;
    expect(await resultIds(acme.client, own)).toEqual([ids.c1, ids.c2, ids.c3].sort());
    expect(await resultIds(manager, own)).toEqual([ids.c1]); // the team: rep1
    expect(await resultIds(acme.client, shared)).toEqual([ids.c1, ids.c2, ids.c3].sort());
    expect(await resultIds(manager, shared)).toEqual([ids.c1]); // the team: rep1
    expect(await resultIds(rep1, shared)).toEqual([ids.c1]);
    expect(await resultIds(rep2, shared)).toEqual([ids.c2]);
    expect((await rep2.get(S)).body.data.map((s: { id: string }) => s.id)).toContain(shared);
  });

  it('pages results with a total and rows shaped like the lists', async () => {
    const res = await acme.client.get(`${S}/${shared}/results?limit=1&offset=1&sort=name`);
    expect(res.body).toMatchObject({ total_count: 3, limit: 1, offset: 1, target: 'contact' });
    expect(res.body.data).toEqual([expect.objectContaining({ id: ids.c1, name: 'Rep One London', city: 'London' })]);
    expect(res.body.data[0].search).toBeUndefined();
    const past = await acme.client.get(`${S}/${shared}/results?offset=10`);
    expect(past.body).toMatchObject({ data: [], total_count: 3 });
  });

  it('narrows the lists through segmentId, for the caller', async () => {
    const list = await rep1.get(`/api/v1/crm/contacts?segmentId=${shared}`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([ids.c1]);
    const all = await acme.client.get(`/api/v1/crm/contacts?segmentId=${shared}&sort=name&count=true`);
    expect(all.body.total_count).toBe(3);
    expect((await acme.client.get(`/api/v1/crm/leads?segmentId=${shared}`)).status).toBe(400);
    expect((await globex.client.get(`/api/v1/crm/contacts?segmentId=${shared}`)).status).toBe(404);
  });

  it('keeps private segments to their owner', async () => {
    expect(await resultIds(rep1, mine)).toEqual([ids.lead1]);
    for (const other of [rep2, manager, acme.client]) {
      expect((await other.get(S)).body.data.map((s: { id: string }) => s.id)).not.toContain(mine);
      expect((await other.get(`${S}/${mine}`)).status).toBe(404);
      expect((await other.get(`${S}/${mine}/results`)).status).toBe(404);
      expect((await other.get(`/api/v1/crm/leads?segmentId=${mine}`)).status).toBe(404);
    }
    expect((await rep1.get(`${S}?target=lead`)).body.data.map((s: { id: string }) => s.id)).toEqual([mine]);
  });

  it('lets only the owner change a segment, and only sharers share', async () => {
    const share = await rep1.post(S, { name: 'x', target: 'contact', shared: true });
    expect(share).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await rep1.patch(`${S}/${mine}`, { shared: true })).status).toBe(403);
    const foreign = await rep1.patch(`${S}/${shared}`, { name: 'Mine now' });
    expect(foreign).toMatchObject({ status: 403, body: { code: 'CRM_SEGMENT_NOT_OWNER' } });
    expect((await rep1.delete(`${S}/${shared}`)).status).toBe(403);
    const own = await rep2.post(S, { name: 'Mine', target: 'lead', filter: { source: 'referral' } });
    const renamed = await rep2.patch(`${S}/${own.body.id}`, {
      name: 'Referrals',
      filter: { source: 'referral', minScore: 0 },
    });
    expect(renamed).toMatchObject({ status: 200, body: { name: 'Referrals', filter: { minScore: 0 } } });
  });

  it('validates the filter against the list filter language and the target', async () => {
    const unknown = await rep1.post(S, { name: 'x', target: 'contact', filter: { bogus: 1 } });
    expect(unknown).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const wrongTarget = await rep1.post(S, { name: 'x', target: 'lead', filter: { tagIds: [ids.c1] } });
    expect(wrongTarget.status).toBe(400);
    expect(wrongTarget.body.details).toEqual([{ path: 'filter.tagIds', message: 'does not apply to leads' }]);
    expect((await rep1.post(S, { name: 'x', target: 'contact', filter: { companyId: 'nope' } })).status).toBe(400);
    expect((await rep1.patch(`${S}/${mine}`, { target: 'opportunity' })).status).toBe(400);
    const gql = await rep1.graphql(
      'mutation($f: JSON) { createSegment(input: { name: "x", target: contact, filter: $f }) { id } }',
      { f: { minScore: 'high' } },
    );
    expect(gql.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(gql.body.errors[0].extensions.details).toEqual([
      { path: 'filter.minScore', message: 'does not apply to contacts' },
    ]);
  });

  it('answers over GraphQL', async () => {
    const created = await rep2.graphql(
      'mutation { createSegment(input: { name: "Deals", target: lead, filter: { q: "deal" } }) { id target shared } }',
    );
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createSegment.id;
    const res = await rep2.graphql(
      `query($id: ID!, $shared: ID!) {
        segments { id name }
        segment(id: $id) { name filter }
        segmentResults(id: $id) { target totalCount leads { id title } contacts { id } }
        segmentContacts(id: $shared, limit: 10) { totalCount items { id name } }
      }`,
      { id, shared },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.segment).toEqual({ name: 'Deals', filter: { q: 'deal' } });
    expect(res.body.data.segmentResults).toEqual({
      target: 'lead',
      totalCount: 1,
      leads: [{ id: ids.lead2, title: 'Small deal' }],
      contacts: [],
    });
    expect(res.body.data.segmentContacts).toEqual({ totalCount: 1, items: [{ id: ids.c2, name: 'Rep Two London' }] });
    const hidden = await rep1.graphql('query($id: ID!) { segment(id: $id) { id } }', { id });
    expect(hidden.body.data.segment).toBeNull();
    const del = await rep2.graphql('mutation($id: ID!) { deleteSegment(id: $id) }', { id });
    expect(del.body.data.deleteSegment).toBe(true);
  });

  it('is invisible to another tenant', async () => {
    expect((await globex.client.get(`${S}/${shared}`)).status).toBe(404);
    expect((await globex.client.get(`${S}/${shared}/results`)).status).toBe(404);
    expect((await globex.client.patch(`${S}/${shared}`, { name: 'x' })).status).toBe(404);
    expect((await globex.client.get(S)).body.data).toEqual([]);
  });

  it('deletes a segment of one’s own', async () => {
    const own = await rep2.post(S, { name: 'Short-lived', target: 'contact', filter: { city: 'Paris' } });
    expect(own.status).toBe(201);
    expect((await rep2.delete(`${S}/${own.body.id}`)).status).toBe(204);
    expect((await rep2.get(`${S}/${own.body.id}`)).status).toBe(404);
  });
});
