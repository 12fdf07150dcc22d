import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// Concurrent-edit protection: a PATCH (or GraphQL update) that carries the updatedAt its client read
// is refused with 409 CONFLICT when the record changed since, instead of overwriting the other save.
let env: TestEnv;
let t: TestTenant;
const C = '/api/v1/crm';

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  t = await env.tenant('edit-conflict', { enable: ['crm'] });
});
afterAll(() => env?.close());

const kinds = [
  {
    kind: 'contact',
    path: 'contacts',
    create: { name: 'Ada Lovelace' },
    a: { city: 'London' },
    b: { city: 'Paris' },
    field: 'city',
    title: 'Ada Lovelace',
  },
  {
    kind: 'lead',
    path: 'leads',
    create: { title: 'Big lead' },
    a: { source: 'web' },
    b: { source: 'event' },
    field: 'source',
    title: 'Big lead',
  },
  {
    kind: 'opportunity',
    path: 'opportunities',
    create: { title: 'Deal 1' },
    a: { value: '100.00' },
    b: { value: '200.00' },
    field: 'value',
    title: 'Deal 1',
  },
  {
    kind: 'activity',
    path: 'activities',
    create: { kind: 'call', subject: 'Call Ada' },
    a: { description: 'first' },
    b: { description: 'second' },
    field: 'description',
    title: 'Call Ada',
  },
] as const;

describe.each(kinds)('REST PATCH /$path', ({ kind, path, create, a, b, field, title }) => {
  it('the second of two saves from the same read gets 409 CONFLICT naming the record; the first stays', async () => {
    const created = await t.client.post(`${C}/${path}`, create);
    expect(created.status).toBe(201);
    const read = (await t.client.get(`${C}/${path}/${created.body.id}`)).body;

    const first = await t.client.patch(`${C}/${path}/${read.id}`, { ...a, expectedUpdatedAt: read.updatedAt });
    expect(first.status).toBe(200);
    expect(first.body.updatedAt).not.toBe(read.updatedAt);

    const second = await t.client.patch(`${C}/${path}/${read.id}`, { ...b, expectedUpdatedAt: read.updatedAt });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('CONFLICT');
    expect(second.body.message).toContain(kind);
    expect(second.body.message).toContain(title);
    expect(second.body.details[0]).toMatchObject({ path: 'expectedUpdatedAt', record: kind, id: read.id });
    expect(Date.parse(second.body.details[0].updatedAt)).toBe(Date.parse(first.body.updatedAt));

    const now = (await t.client.get(`${C}/${path}/${read.id}`)).body;
    expect(now[field]).toBe((a as Record<string, string>)[field]);

    // With the fresh updatedAt the same change goes through; without a precondition, last write wins.
    const retry = await t.client.patch(`${C}/${path}/${read.id}`, { ...b, expectedUpdatedAt: now.updatedAt });
    expect(retry.status).toBe(200);
    expect(retry.body[field]).toBe((b as Record<string, string>)[field]);
    const blind = await t.client.patch(`${C}/${path}/${read.id}`, a);
    expect(blind.status).toBe(200);
  });
});

describe('concurrency', () => {
  it('of two simultaneous saves from the same read exactly one wins', async () => {
    const read = (await t.client.post(`${C}/contacts`, { name: 'Race' })).body;
    const results = await Promise.all(
      ['Rome', 'Oslo', 'Lima', 'Kyiv'].map((city) =>
        t.client.patch(`${C}/contacts/${read.id}`, { city, expectedUpdatedAt: read.updatedAt }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409]);
    const winner = results.find((r) => r.status === 200);
    expect((await t.client.get(`${C}/contacts/${read.id}`)).body.city).toBe(winner?.body.city);
  });
});

describe('GraphQL', () => {
  const mutations = [
    ['contacts', { name: 'G contact' }, 'updateContact', '{ city: "X" }', { city: 'Elsewhere' }],
    ['leads', { title: 'G lead' }, 'updateLead', '{ source: "referral" }', { source: 'partner' }],
    ['opportunities', { title: 'G deal' }, 'updateOpportunity', '{ title: "x" }', { title: 'Elsewhere' }],
    ['activities', { kind: 'task', subject: 'G task' }, 'updateActivity', '{ subject: "x" }', { subject: 'Elsewhere' }],
  ] as const;

  it.each(mutations)(
    '%s: a stale expectedUpdatedAt is CONFLICT, a fresh one saves',
    async (path, create, mutation, input, elsewhere) => {
      const read = (await t.client.post(`${C}/${path}`, create)).body;
      expect((await t.client.patch(`${C}/${path}/${read.id}`, elsewhere)).status).toBe(200);
      const q = `mutation($id: ID!, $at: DateTime) { ${mutation}(id: $id, input: ${input}, expectedUpdatedAt: $at) { id } }`;
      const stale = await t.client.graphql(q, { id: read.id, at: read.updatedAt });
      expect(stale.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 409 });
      const fresh = (await t.client.get(`${C}/${path}/${read.id}`)).body;
      const ok = await t.client.graphql(q, { id: read.id, at: fresh.updatedAt });
      expect(ok.body.errors).toBeUndefined();
      expect(ok.body.data[mutation].id).toBe(read.id);
    },
  );
});

describe('bad input and isolation', () => {
  it('a malformed expectedUpdatedAt is 400 naming the field', async () => {
    const read = (await t.client.post(`${C}/leads`, { title: 'Bad date' })).body;
    const res = await t.client.patch(`${C}/leads/${read.id}`, { source: 'x', expectedUpdatedAt: 'yesterday' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('expectedUpdatedAt');
  });

  it("another tenant's record stays 404 with a precondition, stale or not, and is not changed", async () => {
    const other = await env.tenant('edit-conflict-b', { enable: ['crm'] });
    const read = (await t.client.post(`${C}/contacts`, { name: 'Private', city: 'Bern' })).body;
    for (const at of [read.updatedAt, '2000-01-01T00:00:00.000Z']) {
      const res = await other.client.patch(`${C}/contacts/${read.id}`, { city: 'Evil', expectedUpdatedAt: at });
      expect(res.status).toBe(404);
    }
    expect((await t.client.get(`${C}/contacts/${read.id}`)).body.city).toBe('Bern');
  });
});
