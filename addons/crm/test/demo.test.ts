import { ApiClient, bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
});
afterAll(() => env?.close());

describe('demo tenant', () => {
  it('seeds sample crm data once, visible through the API to the demo user', async () => {
    const demo = await env.admin.seedDemo();
    await env.admin.seedDemo(); // a second run adds nothing
    const login = await new ApiClient(env.url).post('/api/v1/auth/login', {
      tenant: demo.tenant.slug,
      email: demo.email,
      password: demo.password,
    });
    const client = new ApiClient(env.url, login.body.accessToken);
    const contacts = await client.get('/api/v1/crm/contacts?limit=1&count=true');
    expect(contacts.body.total_count).toBe(24);
    const pipelines = await client.get('/api/v1/crm/pipelines');
    const board = await client.get(`/api/v1/crm/pipelines/${(pipelines.body.data ?? pipelines.body)[0]?.id}/board`);
    expect(board.status).toBe(200);
    const leads = await client.get('/api/v1/crm/leads?limit=1');
    expect(leads.body.total_count).toBe(5);
    const opportunities = await client.get('/api/v1/crm/opportunities?limit=1');
    expect(opportunities.body.total_count).toBe(9);
  });
});
