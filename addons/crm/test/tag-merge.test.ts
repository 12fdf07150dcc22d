import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// The settings screens' server side: merging two tags, and merging duplicate contacts with
// fields picked from the duplicate (the side-by-side merge).
let env: TestEnv;
let t: TestTenant;
let other: TestTenant;
const C = '/api/v1/crm';

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  t = await env.tenant('tag-merge', { enable: ['crm'] });
  other = await env.tenant('tag-merge-other', { enable: ['crm'] });
});
afterAll(() => env?.close());

const post = async (client: TestTenant['client'], path: string, body: object) => {
  const res = await client.post(`${C}/${path}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
};
const tagNames = async (id: string) =>
  ((await t.client.get(`${C}/contacts/${id}`)).body.tags as { name: string }[]).map((x) => x.name).sort();

describe('tag merge', () => {
  it('moves every contact of the source tag to the target once, then deletes the source', async () => {
    const vip = await post(t.client, 'tags', { name: 'VIP', color: '#ff0000' });
    const vips = await post(t.client, 'tags', { name: 'vips' });
    const a = await post(t.client, 'contacts', { name: 'Both tags', tagIds: [vip.id, vips.id] });
    const b = await post(t.client, 'contacts', { name: 'Only the typo', tagIds: [vips.id] });
    const member = await t.as('member', 'mo@tag-merge.test');
    const c = await post(member, 'contacts', { name: 'A member’s', tagIds: [vips.id] });

    const res = await t.client.post(`${C}/tags/${vips.id}/merge`, { intoId: vip.id });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ moved: 2 });
    for (const id of [a.id, b.id, c.id]) expect(await tagNames(id)).toEqual(['VIP']);
    expect((await t.client.get(`${C}/tags/${vips.id}`)).status).toBe(404);
  });

  it('refuses itself, an unknown target and another tenant’s tags; nothing changes', async () => {
    const x = await post(t.client, 'tags', { name: 'x-tag' });
    const foreign = await post(other.client, 'tags', { name: 'foreign' });
    expect((await t.client.post(`${C}/tags/${x.id}/merge`, { intoId: x.id })).body.details[0].path).toBe('intoId');
    const unknown = await t.client.post(`${C}/tags/${x.id}/merge`, { intoId: foreign.id });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0].path).toBe('intoId');
    expect((await other.client.post(`${C}/tags/${x.id}/merge`, { intoId: foreign.id })).status).toBe(404);
    expect((await t.client.post(`${C}/tags/${x.id}/merge`, { intoId: 'nope' })).status).toBe(400);
    expect((await t.client.get(`${C}/tags/${x.id}`)).status).toBe(200);
    expect((await other.client.get(`${C}/tags/${foreign.id}`)).status).toBe(200);
  });
});

describe('merge with fields picked', () => {
  it('takes the picked fields from the duplicate, fills the empty ones, keeps the rest', async () => {
    const keep = await post(t.client, 'contacts', { name: 'Ada Lovelace', email: 'ada@old.test', city: 'London' });
    const dup = await post(t.client, 'contacts', {
      name: 'Ada King',
      email: 'ada@new.test',
      city: 'Paris',
      phone: '+44 1',
    });
    const res = await t.client.post(`${C}/contacts/${keep.id}/merge`, { duplicateId: dup.id, take: ['email', 'name'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Ada King', email: 'ada@new.test', city: 'London', phone: '+44 1' });
    expect((await t.client.get(`${C}/contacts/${dup.id}`)).status).toBe(404);
  });

  it('a bad field name is 400 naming take; a member may not merge', async () => {
    const a = await post(t.client, 'contacts', { name: 'M one' });
    const b = await post(t.client, 'contacts', { name: 'M two' });
    const bad = await t.client.post(`${C}/contacts/${a.id}/merge`, { duplicateId: b.id, take: ['ownerId'] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.details)).toContain('take');
    const member = await t.as('member', 'mm@tag-merge.test');
    expect((await member.post(`${C}/contacts/${a.id}/merge`, { duplicateId: b.id })).status).toBe(403);
    expect((await other.client.post(`${C}/contacts/${a.id}/merge`, { duplicateId: b.id })).status).toBe(404);
    expect((await t.client.get(`${C}/contacts/${b.id}`)).status).toBe(200);
  });
});
