import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageStore } from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';
import { loyalty } from './fixtures/loyalty/loyalty.addon.ts';

let env: TestEnv;
let acme: TestTenant;
let beta: TestTenant;
const ids: Record<string, string> = {};

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

async function userId(t: TestTenant, email: string): Promise<string> {
  const [u] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1 and email = $2', [
    t.id,
    email,
  ]);
  return (u as { id: string }).id;
}

async function insert(table: string, row: Record<string, unknown>): Promise<string> {
  const keys = Object.keys(row);
  const [r] = await env.sql<{ id: string }>(
    `insert into ${table} (${keys.join(', ')}) values (${keys.map((_, i) => `$${i + 1}`).join(', ')}) returning id`,
    Object.values(row),
  );
  return (r as { id: string }).id;
}

const QUERY = `query($id: ID!, $limit: Int) {
  contact360(id: $id, limit: $limit) {
    contact { id name }
    company { id name }
    people { id name }
    timeline { id addon type at title titleKey titleValues body meta }
    panels { id addon title items { label value } }
  }
}`;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, loyalty], workers: false });
  acme = await env.tenant('acme', { enable: ['crm', 'loyalty'] });
  beta = await env.tenant('beta', { enable: ['crm'] });
  const owner = await userId(acme, acme.ownerEmail);
  const t = acme.id;
  const [pipeline] = await env.sql<{ id: string; stage: string }>(
    `select p.id, (select s.id from crm_stage s where s.tenant_id = p.tenant_id and s.pipeline_id = p.id order by position limit 1) as stage
     from crm_pipeline p where p.tenant_id = $1 limit 1`,
    [t],
  );
  const base = { tenant_id: t, owner_id: owner, created_by: owner };
  ids.company = await insert('crm_contact', { ...base, kind: 'company', name: 'Initech' });
  ids.ada = await insert('crm_contact', {
    ...base,
    name: 'Ada Lovelace',
    company_id: ids.company,
    created_at: daysAgo(30),
  });
  ids.activity = await insert('crm_activity', {
    ...base,
    kind: 'call',
    subject: 'Intro call',
    contact_id: ids.ada,
    done: true,
    done_at: daysAgo(5),
    created_at: daysAgo(8),
  });
  ids.note = await insert('crm_note', { ...base, body: 'Prefers email', contact_id: ids.ada, created_at: daysAgo(3) });
  ids.lead = await insert('crm_lead', {
    ...base,
    title: 'Website inquiry',
    contact_id: ids.ada,
    created_at: daysAgo(4),
  });
  ids.opportunity = await insert('crm_opportunity', {
    ...base,
    title: 'Annual plan',
    contact_id: ids.ada,
    pipeline_id: pipeline?.id,
    stage_id: pipeline?.stage,
    value: '1200.00',
    status: 'won',
    closed_at: daysAgo(1),
    created_at: daysAgo(10),
  });
  ids.points1 = await insert('loyalty_points', {
    tenant_id: t,
    contact_id: ids.ada,
    points: 120,
    reason: 'Welcome bonus',
    created_at: daysAgo(2),
  });
  ids.points2 = await insert('loyalty_points', {
    tenant_id: t,
    contact_id: ids.ada,
    points: -20,
    reason: 'Redeemed',
    created_at: daysAgo(6),
  });

  // beta has not enabled loyalty: points rows it holds (say, from before a disable) stay hidden.
  const bOwner = await userId(beta, beta.ownerEmail);
  ids.bob = await insert('crm_contact', { tenant_id: beta.id, owner_id: bOwner, name: 'Bob Beta' });
  await insert('crm_note', { tenant_id: beta.id, owner_id: bOwner, body: 'Met at a fair', contact_id: ids.bob });
  await insert('loyalty_points', { tenant_id: beta.id, contact_id: ids.bob, points: 5, reason: 'Left over' });
});
afterAll(() => env?.close());

describe('contact 360° view', () => {
  it('merges crm records and the loyalty addon’s entries, newest first, with its panel', async () => {
    const res = await acme.client.graphql(QUERY, { id: ids.ada });
    expect(res.body.errors).toBeUndefined();
    const view = res.body.data.contact360;
    expect(view.contact).toEqual({ id: ids.ada, name: 'Ada Lovelace' });
    expect(view.company).toEqual({ id: ids.company, name: 'Initech' });
    expect(view.people).toEqual([]);
    const timeline = view.timeline as { id: string; addon: string; type: string; at: string; title: string }[];
    expect(timeline.map((e) => [e.addon, e.type, e.id])).toEqual([
      ['crm', 'crm.opportunity.won', `opportunity:${ids.opportunity}:won`],
      ['loyalty', 'loyalty.points', ids.points1],
      ['crm', 'crm.note', `note:${ids.note}`],
      ['crm', 'crm.lead', `lead:${ids.lead}`],
      ['crm', 'crm.activity', `activity:${ids.activity}`],
      ['loyalty', 'loyalty.points', ids.points2],
      ['crm', 'crm.opportunity.created', `opportunity:${ids.opportunity}:created`],
    ]);
    const times = timeline.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(timeline[1]).toMatchObject({ title: '+120 points', body: 'Welcome bonus' });
    // crm's titles carry their key in crm's web catalogue: its English with the values is the title,
    // and German says it in German (the page shows that to a German reader).
    const store = new MessageStore();
    for (const lang of ['en', 'de']) {
      store.add(
        'crm',
        lang,
        JSON.parse(readFileSync(join(import.meta.dirname, `../web/messages/${lang}.json`), 'utf8')),
      );
    }
    const own = (
      view.timeline as {
        addon: string;
        type: string;
        title: string;
        titleKey: string;
        titleValues: Record<string, string>;
      }[]
    ).filter((e) => e.addon === 'crm');
    expect(own.length).toBe(5);
    for (const e of own) {
      expect(e.titleKey, e.type).toMatch(/^timeline\.entry\./);
      expect(store.format('crm', 'en', e.titleKey, e.titleValues)).toBe(e.title);
    }
    const german = Object.fromEntries(own.map((e) => [e.type, store.format('crm', 'de', e.titleKey, e.titleValues)]));
    expect(german['crm.note']).toBe('Notiz');
    expect(german['crm.opportunity.won']).toMatch(/^Gewonnen: /);
    expect(german['crm.opportunity.created']).toMatch(/^Verkaufschance: /);
    expect(view.panels).toEqual([
      {
        id: 'loyalty.balance',
        addon: 'loyalty',
        title: 'Loyalty',
        items: [
          { label: 'Points', value: '100' },
          { label: 'Tier', value: 'Gold' },
        ],
      },
    ]);
  });

  it('answers the same over REST, and cuts the timeline at the limit', async () => {
    const res = await acme.client.get(`/api/v1/crm/contacts/${ids.ada}/360?limit=3`);
    expect(res.status).toBe(200);
    expect(res.body.contact).toMatchObject({ id: ids.ada, name: 'Ada Lovelace' });
    expect(res.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'crm.opportunity.won',
      'loyalty.points',
      'crm.note',
    ]);
    expect(res.body.panels).toHaveLength(1);
  });

  it('lists a company’s people', async () => {
    const res = await acme.client.graphql(QUERY, { id: ids.company });
    expect(res.body.data.contact360.people).toEqual([{ id: ids.ada, name: 'Ada Lovelace' }]);
    expect(res.body.data.contact360.company).toBeNull();
  });

  it('leaves out addons the tenant has not enabled', async () => {
    const res = await beta.client.graphql(QUERY, { id: ids.bob });
    expect(res.body.errors).toBeUndefined();
    const view = res.body.data.contact360;
    expect(view.timeline.map((e: { addon: string; type: string }) => [e.addon, e.type])).toEqual([['crm', 'crm.note']]);
    expect(view.panels).toEqual([]);
  });

  it('hides another tenant’s contact: 404 over REST, null in GraphQL', async () => {
    expect((await beta.client.get(`/api/v1/crm/contacts/${ids.ada}/360`)).status).toBe(404);
    const res = await beta.client.graphql(QUERY, { id: ids.ada });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.contact360).toBeNull();
    expect((await acme.client.get('/api/v1/crm/contacts/not-an-id/360')).status).toBe(404);
  });

  it('applies record rules: a member sees only own contacts, and only own records on the timeline', async () => {
    const member = await acme.as('member', 'rep@acme.test');
    expect((await member.get(`/api/v1/crm/contacts/${ids.ada}/360`)).status).toBe(404);
    const rep = await userId(acme, 'rep@acme.test');
    const own = await insert('crm_contact', { tenant_id: acme.id, owner_id: rep, name: 'Rep Customer' });
    await insert('crm_note', {
      tenant_id: acme.id,
      owner_id: rep,
      body: 'Mine',
      contact_id: own,
      created_at: daysAgo(1),
    });
    const owner = await userId(acme, acme.ownerEmail);
    await insert('crm_note', { tenant_id: acme.id, owner_id: owner, body: 'The boss’s', contact_id: own });
    const res = await member.get(`/api/v1/crm/contacts/${own}/360`);
    expect(res.status).toBe(200);
    expect(res.body.timeline.map((e: { body: string }) => e.body)).toEqual(['Mine']);
  });
});
