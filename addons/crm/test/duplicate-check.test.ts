import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// The check the new-contact form makes before saving: which existing contacts look like the one typed.
let env: TestEnv;
let a: TestTenant;
let b: TestTenant;
let rep1: ApiClient;
let rep2: ApiClient;
const C = '/api/v1/crm';
const ids: Record<string, string> = {};

const check = async (client: ApiClient, body: Record<string, unknown>) => {
  const res = await client.post(`${C}/duplicates/check`, body);
  expect(res.status).toBe(200);
  return (res.body.data as { contact: { id: string }; reason: string }[]).map((d) => [d.contact.id, d.reason]);
};

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  a = await env.tenant('dupcheck-a', { enable: ['crm'] });
  b = await env.tenant('dupcheck-b', { enable: ['crm'] });
  rep1 = await a.as('member', 'rep1@dupcheck.test');
  rep2 = await a.as('member', 'rep2@dupcheck.test');
  const made = async (client: ApiClient, body: Record<string, unknown>) => {
    const res = await client.post(`${C}/contacts`, body);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  ids.navy = await made(a.client, { kind: 'company', name: 'US Navy' });
  ids.ada = await made(a.client, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engine.test' });
  ids.grace = await made(a.client, { firstName: 'Grace', lastName: 'Hopper', companyId: ids.navy });
  ids.rep1 = await made(rep1, { firstName: 'Rep', lastName: 'One', email: 'shared@dupcheck.test' });
  // Tenant B holds contacts with the same email and name: never reported to tenant A.
  ids.bAda = await made(b.client, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engine.test' });
  ids.bOnly = await made(b.client, { firstName: 'Only', lastName: 'InB', email: 'only-b@dupcheck.test' });
});
afterAll(() => env?.close());

describe('duplicate check before saving', () => {
  it('reports the same email in any case, and a similar name at the same company', async () => {
    expect(await check(a.client, { kind: 'person', firstName: 'Someone', email: 'ADA@engine.test' })).toEqual([
      [ids.ada, 'same_email'],
    ]);
    expect(await check(a.client, { firstName: 'Grace', lastName: 'Hoper', companyId: ids.navy })).toEqual([
      [ids.grace, 'similar_name'],
    ]);
    // The same name at no company is not Grace of the Navy; a new email is no one.
    expect(await check(a.client, { firstName: 'Grace', lastName: 'Hopper' })).toEqual([]);
    expect(await check(a.client, { firstName: 'New', email: 'new@dupcheck.test' })).toEqual([]);
    expect(await check(a.client, {})).toEqual([]);
  });

  it("never reports another tenant's contact", async () => {
    const found = await check(a.client, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engine.test' });
    expect(found.map((f) => f[0])).toEqual([ids.ada]);
    expect(await check(a.client, { firstName: 'Only', lastName: 'InB', email: 'only-b@dupcheck.test' })).toEqual([]);
    expect(await check(b.client, { email: 'shared@dupcheck.test' })).toEqual([]);
    expect((await check(b.client, { email: 'ada@engine.test' })).map((f) => f[0])).toEqual([ids.bAda]);
  });

  it('follows record rules: a rep is not told of a contact they cannot read', async () => {
    expect(await check(rep1, { email: 'shared@dupcheck.test' })).toEqual([[ids.rep1, 'same_email']]);
    expect(await check(rep2, { email: 'shared@dupcheck.test' })).toEqual([]);
    expect(await check(a.client, { email: 'shared@dupcheck.test' })).toEqual([[ids.rep1, 'same_email']]);
  });

  it('answers 400 naming the field for bad input', async () => {
    const bad = await a.client.post(`${C}/duplicates/check`, { email: 'not-an-email', companyId: 'x' });
    expect(bad.status).toBe(400);
    const paths = (bad.body.details as { path: string }[]).map((d) => d.path).join(' ');
    expect(paths).toContain('email');
    expect((await a.client.post(`${C}/duplicates/check`, { kind: 'robot' })).status).toBe(400);
    expect((await a.client.post(`${C}/duplicates/check`, { nope: 1 })).status).toBe(400);
  });
});
