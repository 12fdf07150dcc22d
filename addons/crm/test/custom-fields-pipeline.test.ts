import { type ApiClient, bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// Custom fields on leads and opportunities, as their pages use them: values checked by type (422
// naming custom.<key>), another tenant sees none of it, a field limited to a role is hidden from
// the others everywhere; and saved views of crm.leads / crm.opportunities that filter and sort by
// a custom field, counted under the caller's visibility.
let env: TestEnv;
const C = '/api/v1/crm';
const F = '/api/v1/core/custom-fields';
const V = '/api/v1/core/views';

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
});
afterAll(() => env?.close());

async function define(client: ApiClient, model: string, body: Record<string, unknown>) {
  const res = await client.post(F, { model, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; key: string; options: { id: string; label: string }[] };
}

describe('custom fields on leads and opportunities', () => {
  it('checks each value by its type: a 422 naming the field, on create and on change, REST and GraphQL', async () => {
    const t = await env.tenant('cfp-types', { enable: ['crm'] });
    await define(t.client, 'crm.lead', { key: 'budget', label: 'Budget', type: 'number' });
    await define(t.client, 'crm.lead', { key: 'heard_on', label: 'Heard on', type: 'date' });
    await define(t.client, 'crm.opportunity', { key: 'renewal', label: 'Renewal', type: 'date', required: true });
    await define(t.client, 'crm.opportunity', { key: 'site', label: 'Site', type: 'url' });

    const bad = await t.client.post(`${C}/leads`, { title: 'L', custom: { budget: 'lots', heard_on: '2026-13-40' } });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('CUSTOM_FIELD_INVALID');
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['custom.budget', 'custom.heard_on']);
    const lead = await t.client.post(`${C}/leads`, {
      title: 'L',
      custom: { budget: '1200.50', heard_on: '2026-03-01' },
    });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    const patched = await t.client.patch(`${C}/leads/${lead.body.id}`, { custom: { budget: 12 } });
    expect(patched.status).toBe(422);
    expect(patched.body.details[0].path).toBe('custom.budget');
    // In words a form can show under the field, not the pattern.
    expect(bad.body.details.find((d: { path: string }) => d.path === 'custom.budget').message).toBe(
      'must be a number, e.g. 12 or 12.50',
    );
    // Nothing of the refused change was stored.
    expect((await t.client.get(`${C}/leads/${lead.body.id}`)).body.custom).toEqual({
      budget: '1200.50',
      heard_on: '2026-03-01',
    });

    const missing = await t.client.post(`${C}/opportunities`, { title: 'O' });
    expect(missing.status).toBe(422);
    expect(missing.body.details[0].path).toBe('custom.renewal');
    const opp = await t.client.post(`${C}/opportunities`, { title: 'O', custom: { renewal: '2027-01-31' } });
    expect(opp.status, JSON.stringify(opp.body)).toBe(201);
    const badUrl = await t.client.patch(`${C}/opportunities/${opp.body.id}`, { custom: { site: 'not a url' } });
    expect(badUrl.status).toBe(422);
    expect(badUrl.body.details[0].path).toBe('custom.site');
    const cleared = await t.client.patch(`${C}/opportunities/${opp.body.id}`, { custom: { renewal: null } });
    expect(cleared.status).toBe(422);
    expect(cleared.body.details[0].path).toBe('custom.renewal');

    const g = await t.client.graphql(
      'mutation($id: ID!) { updateLead(id: $id, input: { custom: { budget: "x" } }) { id } }',
      {
        id: lead.body.id,
      },
    );
    expect(g.body.errors?.[0]?.extensions).toMatchObject({ code: 'CUSTOM_FIELD_INVALID', status: 422 });
  });

  it("another tenant sees neither a tenant's leads and opportunities nor their custom values", async () => {
    const a = await env.tenant('cfp-iso-a', { enable: ['crm'] });
    const b = await env.tenant('cfp-iso-b', { enable: ['crm'] });
    await define(a.client, 'crm.lead', { key: 'campaign', label: 'Campaign', type: 'text', filterable: true });
    await define(a.client, 'crm.opportunity', { key: 'deal_code', label: 'Deal code', type: 'text' });
    const lead = (await a.client.post(`${C}/leads`, { title: 'A lead', custom: { campaign: 'spring' } })).body;
    const opp = (await a.client.post(`${C}/opportunities`, { title: 'A deal', custom: { deal_code: 'D1' } })).body;

    expect((await b.client.get(`${F}?model=crm.lead`)).body.data).toEqual([]);
    expect((await b.client.get(`${C}/leads/${lead.id}`)).status).toBe(404);
    expect((await b.client.get(`${C}/opportunities/${opp.id}`)).status).toBe(404);
    expect((await b.client.patch(`${C}/leads/${lead.id}`, { custom: { campaign: 'x' } })).status).toBe(404);
    // A's key is no field of B's: filtering or writing by it is refused as unknown.
    expect((await b.client.get(`${C}/leads?custom.campaign=spring`)).status).toBe(422);
    expect((await b.client.post(`${C}/opportunities`, { title: 'B', custom: { deal_code: 'x' } })).status).toBe(422);
    // B's own field with the same key finds none of A's rows.
    await define(b.client, 'crm.lead', { key: 'campaign', label: 'Campaign', type: 'text' });
    const listed = await b.client.get(`${C}/leads?custom.campaign=spring`);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([]);
    const g = await b.client.graphql('{ opportunities { items { id custom } } }');
    expect(g.body.data.opportunities.items).toEqual([]);
  });

  it('a field limited to managers is hidden from members on leads and opportunities (get, list, GraphQL, filter, write)', async () => {
    const t = await env.tenant('cfp-roles', { enable: ['crm'] });
    await define(t.client, 'crm.lead', { key: 'margin', label: 'Margin', type: 'number', visibleTo: ['manager'] });
    await define(t.client, 'crm.lead', { key: 'campaign', label: 'Campaign', type: 'text' });
    await define(t.client, 'crm.opportunity', {
      key: 'floor',
      label: 'Floor price',
      type: 'money',
      visibleTo: ['manager'],
    });
    const manager = await t.as('manager');
    const member = await t.as('member', 'rep@cfp-roles.test');
    const lead = (
      await manager.post(`${C}/leads`, { title: 'Hidden margin', custom: { margin: '31', campaign: 'fall' } })
    ).body;
    const opp = (
      await manager.post(`${C}/opportunities`, {
        title: 'Hidden floor',
        custom: { floor: { amount: '900.00', currency: 'EUR' } },
      })
    ).body;
    expect(lead.custom).toEqual({ margin: '31', campaign: 'fall' });
    // Given to the member, so record rules do not hide the rows themselves.
    for (const table of ['crm_lead', 'crm_opportunity']) {
      await env.sql(
        `update ${table} set owner_id = (select id from core_user where tenant_id = $1 and email = 'rep@cfp-roles.test') where tenant_id = $1`,
        [t.id],
      );
    }

    expect((await member.get(`${C}/leads/${lead.id}`)).body.custom).toEqual({ campaign: 'fall' });
    expect((await member.get(`${C}/leads`)).body.data.find((l: { id: string }) => l.id === lead.id).custom).toEqual({
      campaign: 'fall',
    });
    const seenOpp = await member.get(`${C}/opportunities/${opp.id}`);
    expect(seenOpp.status, JSON.stringify(seenOpp.body)).toBe(200);
    expect(seenOpp.body.custom).toEqual({});
    expect((await member.get(`${C}/opportunities`)).body.data.map((o: { custom: unknown }) => o.custom)).toEqual([{}]);
    expect((await t.client.get(`${C}/opportunities/${opp.id}`)).body.custom).toEqual({
      floor: { amount: '900.00', currency: 'EUR' },
    });
    const g = await member.graphql('{ leads { items { custom } } opportunities { items { custom } } }');
    expect(g.body.data.leads.items).toEqual([{ custom: { campaign: 'fall' } }]);
    expect(g.body.data.opportunities.items).toEqual([{ custom: {} }]);
    expect((await member.get(`${F}?model=crm.opportunity`)).body.data).toEqual([]);
    expect((await member.get(`${C}/leads?custom.margin.gte=1`)).status).toBe(422);
    expect((await member.get(`${C}/opportunities?sort=custom.floor`)).status).toBe(422);
    const w = await member.patch(`${C}/opportunities/${opp.id}`, {
      custom: { floor: { amount: '1.00', currency: 'EUR' } },
    });
    expect(w.status).toBe(422);
    expect(w.body.details[0].path).toBe('custom.floor');
    // The member's own change keeps the hidden value.
    expect((await member.patch(`${C}/leads/${lead.id}`, { custom: { campaign: 'winter' } })).status).toBe(200);
    expect((await t.client.get(`${C}/leads/${lead.id}`)).body.custom).toEqual({ margin: '31', campaign: 'winter' });
  });
});

describe('saved views with custom fields', () => {
  it('a view of leads and of opportunities filters and sorts by a custom field, and is counted', async () => {
    const t = await env.tenant('cfp-views', { enable: ['crm'] });
    const tier = await define(t.client, 'crm.lead', {
      key: 'tier',
      label: 'Tier',
      type: 'select',
      filterable: true,
      options: [{ label: 'Gold' }, { label: 'Silver' }],
    });
    const gold = tier.options.find((o) => o.label === 'Gold')?.id;
    await define(t.client, 'crm.opportunity', { key: 'seats', label: 'Seats', type: 'number' });
    for (const [title, o] of [
      ['A', gold],
      ['B', gold],
      ['C', tier.options[1]?.id],
    ] as const) {
      expect((await t.client.post(`${C}/leads`, { title, custom: { tier: o } })).status).toBe(201);
    }
    for (const [title, seats] of [
      ['Small', '5'],
      ['Big', '500'],
    ]) {
      expect((await t.client.post(`${C}/opportunities`, { title, custom: { seats } })).status).toBe(201);
    }

    const leads = await t.client.post(V, {
      list: 'crm.leads',
      name: 'Gold leads',
      filters: { 'custom.tier': gold },
      columns: [{ field: 'title' }, { field: 'custom.tier', width: 160 }],
      sort: '-custom.tier',
    });
    expect(leads.status, JSON.stringify(leads.body)).toBe(201);
    expect((await t.client.get(`${V}/${leads.body.id}?counts=true`)).body.count).toBe(2);
    const opps = await t.client.post(V, {
      list: 'crm.opportunities',
      name: 'Big',
      filters: { 'custom.seats.gte': '100' },
      sort: 'custom.seats',
    });
    expect(opps.status, JSON.stringify(opps.body)).toBe(201);
    expect((await t.client.get(`${V}/${opps.body.id}?counts=true`)).body.count).toBe(1);

    // Only custom.<key> filters and sorts the list takes: anything else is a 400 naming it.
    const bad = await t.client.post(V, { list: 'crm.leads', name: 'Bad', filters: { 'custom.tier.near': 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('filters.custom.tier.near');
    const badSort = await t.client.post(V, { list: 'crm.leads', name: 'Bad sort', sort: 'custom.Tier' });
    expect(badSort.status).toBe(400);
    expect(badSort.body.details[0].path).toBe('sort');

    // A field the user may not see (archived here): the view stays, without a count.
    const hidden = await t.client.post(V, { list: 'crm.opportunities', name: 'Gone', filters: { 'custom.nope': '1' } });
    expect(hidden.status).toBe(201);
    expect((await t.client.get(`${V}/${hidden.body.id}?counts=true`)).body.count).toBeNull();

    const other = await env.tenant('cfp-views-b', { enable: ['crm'] });
    expect((await other.client.get(`${V}/${leads.body.id}`)).status).toBe(404);
  });
});
