import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';
import { compareDecimal } from '../src/services/scoring.service.ts';
import { fixtures } from './search-fixtures.ts';

let env: TestEnv;
const R = '/api/v1/crm/scoring-rules';
let seq = 0;

type World = { acme: TestTenant; globex: TestTenant; api: ApiClient; ids: Record<string, string> };

/** Two fresh companies with three leads (and one in the other company), made per test so any order works. */
const world = async (): Promise<World> => {
  const fx = fixtures(env);
  const n = ++seq;
  const acme = await env.tenant(`acme${n}`, { enable: ['crm'] });
  const globex = await env.tenant(`globex${n}`, { enable: ['crm'] });
  const api = acme.client;
  const owner = await fx.userId(api);
  const ids: Record<string, string> = {};
  ids.l1 = await fx.lead(acme.id, owner, {
    title: 'Referral',
    source: 'referral',
    companyName: 'Acme Corp',
    value: '25000',
    email: 'a@acme.test',
  });
  ids.l2 = await fx.lead(acme.id, owner, { title: 'Web', source: 'web', value: '500' });
  ids.l3 = await fx.lead(acme.id, owner, { title: 'Labs', companyName: 'ACME labs' });
  ids.g1 = await fx.lead(globex.id, await fx.userId(globex.client), { title: 'Globex', source: 'referral' });
  return { acme, globex, api, ids };
};

const scores = async (tenantId: string) =>
  Object.fromEntries(
    (
      await env.sql<{ id: string; score: number }>('select id, score from crm_lead where tenant_id = $1', [tenantId])
    ).map((r) => [r.id, r.score]),
  );
const rule = async (api: ApiClient, body: Record<string, unknown>) => {
  const res = await api.post(R, body);
  expect(res.status).toBe(201);
  return res.body as { id: string; rescore: { mode: string; changed: number } };
};
/** The six rules the stories below start from. */
const sixRules = async (api: ApiClient) => {
  const first = await rule(api, { field: 'source', operator: 'equals', value: 'referral', points: 20 });
  await rule(api, { field: 'companyName', operator: 'contains', value: 'acme', points: 10 });
  await rule(api, { field: 'value', operator: 'greater_than', value: '10000', points: 15 });
  const isSet = await rule(api, { field: 'email', operator: 'is_set', value: 'ignored', points: 5 });
  await rule(api, { field: 'value', operator: 'less_than', value: '1000', points: -5 });
  await rule(api, { field: 'value', operator: 'equals', value: '25000.00', points: 1 });
  return { first, isSet };
};

beforeAll(async () => {
  // Workers run: a tenant with many leads is rescored by a background job.
  env = await bootTestKernel({ addons: [crm] });
});
afterAll(() => env?.close());

describe('lead scoring rules', () => {
  it('is for those who manage scoring only', async () => {
    const { acme } = await world();
    const member = await acme.as('member');
    expect((await member.get(R)).status).toBe(403);
    expect((await member.post(R, { field: 'source', operator: 'equals', value: 'x', points: 1 })).status).toBe(403);
    expect((await member.post(`${R}/recompute`)).status).toBe(403);
  });

  it('rescores every lead when a rule is added', async () => {
    const { acme, globex, api, ids } = await world();
    const { first, isSet } = await sixRules(api);
    expect(first).toMatchObject({ active: true, rescore: { mode: 'inline', changed: 1 } });
    expect(isSet).toMatchObject({ value: null });
    expect(await scores(acme.id)).toMatchObject({
      [ids.l1 as string]: 51,
      [ids.l2 as string]: -5,
      [ids.l3 as string]: 10,
    });
    // Another tenant's leads are untouched by these rules.
    expect(await scores(globex.id)).toEqual({ [ids.g1 as string]: 0 });
    const list = await api.get(R);
    expect(list.body).toMatchObject({ total_count: 6 });
  });

  it('rescores a lead when it is created or changed', async () => {
    const { acme, api, ids } = await world();
    await sixRules(api);
    const changed = await api.patch(`/api/v1/crm/leads/${ids.l2}`, { source: 'referral' });
    expect(changed).toMatchObject({ status: 200, body: { score: 15 } });
    const created = await api.post('/api/v1/crm/leads', { title: 'New', companyName: 'Acme', value: '20000' });
    expect(created).toMatchObject({ status: 201, body: { score: 25 } });
    // A direct write outside the services is caught up by an explicit recompute.
    await env.sql("update crm_lead set source = 'web' where tenant_id = $1 and id = $2", [acme.id, ids.l2]);
    const res = await api.post(`${R}/recompute`);
    expect(res).toMatchObject({ status: 200, body: { mode: 'inline', changed: 1 } });
    expect((await scores(acme.id))[ids.l2 as string]).toBe(-5);
  });

  it('rescores every lead when a rule changes or goes', async () => {
    const { acme, api, ids } = await world();
    await sixRules(api);
    const l4 = await api.post('/api/v1/crm/leads', { title: 'New', companyName: 'Acme', value: '20000' });
    ids.l4 = l4.body.id;
    const [first] = (await api.get(R)).body.data;
    const off = await api.patch(`${R}/${first.id}`, { active: false });
    expect(off).toMatchObject({ status: 200, body: { active: false, rescore: { mode: 'inline', changed: 1 } } });
    expect((await scores(acme.id))[ids.l1 as string]).toBe(31);
    const [, contains] = (await api.get(R)).body.data;
    expect((await api.delete(`${R}/${contains.id}`)).status).toBe(204);
    expect(await scores(acme.id)).toMatchObject({
      [ids.l1 as string]: 21,
      [ids.l3 as string]: 0,
      [ids.l4 as string]: 15,
    });
    expect((await api.get(`${R}/${contains.id}`)).status).toBe(404);
  });

  it('validates rules', async () => {
    const { globex, api } = await world();
    await rule(api, { field: 'source', operator: 'equals', value: 'referral', points: 20 });
    const cases = [
      [{ field: 'value', operator: 'greater_than', value: 'lots', points: 1 }, 'value'],
      [{ field: 'bogus', operator: 'equals', value: 'x', points: 1 }, 'field'],
      [{ field: 'source', operator: 'equals', points: 1 }, 'value'],
      [{ field: 'source', operator: 'equals', value: 'x', points: 5000 }, 'points'],
    ] as const;
    for (const [body, path] of cases) {
      const res = await api.post(R, body);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect((await globex.client.get(`${R}/${(await api.get(R)).body.data[0].id}`)).status).toBe(404);
  });

  it('answers over GraphQL', async () => {
    const { api } = await world();
    const res = await api.graphql(
      `mutation { createScoringRule(input: { field: "title", operator: contains, value: "labs", points: 7 }) {
        id operator points rescore { mode changed jobId } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createScoringRule).toMatchObject({
      operator: 'contains',
      rescore: { mode: 'inline', changed: 1 },
    });
    const list = await api.graphql('{ scoringRules { field operator value points active } }');
    expect(list.body.data.scoringRules).toHaveLength(1);
  });

  it('compares decimals exactly', () => {
    expect(compareDecimal('12345678901234.5678', '12345678901234.5677')).toBe(1);
    expect(compareDecimal('-0.5', '0')).toBe(-1);
    expect(compareDecimal('1000', '1000.0000')).toBe(0);
    expect(compareDecimal('-2', '-10')).toBe(1);
  });

  it('rescores a large tenant in a background job', async () => {
    const bulk = await env.tenant('bulk', { enable: ['crm'] });
    await env.sql(
      `insert into crm_lead (tenant_id, title, source) select $1, 'Lead ' || i, case when i % 2 = 0 then 'referral' end
       from generate_series(1, 5001) i`,
      [bulk.id],
    );
    const res = await bulk.client.post(R, { field: 'source', operator: 'equals', value: 'referral', points: 3 });
    expect(res).toMatchObject({ status: 201, body: { rescore: { mode: 'job' } } });
    const jobId = res.body.rescore.jobId;
    let job = { state: '', error: null };
    for (let i = 0; i < 100 && job.state !== 'completed' && job.state !== 'failed'; i++) {
      await env.flush();
      job = (await bulk.client.get(`/api/v1/core/jobs/${jobId}`)).body;
      if (job.state !== 'completed') await new Promise((r) => setTimeout(r, 100));
    }
    expect(job).toMatchObject({ state: 'completed', error: null, result: { changed: 2500 } });
    const counts = await env.sql<{ score: number; n: number }>(
      'select score, count(*)::int as n from crm_lead where tenant_id = $1 group by score order by score',
      [bulk.id],
    );
    expect(counts).toEqual([
      { score: 0, n: 2501 },
      { score: 3, n: 2500 },
    ]);
  });
});
