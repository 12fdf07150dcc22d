import { defineAddon, definePermissions, defineSearchProvider } from '@elevate/sdk';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';
import { fixtures } from './search-fixtures.ts';

// A third-party-shaped addon registering a provider of its own: it echoes the words it was given,
// so the test sees what the kernel hands providers.
const echo = defineAddon({
  id: 'echo',
  version: '1.0.0',
  title: 'Echo (fixture)',
  description: 'Test fixture: a search provider answering the folded words it was asked for.',
  category: 'testing',
  platform: '^1.0.0',
  permissions: definePermissions({ 'echo.word.read': { title: 'See echoed words', grant: ['admin'] } }),
  search: [
    defineSearchProvider({
      type: 'echo.word',
      label: 'Words',
      permission: 'echo.word.read',
      search: async (ctx, query) =>
        query.terms.map((t, i) => ({ id: `${ctx.tenant.slug}:${t}`, title: t, href: `/echo/${t}`, score: -i })),
    }),
  ],
});

let env: TestEnv;
let acme: TestTenant;
let globex: TestTenant;
let fx: ReturnType<typeof fixtures>;
let rep1: ApiClient;
let rep2: ApiClient;
const ids = {} as Record<'muller' | 'ada' | 'engines' | 'lead' | 'opp' | 'globexMuller' | 'repContact', string>;

type Group = {
  type: string;
  label: string;
  addon: string;
  hits: { id: string; title: string; subtitle?: string | null; href: string; score: number }[];
};
const search = async (client: ApiClient, qs: string): Promise<Group[]> => {
  const res = await client.get(`/api/v1/core/search?${qs}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.groups;
};
const group = (groups: Group[], type: string) => groups.find((g) => g.type === type);
const idsOf = (groups: Group[], type: string) => group(groups, type)?.hits.map((h) => h.id) ?? [];

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, echo], workers: false });
  fx = fixtures(env);
  acme = await env.tenant('acme', { enable: ['crm', 'echo'] });
  globex = await env.tenant('globex', { enable: ['crm'] });
  rep1 = await acme.as('member');
  rep2 = await acme.as('member');
  const owner = await fx.userId(acme.client);
  const a = acme.id;
  ids.engines = await fx.contact(a, owner, { name: 'Analytical Engines Ltd', kind: 'company', city: 'London' });
  ids.muller = await fx.contact(a, owner, { name: 'Jürgen Müller', email: 'jm@example.de' });
  ids.ada = await fx.contact(a, owner, { name: 'Ada Lovelace', email: 'ada@engines.test', companyId: ids.engines });
  ids.repContact = await fx.contact(a, await fx.userId(rep1), { name: 'Zoë Ångström' });
  ids.lead = await fx.lead(a, owner, { title: 'Lovelace analytics rollout' });
  ids.opp = await fx.opportunity(a, owner, { title: 'Engines expansion' });
  ids.globexMuller = await fx.contact(globex.id, await fx.userId(globex.client), { name: 'Jurgen Muller' });
});
afterAll(() => env?.close());

describe('global search', () => {
  it('asks every enabled provider and groups the hits by type, each with its page', async () => {
    const groups = await search(acme.client, 'q=lovelace');
    expect(groups.map((g) => g.type)).toEqual(['crm.contact', 'crm.lead', 'echo.word']);
    expect(group(groups, 'crm.contact')).toMatchObject({
      label: 'Contacts',
      labelKey: 'search.contacts',
      addon: 'crm',
    });
    expect(group(groups, 'crm.contact')?.hits[0]).toMatchObject({
      id: ids.ada,
      title: 'Ada Lovelace',
      href: `/crm/contacts/${ids.ada}`,
    });
    expect(group(groups, 'crm.contact')?.hits[0]?.subtitle).toContain('Analytical Engines Ltd');
    expect(group(groups, 'crm.lead')?.hits[0]).toMatchObject({ id: ids.lead, href: `/crm/leads/${ids.lead}` });
    const companies = await search(acme.client, 'q=engines');
    expect(group(companies, 'crm.company')?.hits[0]).toMatchObject({
      id: ids.engines,
      href: `/crm/companies/${ids.engines}`,
    });
    expect(idsOf(companies, 'crm.opportunity')).toEqual([ids.opp]);
    expect(group(companies, 'crm.opportunity')?.hits[0]?.href).toBe(`/crm/opportunities/${ids.opp}`);
  });

  it('hands providers the folded words, longest first', async () => {
    const res = await acme.client.get('/api/v1/core/search?q=%20Jürgen%20MÜLLER%20a%20&types=echo.word');
    expect(res.body.terms).toEqual(['jurgen', 'muller']);
    expect(idsOf(res.body.groups, 'echo.word')).toEqual(['acme:jurgen', 'acme:muller']);
  });

  it('folds accents both ways, matches prefixes and tolerates typos', async () => {
    for (const q of ['jurgen', 'muller', 'MÜLL', 'jürg', 'mueller', 'jurgen%20mulle']) {
      expect(idsOf(await search(acme.client, `q=${q}`), 'crm.contact'), q).toEqual([ids.muller]);
    }
    // The stored name has the accents, the query none: and the other way round.
    expect(idsOf(await search(acme.client, 'q=zoe%20angstrom'), 'crm.contact')).toEqual([ids.repContact]);
    expect(idsOf(await search(acme.client, 'q=ada%20lov'), 'crm.contact')).toEqual([ids.ada]);
    // One letter wrong, one missing: still Ada Lovelace first.
    expect(idsOf(await search(acme.client, 'q=lovlace'), 'crm.contact')[0]).toBe(ids.ada);
    expect(idsOf(await search(acme.client, 'q=ada%20lovelase'), 'crm.contact')[0]).toBe(ids.ada);
    // Every word must match: no contact is both Ada and Müller.
    expect(idsOf(await search(acme.client, 'q=ada%20muller'), 'crm.contact')).toEqual([]);
  });

  it('limits hits per group, filters by type and validates the query', async () => {
    const two = await fx.contact(acme.id, await fx.userId(acme.client), { name: 'Ada Byron' });
    const groups = await search(acme.client, 'q=ada&limit=1&types=crm.contact');
    expect(groups.map((g) => g.type)).toEqual(['crm.contact']);
    expect(group(groups, 'crm.contact')?.hits).toHaveLength(1);
    expect(idsOf(await search(acme.client, 'q=ada&types=crm.contact'), 'crm.contact').sort()).toEqual(
      [ids.ada, two].sort(),
    );
    await env.sql('delete from crm_contact where id = $1', [two]);
    for (const qs of ['', 'q=', `q=${'x'.repeat(201)}`, 'q=ada&limit=0', 'q=ada&limit=51', 'q=ada&types=Contacts']) {
      const res = await acme.client.get(`/api/v1/core/search?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    // Nothing searchable (one letter, punctuation): no groups, no error.
    expect(await search(acme.client, 'q=a%20!!')).toEqual([]);
    expect((await env.anonymous().get('/api/v1/core/search?q=ada')).status).toBe(401);
  });

  it('never shows another tenant’s records, nor providers of addons it has not enabled', async () => {
    const groups = await search(globex.client, 'q=muller');
    expect(groups.map((g) => g.type)).toEqual(['crm.contact']);
    expect(idsOf(groups, 'crm.contact')).toEqual([ids.globexMuller]);
    expect(await search(globex.client, 'q=lovelace')).toEqual([]);
    expect(idsOf(await search(acme.client, 'q=muller'), 'crm.contact')).toEqual([ids.muller]);
  });

  it('the search functions answer only the tenant of the transaction, and nothing without one', async () => {
    // As the schema owner (a superuser here: no row-level security at all), so the function's own
    // tenant rule is what is tested.
    const asApp = async (tenant: string | null) => {
      const db = new pg.Client({ connectionString: env.databaseUrl });
      await db.connect();
      try {
        await db.query('begin');
        if (tenant) await db.query(`select set_config('app.tenant_id', $1, true)`, [tenant]);
        const res = await db.query<{ id: string }>(
          `select id from crm_search_contacts(array['muller'], null, null, 10)`,
        );
        return res.rows;
      } finally {
        await db.query('rollback');
        await db.end();
      }
    };
    expect((await asApp(acme.id)).map((r) => r.id)).toEqual([ids.muller]);
    expect((await asApp(globex.id)).map((r) => r.id)).toEqual([ids.globexMuller]);
    expect(await asApp(null)).toEqual([]);
  });

  it('applies record rules: a member finds only what they may read', async () => {
    expect(idsOf(await search(rep1, 'q=zoe'), 'crm.contact')).toEqual([ids.repContact]);
    expect(await search(rep2, 'q=zoe')).toEqual([]);
    // The owner's records are not the members' to see; the admin-only provider is not asked.
    expect(await search(rep1, 'q=lovelace')).toEqual([]);
    expect(await search(rep1, 'q=jurgen')).toEqual([]);
  });

  it('does not ask providers whose permission the caller lacks', async () => {
    const leadsOnly = await fx.userWith(acme, 'lead-reader', ['crm.lead.read']);
    expect((await search(leadsOnly, 'q=lovelace')).map((g) => g.type)).toEqual(['crm.lead']);
    const nobody = await fx.userWith(acme, 'nobody', []);
    expect(await search(nobody, 'q=lovelace')).toEqual([]);
  });
});
