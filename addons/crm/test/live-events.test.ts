import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// Deletes and state changes are events like creates and updates: written to the outbox in the
// change's transaction, from where the relay sends every event to the tenant's live channel
// (core/test/live.test.ts proves that leg), so other sessions see them.

const api = '/api/v1/crm';
let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  acme = await env.tenant('acme', { enable: ['crm'] });
});
afterAll(() => env?.close());

async function created(path: string, body: Record<string, unknown>): Promise<string> {
  const res = await acme.client.post(`${api}${path}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** The events written for one record, oldest first. */
const eventsOf = (id: string) =>
  env.sql<{ name: string; payload: Record<string, unknown> }>(
    'select name, payload from core_outbox where tenant_id = $1 and aggregate_id = $2 order by created_at, id',
    [acme.id, id],
  );

describe('live events for deletes and state changes', () => {
  it('a deleted contact sends crm.contact.deleted', async () => {
    const id = await created('/contacts', { kind: 'person', firstName: 'Gone', lastName: 'Soon' });
    expect((await acme.client.delete(`${api}/contacts/${id}`)).status).toBe(204);
    expect((await eventsOf(id)).map((e) => e.name)).toEqual(['crm.contact.created', 'crm.contact.deleted']);
    expect((await eventsOf(id))[1]?.payload).toMatchObject({ id, title: 'Gone Soon' });
    // Deleting what is not there sends nothing.
    expect((await acme.client.delete(`${api}/contacts/${id}`)).status).toBe(404);
    expect(await eventsOf(id)).toHaveLength(2);
  });

  it('an activity marked done sends crm.activity.updated and crm.activity.completed, once', async () => {
    const id = await created('/activities', { kind: 'call', subject: 'Call Ada' });
    expect((await acme.client.post(`${api}/activities/${id}/complete`)).body).toMatchObject({ done: true });
    expect((await acme.client.post(`${api}/activities/${id}/complete`)).status).toBe(200);
    const events = await eventsOf(id);
    expect(events.map((e) => e.name)).toEqual([
      'crm.activity.created',
      'crm.activity.updated',
      'crm.activity.completed',
    ]);
    expect(events[2]?.payload).toMatchObject({ id, title: 'Call Ada', changes: expect.arrayContaining(['done']) });
  });

  it('an edited activity sends crm.activity.updated naming the fields; a deleted one crm.activity.deleted', async () => {
    const id = await created('/activities', { kind: 'task', subject: 'Draft' });
    expect((await acme.client.patch(`${api}/activities/${id}`, { subject: 'Final' })).status).toBe(200);
    expect((await acme.client.patch(`${api}/activities/${id}`, { subject: 'Final' })).status).toBe(200);
    expect((await acme.client.delete(`${api}/activities/${id}`)).status).toBe(204);
    const events = await eventsOf(id);
    expect(events.map((e) => e.name)).toEqual(['crm.activity.created', 'crm.activity.updated', 'crm.activity.deleted']);
    expect(events[1]?.payload).toMatchObject({ changes: ['subject'] });
  });

  it('deleted leads and opportunities send their deleted events', async () => {
    const lead = await created('/leads', { title: 'Short-lived lead' });
    const deal = await created('/opportunities', { title: 'Short-lived deal' });
    expect((await acme.client.delete(`${api}/leads/${lead}`)).status).toBe(204);
    expect((await acme.client.delete(`${api}/opportunities/${deal}`)).status).toBe(204);
    expect((await eventsOf(lead)).map((e) => e.name)).toContain('crm.lead.deleted');
    expect((await eventsOf(deal)).map((e) => e.name)).toContain('crm.opportunity.deleted');
  });
});
