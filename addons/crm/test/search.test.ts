import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';
import { fixtures } from './search-fixtures.ts';

let env: TestEnv;
let acme: TestTenant;
let globex: TestTenant;
let fx: ReturnType<typeof fixtures>;
let rep1: ApiClient;
let rep2: ApiClient;
const ids = {} as Record<
  'engines' | 'ada' | 'muller' | 'acmeCo' | 'acmeLead' | 'otherLead' | 'acmeOpp' | 'globexAda',
  string
>;
const C = '/api/v1/crm';

type Hit = { type: string; id: string; title: string; subtitle: string | null; kind: string | null; rank: number };
const hits = async (client: ApiClient, qs: string): Promise<Hit[]> => {
  const res = await client.get(`${C}/search?${qs}`);
  expect(res.status).toBe(200);
  return res.body.data;
};

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  fx = fixtures(env);
  acme = await env.tenant('acme', { enable: ['crm'] });
  globex = await env.tenant('globex', { enable: ['crm'] });
  rep1 = await acme.as('member');
  rep2 = await acme.as('member');
  const owner = await fx.userId(acme.client);
  const [u1, u2] = [await fx.userId(rep1), await fx.userId(rep2)];
  const a = acme.id;
  ids.engines = await fx.contact(a, owner, { name: 'Analytical Engines Ltd', kind: 'company', city: 'London' });
  ids.ada = await fx.contact(a, u1, { name: 'Ada Lovelace', email: 'ada@engines.test', companyId: ids.engines });
  ids.muller = await fx.contact(a, owner, { name: 'Jürgen Müller', email: 'jm@example.de' });
  ids.acmeCo = await fx.contact(a, owner, { name: 'Acme', kind: 'company' });
  ids.acmeLead = await fx.lead(a, u1, { title: 'Acme rollout', companyName: 'Acme' });
  ids.otherLead = await fx.lead(a, u2, {
    title: 'Website redesign',
    description: 'A competitor of acme asked for a quote',
  });
  ids.acmeOpp = await fx.opportunity(a, u1, { title: 'Acme expansion' });
  ids.globexAda = await fx.contact(globex.id, await fx.userId(globex.client), { name: 'Ada Byron' });
});
afterAll(() => env?.close());

describe('full-text search', () => {
  it('prefix-matches words: "ada lov" finds Ada Lovelace, with her company as subtitle', async () => {
    const res = await hits(acme.client, 'q=ada%20lov');
    expect(res[0]).toMatchObject({ type: 'contact', id: ids.ada, title: 'Ada Lovelace', kind: 'person' });
    expect(res[0]?.subtitle).toContain('Analytical Engines Ltd');
    expect(res[0]?.rank).toBeGreaterThan(0);
    expect(res.map((h) => h.id)).not.toContain(ids.muller);
  });

  it('ranks a title match above a description match and mixes types', async () => {
    const res = await hits(acme.client, 'q=acme');
    const order = res.map((h) => h.id);
    expect(new Set(res.map((h) => h.type))).toEqual(new Set(['contact', 'lead', 'opportunity']));
    expect(order.indexOf(ids.acmeLead)).toBeLessThan(order.indexOf(ids.otherLead));
    expect(order.indexOf(ids.acmeCo)).toBeLessThan(order.indexOf(ids.otherLead));
    expect(res.find((h) => h.id === ids.acmeCo)).toMatchObject({ kind: 'company', title: 'Acme' });
    const leads = await hits(acme.client, 'q=acme&types=lead');
    expect(leads.map((h) => h.id)).toEqual([ids.acmeLead, ids.otherLead]);
    expect(leads[0]?.rank).toBeGreaterThan(leads[1]?.rank ?? 1);
  });

  it('ignores case and keeps accented letters inside words', async () => {
    for (const q of ['MÜLL', 'jürgen', 'Jürgen%20müller']) {
      expect((await hits(acme.client, `q=${q}`)).map((h) => h.id)).toEqual([ids.muller]);
    }
    // Emails are searchable by their parts.
    expect((await hits(acme.client, 'q=ada%40engines')).map((h) => h.id)).toEqual([ids.ada]);
  });

  it('limits the results and validates the query', async () => {
    expect(await hits(acme.client, 'q=acme&limit=2')).toHaveLength(2);
    expect((await acme.client.get(`${C}/search`)).status).toBe(400);
    expect((await acme.client.get(`${C}/search?q=a&types=lead,invoice`)).status).toBe(400);
    expect(await hits(acme.client, 'q=%21%21')).toEqual([]);
  });

  it('never shows another tenant’s rows', async () => {
    expect((await hits(globex.client, 'q=ada')).map((h) => h.id)).toEqual([ids.globexAda]);
    expect(await hits(globex.client, 'q=acme')).toEqual([]);
    expect(await hits(acme.client, 'q=byron')).toEqual([]);
  });

  it('applies record rules: a member finds only their own records', async () => {
    const mine = await hits(rep1, 'q=acme');
    expect(mine.map((h) => h.id).sort()).toEqual([ids.acmeLead, ids.acmeOpp].sort());
    expect((await hits(rep2, 'q=acme')).map((h) => h.id)).toEqual([ids.otherLead]);
    expect((await hits(rep2, 'q=ada')).map((h) => h.id)).toEqual([]);
  });

  it('skips types the caller may not read instead of failing', async () => {
    const viewer = await fx.userWith(acme, 'contact-viewer', ['crm.contact.read']);
    const res = await hits(viewer, 'q=acme');
    expect(res.map((h) => h.type)).toEqual(['contact']);
    const none = await fx.userWith(acme, 'nobody', []);
    expect(await hits(none, 'q=acme')).toEqual([]);
  });

  it('answers over GraphQL with the same hits', async () => {
    const res = await acme.client.graphql(
      'query($q: String!) { search(q: $q, types: ["contact", "lead"], limit: 5) { type id title subtitle kind rank } }',
      { q: 'ada lov' },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.search[0]).toMatchObject({ type: 'contact', id: ids.ada, kind: 'person' });
    const bad = await acme.client.graphql('{ search(q: "x", types: ["invoice"]) { id } }');
    expect(bad.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
  });

  it('costs one statement per type', async () => {
    const res = await acme.client.get(`${C}/search?q=acme`);
    // Opening the transaction with the caller's identity, then one statement per type.
    expect(Number(res.headers.get('x-db-statements'))).toBeLessThanOrEqual(4);
  });
});
