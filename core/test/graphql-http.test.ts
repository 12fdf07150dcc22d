import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
