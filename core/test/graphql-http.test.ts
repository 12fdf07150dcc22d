import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directStats } from '../src/graphql/direct.ts';

// POST /graphql bodies are read before the request's transaction opens (so a document without
// a mutation runs read-only): queries and mutations answer as before, the body is bounded.
let env: TestEnv;
let a: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [projects], workers: false });
  a = await env.tenant('gql-http-a', { enable: ['projects'] });
});
afterAll(async () => {
  await env?.close();
});

describe('POST /graphql', () => {
  it('a mutation commits and a later query (read-only transaction) reads it', async () => {
    const created = await a.client.graphql('mutation { createProject(input: { name: "Read me" }) { id name } }');
    expect(created.status).toBe(200);
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createProject.id as string;
    const read = await a.client.graphql('query One($id: ID!) { project(id: $id) { id name } }', { id });
    expect(read.body).toEqual({ data: { project: { id, name: 'Read me' } } });
    const list = await a.client.graphql('{ projects { items { name } } }');
    expect(list.body.data.projects.items.map((p: { name: string }) => p.name)).toContain('Read me');
  });

  it('a document holding a query and a mutation still commits the mutation', async () => {
    const doc = 'query Q { projects { totalCount } } mutation M { createProject(input: { name: "Both" }) { name } }';
    const res = await a.client.request('POST', '/graphql', { query: doc, operationName: 'M' });
    expect(res.body).toEqual({ data: { createProject: { name: 'Both' } } });
    const rows = await env.sql('select name from projects_project where tenant_id = $1 and name = $2', [a.id, 'Both']);
    expect(rows).toHaveLength(1);
  });

  it('a body over 1 MB answers 413 PAYLOAD_TOO_LARGE before anything runs', async () => {
    const res = await a.client.graphql(`{ projects { totalCount } } # ${'x'.repeat(1024 * 1024)}`);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a body that is not JSON answers 400 as Yoga does, not 5xx', async () => {
    const res = await a.client.request('POST', '/graphql', '{"query": ', { 'content-type': 'application/json' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

// The common request (a JSON POST of one valid document) is executed without Yoga's Fetch round
// trip, with graphql-js on a document's first run and compiled by graphql-jit from its second:
// every run of a document answers the same, errors included; the rest goes through Yoga.
describe('POST /graphql: first run and compiled runs answer alike', () => {
  const thrice = async (query: string, variables?: Record<string, unknown>) => {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const res = await a.client.graphql(query, variables);
      runs.push({ status: res.status, type: res.headers.get?.('content-type') ?? null, body: res.body });
    }
    return runs;
  };

  it('data, DateTime and Decimal scalars, enums and nested lists', async () => {
    await a.client.graphql('mutation { createProject(input: { name: "Alike", budget: "12.50" }) { id } }');
    const compiled = directStats.compiled;
    const runs = await thrice(
      'query Alike { projects(limit: 200) { totalCount items { id name budget status archived createdAt } } }',
    );
    expect(directStats.compiled).toBe(compiled + 1);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    const alike = runs[0]?.body.data.projects.items.find((p: { name: string }) => p.name === 'Alike');
    expect(alike).toMatchObject({ budget: '12.5000', status: 'active', archived: false });
    expect(new Date(alike.createdAt).toISOString()).toBe(alike.createdAt);
  });

  it("a resolver's error (not found, refused input) keeps its code and nothing is written", async () => {
    const missing = await thrice('query Missing($id: ID!) { project(id: $id) { id } }', {
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(missing[2]).toEqual(missing[0]);
    const bad = await thrice('mutation Bad { createProject(input: { name: "" }) { id } }');
    expect(bad[0]?.status).toBe(200);
    expect(bad[0]?.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(bad[1]).toEqual(bad[0]);
    expect(bad[2]).toEqual(bad[0]);
    expect(await env.sql("select 1 from projects_project where tenant_id = $1 and name = ''", [a.id])).toHaveLength(0);
  });

  it('variables the schema refuses answer as Yoga answers them, every time', async () => {
    const runs = await thrice('query V($limit: Int) { projects(limit: $limit) { totalCount } }', { limit: 'ten' });
    expect(runs[0]?.status).toBeGreaterThanOrEqual(200);
    expect(runs[0]?.body.errors?.[0].message).toMatch(/\$limit/);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });

  it('a compiled document still honours each caller: another tenant reads only its own rows', async () => {
    const b = await env.tenant('gql-http-b', { enable: ['projects'] });
    await b.client.graphql('mutation { createProject(input: { name: "Only B" }) { id } }');
    const query = 'query Mine { projects(limit: 200) { items { name } } }';
    for (let i = 0; i < 3; i++) {
      const fromA = await a.client.graphql(query);
      const fromB = await b.client.graphql(query);
      const names = (r: typeof fromA) => r.body.data.projects.items.map((p: { name: string }) => p.name);
      expect(names(fromA)).not.toContain('Only B');
      expect(names(fromB)).toEqual(['Only B']);
    }
  });
});
