import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// Bulk edit and bulk delete on the crm lists: one request, each row checked as its single edit
// would be, the refused rows named and left unchanged, the others done.
let env: TestEnv;
let t: TestTenant;
let other: TestTenant;
let mia: ApiClient;
let alice: ApiClient;
let carol: ApiClient;
const C = '/api/v1/crm';

const userId = async (email: string) =>
  (await env.sql<{ id: string }>('select id from core_user where email = $1', [email]))[0]?.id as string;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  t = await env.tenant('bulk', { enable: ['crm'] });
  other = await env.tenant('bulk-other', { enable: ['crm'] });
  mia = await t.as('manager', 'mia@bulk.test');
  alice = await t.as('member', 'alice@bulk.test');
  carol = await t.as('member', 'carol@bulk.test');
  // Team: mia (manager) and alice. Carol is in no team.
  const [team] = await env.sql<{ id: string }>(
    "insert into core_team (tenant_id, name) values ($1, 'b') returning id",
    [t.id],
  );
  await env.sql(
    `insert into core_team_member (tenant_id, team_id, user_id)
     select $1, $2, id from core_user where tenant_id = $1 and email in ('mia@bulk.test', 'alice@bulk.test')`,
    [t.id, team?.id],
  );
});
afterAll(() => env?.close());

const make = async (client: ApiClient, path: string, body: object) => {
  const res = await client.post(`${C}/${path}`, body);
  expect(res.status).toBe(201);
  return res.body as { id: string; updatedAt: string };
};

describe('contacts', () => {
  it('changes owner and tags of the rows the caller may edit; names the others and leaves them', async () => {
    const a1 = await make(alice, 'contacts', { name: 'Alice one' });
    const a2 = await make(alice, 'contacts', { name: 'Alice two' });
    const c1 = await make(carol, 'contacts', { name: 'Carol one' });
    const foreign = await make(other.client, 'contacts', { name: 'Other tenant' });
    const vip = (await t.client.post(`${C}/tags`, { name: `vip-${Date.now()}` })).body;
    const old = (await t.client.post(`${C}/tags`, { name: `old-${Date.now()}` })).body;
    await alice.put(`${C}/contacts/${a1.id}/tags`, { tagIds: [old.id] });
    const miaId = await userId('mia@bulk.test');

    const res = await mia.post(`${C}/contacts/bulk-update`, {
      ids: [a1.id, c1.id, a2.id, foreign.id],
      changes: { ownerId: miaId, addTagIds: [vip.id], removeTagIds: [old.id] },
    });
    expect(res.status).toBe(200);
    expect(res.body.done).toEqual([a1.id, a2.id]);
    expect(res.body.refused).toEqual([
      { id: c1.id, index: 1, code: 'NOT_FOUND', message: 'Contact not found' },
      { id: foreign.id, index: 3, code: 'NOT_FOUND', message: 'Contact not found' },
    ]);
    for (const id of [a1.id, a2.id]) {
      const now = (await t.client.get(`${C}/contacts/${id}`)).body;
      expect(now.ownerId).toBe(miaId);
      expect(now.tags.map((x: { id: string }) => x.id)).toEqual([vip.id]);
    }
    const carols = (await t.client.get(`${C}/contacts/${c1.id}`)).body;
    expect(carols.ownerId).toBe(await userId('carol@bulk.test'));
    expect(carols.tags).toEqual([]);
    expect((await other.client.get(`${C}/contacts/${foreign.id}`)).body.tags).toEqual([]);
  });

  it('bulk delete needs crm.contact.delete and deletes only what record rules let the caller delete', async () => {
    const a1 = await make(alice, 'contacts', { name: 'Alice gone' });
    const c1 = await make(carol, 'contacts', { name: 'Carol stays' });
    const denied = await alice.post(`${C}/contacts/bulk-delete`, { ids: [a1.id] });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    expect((await t.client.get(`${C}/contacts/${a1.id}`)).status).toBe(200);

    const res = await mia.post(`${C}/contacts/bulk-delete`, { ids: [c1.id, a1.id] });
    expect(res.body).toEqual({
      done: [a1.id],
      refused: [{ id: c1.id, index: 0, code: 'NOT_FOUND', message: 'Contact not found' }],
    });
    expect((await t.client.get(`${C}/contacts/${a1.id}`)).status).toBe(404);
    expect((await t.client.get(`${C}/contacts/${c1.id}`)).status).toBe(200);
  });

  it('a member may retag their own contacts but not give them away (refused per row)', async () => {
    const a1 = await make(alice, 'contacts', { name: 'Alice keeps' });
    const tag = (await t.client.post(`${C}/tags`, { name: `m-${Date.now()}` })).body;
    const tagged = await alice.post(`${C}/contacts/bulk-update`, { ids: [a1.id], changes: { addTagIds: [tag.id] } });
    expect(tagged.body).toEqual({ done: [a1.id], refused: [] });
    const given = await alice.post(`${C}/contacts/bulk-update`, {
      ids: [a1.id],
      changes: { ownerId: await userId('carol@bulk.test') },
    });
    expect(given.body.done).toEqual([]);
    expect(given.body.refused[0]).toMatchObject({ id: a1.id, code: 'FORBIDDEN' });
    expect((await t.client.get(`${C}/contacts/${a1.id}`)).body.ownerId).toBe(await userId('alice@bulk.test'));
  });

  it('bad input is a 400 naming the field, and nothing is written', async () => {
    const a1 = await make(alice, 'contacts', { name: 'Alice bad input' });
    const cases: [object, string][] = [
      [{ ids: [], changes: { ownerId: a1.id } }, 'ids'],
      [{ ids: [a1.id, a1.id], changes: { addTagIds: [] } }, 'ids'],
      [{ ids: [a1.id], changes: {} }, 'changes'],
      [{ ids: [a1.id], changes: { color: 'red' } }, 'color'],
      [{ ids: ['nope'], changes: { ownerId: a1.id } }, 'ids'],
    ];
    for (const [body, field] of cases) {
      const res = await t.client.post(`${C}/contacts/bulk-update`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body.details), JSON.stringify(body)).toContain(field);
    }
    // An owner that is no user of the tenant: the request's mistake, so nothing at all changes.
    const a2 = await make(alice, 'contacts', { name: 'Alice bad owner' });
    const tag = (await t.client.post(`${C}/tags`, { name: `n-${Date.now()}` })).body;
    const res = await t.client.post(`${C}/contacts/bulk-update`, {
      ids: [a1.id, a2.id],
      changes: { ownerId: tag.id, addTagIds: [tag.id] },
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0]).toMatchObject({ path: 'changes.ownerId' });
    expect((await t.client.get(`${C}/contacts/${a1.id}`)).body.tags).toEqual([]);
  });
});

describe('leads and opportunities', () => {
  it('leads: status for many; a converted lead is refused and named', async () => {
    const l1 = await make(alice, 'leads', { title: 'Lead one' });
    const l2 = await make(alice, 'leads', { title: 'Lead two' });
    expect((await alice.post(`${C}/leads/${l2.id}/convert`, {})).status).toBe(201);
    const res = await alice.post(`${C}/leads/bulk-update`, { ids: [l1.id, l2.id], changes: { status: 'qualified' } });
    expect(res.body.done).toEqual([l1.id]);
    expect(res.body.refused[0]).toMatchObject({ id: l2.id, index: 1, code: 'CRM_LEAD_ALREADY_CONVERTED' });
    expect((await t.client.get(`${C}/leads/${l1.id}`)).body.status).toBe('qualified');
    expect((await t.client.get(`${C}/leads/${l2.id}`)).body.status).toBe('converted');
    expect((await alice.post(`${C}/leads/bulk-delete`, { ids: [l1.id] })).status).toBe(403);
    expect((await mia.post(`${C}/leads/bulk-delete`, { ids: [l1.id] })).body.done).toEqual([l1.id]);
  });

  it('opportunities: a stage for many (the board and the stage history follow); a stage of another pipeline is refused', async () => {
    const pipelines = (await t.client.get(`${C}/pipelines`)).body.data;
    const sales = pipelines.find((p: { isDefault: boolean }) => p.isDefault);
    const proposal = sales.stages.find((s: { name: string }) => s.name === 'Proposal');
    const o1 = await make(alice, 'opportunities', { title: 'Deal one' });
    const o2 = await make(alice, 'opportunities', { title: 'Deal two' });
    const second = (await t.client.post(`${C}/pipelines`, { name: `Other ${Date.now()}` })).body;
    const o3 = await make(t.client, 'opportunities', { title: 'Deal three', pipelineId: second.id });

    const res = await mia.post(`${C}/opportunities/bulk-update`, {
      ids: [o1.id, o2.id, o3.id],
      changes: { stageId: proposal.id },
    });
    expect(res.body.done).toEqual([o1.id, o2.id]);
    expect(res.body.refused).toEqual([{ id: o3.id, index: 2, code: 'NOT_FOUND', message: 'Opportunity not found' }]);
    const byAdmin = await t.client.post(`${C}/opportunities/bulk-update`, {
      ids: [o3.id],
      changes: { stageId: proposal.id },
    });
    expect(byAdmin.body.refused[0]).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('stageId'),
    });

    for (const id of [o1.id, o2.id])
      expect((await t.client.get(`${C}/opportunities/${id}`)).body.stage).toBe(proposal.id);
    const history = (await alice.get(`${C}/opportunities/${o1.id}/stage-history`)).body.data;
    expect(history.map((h: { fromName: string | null; toName: string }) => [h.fromName, h.toName])).toEqual([
      [null, 'New'],
      ['New', 'Proposal'],
    ]);
    expect(history[1].createdBy).toBe(await userId('mia@bulk.test'));
    expect((await carol.get(`${C}/opportunities/${o1.id}/stage-history`)).status).toBe(404);
    expect((await other.client.get(`${C}/opportunities/${o1.id}/stage-history`)).status).toBe(404);
    const deleted = await t.client.post(`${C}/opportunities/bulk-delete`, { ids: [o1.id, o2.id] });
    expect(deleted.body.done).toEqual([o1.id, o2.id]);
  });
});

describe('notes and the company page', () => {
  it('a note is rewritten by PATCH, with the conflict precondition; others get 404', async () => {
    const a1 = await make(alice, 'contacts', { name: 'Alice noted' });
    const note = await make(alice, `notes`, { contactId: a1.id, body: 'Frist call' });
    const fixed = await alice.patch(`${C}/notes/${note.id}`, { body: 'First call', expectedUpdatedAt: note.updatedAt });
    expect(fixed.status).toBe(200);
    expect(fixed.body.body).toBe('First call');
    const stale = await alice.patch(`${C}/notes/${note.id}`, { body: 'Third', expectedUpdatedAt: note.updatedAt });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('CONFLICT');
    expect((await alice.patch(`${C}/notes/${note.id}`, { body: '  ' })).body.details[0].path).toBe('body');
    expect((await carol.patch(`${C}/notes/${note.id}`, { body: 'Mine' })).status).toBe(404);
    expect((await other.client.patch(`${C}/notes/${note.id}`, { body: 'Mine' })).status).toBe(404);
    const list = (await t.client.get(`${C}/notes?contactId=${a1.id}`)).body.data;
    expect(list.map((n: { body: string }) => n.body)).toEqual(['First call']);
  });

  it("a company's deals, activities and timeline include its people's records, under record rules", async () => {
    const co = await make(t.client, 'contacts', { kind: 'company', name: 'Bulk Co' });
    const ada = await make(t.client, 'contacts', { name: 'Ada', companyId: co.id });
    const deal = await make(t.client, 'opportunities', { title: 'Ada deal', contactId: ada.id });
    const own = await make(t.client, 'opportunities', { title: 'Company deal', contactId: co.id });
    const call = await make(t.client, 'activities', { kind: 'call', subject: 'Call Ada', contactId: ada.id });
    await make(t.client, 'notes', { contactId: ada.id, body: 'Ada likes tea' });

    const related = (await t.client.get(`${C}/contacts/${co.id}/related`)).body;
    expect(related.contactIds.sort()).toEqual([co.id, ada.id].sort());
    expect(related.opportunities.map((o: { id: string }) => o.id).sort()).toEqual([deal.id, own.id].sort());
    expect(related.activities.map((a: { id: string }) => a.id)).toEqual([call.id]);
    const person = (await t.client.get(`${C}/contacts/${ada.id}/related`)).body;
    expect(person.opportunities.map((o: { id: string }) => o.id)).toEqual([deal.id]);

    const timeline = (await t.client.get(`${C}/contacts/${co.id}/360`)).body.timeline;
    expect(timeline.map((e: { title: string }) => e.title)).toEqual(
      expect.arrayContaining(['Note', 'Call: Call Ada', 'Opportunity: Ada deal', 'Opportunity: Company deal']),
    );
    expect((await alice.get(`${C}/contacts/${co.id}/related`)).status).toBe(404);
    expect((await other.client.get(`${C}/contacts/${co.id}/related`)).status).toBe(404);
  });
});
