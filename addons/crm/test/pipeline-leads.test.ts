import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// Leads, their conversion, activities and the pipeline's GraphQL API (the board and its
// verbs are in pipeline.test.ts).

const api = '/api/v1/crm';
let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  acme = await env.tenant('acme', { enable: ['crm'] });
});
afterAll(() => env?.close());

async function post(c: ApiClient, path: string, body: Record<string, unknown>) {
  const res = await c.post(`${api}${path}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}
const statements = (res: { headers: Headers }) => Number(res.headers.get('x-db-statements'));
async function stages(c: ApiClient): Promise<Record<string, string>> {
  const p = (await c.get(`${api}/pipelines`)).body.data[0];
  return Object.fromEntries(p.stages.map((s: { name: string; id: string }) => [s.name, s.id]));
}

describe('leads', () => {
  it('converts a lead into a contact, its company and an opportunity, once', async () => {
    const lead = await post(acme.client, '/leads', {
      title: 'Engine order',
      contactName: 'Ada Lovelace',
      companyName: 'Analytical Engines',
      email: 'ada@engines.test',
      phone: '+44 20 7946 0000',
      value: '2500.5000',
      currency: 'EUR',
    });
    expect(lead).toMatchObject({ status: 'new', score: expect.any(Number) });
    const res = await acme.client.post(`${api}/leads/${lead.id}/convert`, {});
    expect(res.status).toBe(201);
    const { contact, company, opportunity } = res.body;
    expect(company).toMatchObject({ kind: 'company', name: 'Analytical Engines' });
    expect(contact).toMatchObject({
      kind: 'person',
      name: 'Ada Lovelace',
      email: 'ada@engines.test',
      phone: '+44 20 7946 0000',
      company: company.id,
    });
    const s = await stages(acme.client);
    expect(opportunity).toMatchObject({
      title: 'Engine order',
      lead: lead.id,
      contact: contact.id,
      value: '2500.50',
      currency: 'EUR',
      stage: s.New,
      probability: 10,
    });
    expect(res.body.lead).toMatchObject({ status: 'converted', contact: contact.id });
    expect(res.body.lead.convertedAt).toBeTruthy();
    const events = await env.sql<{ payload: Record<string, unknown> }>(
      "select payload from core_outbox where tenant_id = $1 and name = 'crm.lead.converted' and aggregate_id = $2",
      [acme.id, lead.id],
    );
    expect(events).toEqual([
      { payload: expect.objectContaining({ opportunityId: opportunity.id, contactId: contact.id }) },
    ]);

    const again = await acme.client.post(`${api}/leads/${lead.id}/convert`, {});
    expect(again).toMatchObject({ status: 409, body: { code: 'CRM_LEAD_ALREADY_CONVERTED' } });
    const reset = await acme.client.patch(`${api}/leads/${lead.id}`, { status: 'new' });
    expect(reset.body.code).toBe('CRM_LEAD_ALREADY_CONVERTED');

    // A second lead of the same company reuses it instead of creating a duplicate.
    const lead2 = await post(acme.client, '/leads', { title: 'Spare parts', companyName: 'analytical engines' });
    const res2 = await acme.client.post(`${api}/leads/${lead2.id}/convert`, { opportunity: { value: '10.00' } });
    expect(res2.body.company.id).toBe(company.id);
    expect(res2.body.contact).toMatchObject({ name: 'Spare parts', company: company.id });
  });

  it('writes nothing when any step of the conversion fails', async () => {
    const lead = await post(acme.client, '/leads', {
      title: 'Doomed',
      contactName: 'Rollback Person',
      companyName: 'Rollback Co',
    });
    const s = await stages(acme.client);
    const res = await acme.client.post(`${api}/leads/${lead.id}/convert`, { opportunity: { stageId: s.Won } });
    expect(res.status).toBe(400);
    const contacts = await env.sql("select id from crm_contact where tenant_id = $1 and name like 'Rollback%'", [
      acme.id,
    ]);
    expect(contacts).toEqual([]);
    expect((await acme.client.get(`${api}/leads/${lead.id}`)).body).toMatchObject({ status: 'new', contact: null });
    const ok = await acme.client.post(`${api}/leads/${lead.id}/convert`, { createContact: false });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ contact: null, company: null, opportunity: { contact: null, lead: lead.id } });
  });

  it('keeps leads to their owner and their tenant', async () => {
    const lead = await post(acme.client, '/leads', { title: 'Owner lead' });
    const member = await acme.as('member');
    expect((await member.get(`${api}/leads/${lead.id}`)).status).toBe(404);
    expect((await member.post(`${api}/leads/${lead.id}/convert`, {})).status).toBe(404);
    const other = await env.tenant('other', { enable: ['crm'] });
    expect((await other.client.post(`${api}/leads/${lead.id}/convert`, {})).status).toBe(404);
    expect((await other.client.get(`${api}/leads`)).body.total_count).toBe(0);
    expect((await acme.client.post(`${api}/leads`, { title: '' })).status).toBe(400);
    expect((await acme.client.post(`${api}/leads`, { title: 'x', status: 'converted' })).status).toBe(400);
  });
});

describe('activities', () => {
  it('lists by due date with open, overdue, today, upcoming, undated and done filters', async () => {
    const t = await env.tenant('acts', { enable: ['crm'] });
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const day = 86_400_000;
    const soon = at(60_000);
    // Near midnight "in a minute" is tomorrow: then use "a minute ago" (today, and overdue).
    const todayDue = soon.slice(0, 10) === at(0).slice(0, 10) ? soon : at(-60_000);
    const overdue = await post(t.client, '/activities', { kind: 'call', subject: 'Overdue', dueAt: at(-2 * day) });
    const today = await post(t.client, '/activities', { kind: 'meeting', subject: 'Today', dueAt: todayDue });
    await post(t.client, '/activities', { kind: 'task', subject: 'Upcoming', dueAt: at(3 * day) });
    await post(t.client, '/activities', { kind: 'email', subject: 'Undated' });
    const done = await post(t.client, '/activities', { kind: 'task', subject: 'Done', dueAt: at(-day) });
    const completed = await t.client.post(`${api}/activities/${done.id}/complete`);
    expect(completed.body).toMatchObject({ done: true, doneAt: expect.any(String) });

    const subjects = async (q: string) =>
      (await t.client.get(`${api}/activities${q}`)).body.data.map((a: { subject: string }) => a.subject);
    expect(await subjects('')).toEqual(['Overdue', 'Done', 'Today', 'Upcoming', 'Undated']);
    const overdueList = await subjects('?due=overdue');
    expect(overdueList).toEqual(todayDue === soon ? ['Overdue'] : ['Overdue', 'Today']);
    expect(await subjects('?due=today')).toEqual(['Today']);
    expect(await subjects('?due=upcoming')).toEqual(['Upcoming']);
    expect(await subjects('?due=done')).toEqual(['Done']);
    expect(await subjects('?due=undated')).toEqual(['Undated']);
    // Every open activity is in "open", and in at least one of the date tabs (undated included).
    const open = await subjects('?due=open');
    expect(open).toEqual(['Overdue', 'Today', 'Upcoming', 'Undated']);
    const byDate = new Set(
      (await Promise.all(['overdue', 'today', 'upcoming', 'undated'].map((d) => subjects(`?due=${d}`)))).flat(),
    );
    expect([...byDate].sort()).toEqual([...open].sort());
    expect((await t.client.get(`${api}/activities?due=soon`)).status).toBe(400);
    expect((await t.client.get(`${api}/activities?due=today&tz=Mars/Olympus`)).status).toBe(400);
    expect(overdue.id && today.id).toBeTruthy();
    const events = await env.sql("select id from core_outbox where tenant_id = $1 and name = 'crm.activity.created'", [
      t.id,
    ]);
    expect(events).toHaveLength(5);
  });

  it('links activities only to records the caller can see', async () => {
    const t = await env.tenant('links', { enable: ['crm'] });
    const o = await post(t.client, '/opportunities', { title: 'Linked' });
    const a = await post(t.client, '/activities', { kind: 'call', subject: 'Call', opportunityId: o.id });
    const byOpp = await t.client.get(`${api}/activities?opportunityId=${o.id}`);
    expect(byOpp.body).toMatchObject({ total_count: 1, data: [{ id: a.id }] });
    const member = await t.as('member');
    const refused = await member.post(`${api}/activities`, { kind: 'call', subject: 'Sneaky', opportunityId: o.id });
    expect(refused.status).toBe(400);
    expect((await member.get(`${api}/activities/${a.id}`)).status).toBe(404);
    expect((await member.get(`${api}/activities`)).body.total_count).toBe(0);
  });
});

describe('GraphQL', () => {
  it('serves the board with relations in a bounded number of statements, and the verbs', async () => {
    const t = await env.tenant('gql', { enable: ['crm'] });
    for (let i = 0; i < 12; i++) {
      const lead = await post(t.client, '/leads', { title: `Lead ${i}`, contactName: `Person ${i}`, value: '0.10' });
      await post(t.client, `/leads/${lead.id}/convert`, {});
    }
    const { pipelines } = (await t.client.graphql('{ pipelines { id name stages { id name kind } } }')).body.data;
    expect(pipelines[0].stages.map((s: { name: string }) => s.name)).toContain('Negotiation');
    const q = `query($id: ID!) { board(pipelineId: $id) { pipeline { name } stages { stage { name } count totalValue
      opportunities { id title stage { name } pipeline { name } contact { name } lead { title } } } } }`;
    const res = await t.client.graphql(q, { id: pipelines[0].id });
    expect(res.body.errors).toBeUndefined();
    const first = res.body.data.board.stages[0];
    expect(first).toMatchObject({ stage: { name: 'New' }, count: 12, totalValue: '1.20' });
    expect(first.opportunities[0]).toMatchObject({ stage: { name: 'New' }, contact: { name: 'Person 0' } });
    expect(statements(res)).toBeLessThanOrEqual(8);

    const oppId = first.opportunities[0].id;
    const qualified = pipelines[0].stages[1].id;
    const move = await t.client.graphql(
      'mutation($id: ID!, $s: ID!) { moveOpportunity(id: $id, stageId: $s, position: 0) { position probability stage { name } } }',
      { id: oppId, s: qualified },
    );
    expect(move.body.data.moveOpportunity).toEqual({ position: 0, probability: 30, stage: { name: 'Qualified' } });
    const lose = await t.client.graphql('mutation($id: ID!) { loseOpportunity(id: $id, reason: " ") { status } }', {
      id: oppId,
    });
    expect(lose.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    const win = await t.client.graphql('mutation($id: ID!) { winOpportunity(id: $id) { status stage { kind } } }', {
      id: oppId,
    });
    expect(win.body.data.winOpportunity).toEqual({ status: 'won', stage: { kind: 'won' } });
    const page = await t.client.graphql(
      '{ opportunities(filter: { status: open }, sort: "title", limit: 2) { totalCount items { title } } }',
    );
    expect(page.body.data.opportunities).toMatchObject({
      totalCount: 11,
      items: [{ title: 'Lead 1' }, { title: 'Lead 10' }],
    });
    const leads = await t.client.graphql(
      '{ leads(filter: { status: converted }) { totalCount items { contact { name } } } }',
    );
    expect(leads.body.data.leads.totalCount).toBe(12);
    expect(statements(leads)).toBeLessThanOrEqual(5);
    const conv = await t.client.graphql('mutation { createLead(input: { title: "G" }) { id } }');
    const converted = await t.client.graphql(
      'mutation($id: ID!) { convertLead(id: $id, input: { createContact: false }) { lead { status } opportunity { title } } }',
      { id: conv.body.data.createLead.id },
    );
    expect(converted.body.data.convertLead).toEqual({ lead: { status: 'converted' }, opportunity: { title: 'G' } });
    const act = await t.client.graphql(
      `mutation($o: ID!) { createActivity(input: { kind: "task", subject: "Follow up", opportunityId: $o, dueAt: "2020-01-01T00:00:00Z" }) { id } }`,
      { o: oppId },
    );
    const acts = await t.client.graphql(
      '{ activities(filter: { due: overdue }) { totalCount items { overdue opportunity { title } } } }',
    );
    expect(act.body.errors).toBeUndefined();
    expect(acts.body.data.activities).toEqual({
      totalCount: 1,
      items: [{ overdue: true, opportunity: { title: 'Lead 0' } }],
    });
  });
});
