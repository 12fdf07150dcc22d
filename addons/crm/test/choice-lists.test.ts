import type { ApiClient, TestEnv, TestTenant } from '@elevate/testkit';
import { bootTestKernel } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

const API = '/api/v1/crm';
let env: TestEnv;
let acme: TestTenant;
let beta: TestTenant;
let admin: ApiClient;
let member: ApiClient;

type Entry = { id: string; key: string; label: string; position: number; archived: boolean };
const entries = async (c: ApiClient, path: string) =>
  ((await c.get(`${API}/${path}?limit=200`)).body.data as Entry[]).map((e) => e.key);

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  acme = await env.tenant('acme', { enable: ['crm'] });
  beta = await env.tenant('beta', { enable: ['crm'] });
  admin = await acme.as('admin');
  member = await acme.as('member');
});
afterAll(() => env?.close());

describe('lead sources and activity types: per-company lists', () => {
  it('seeds the defaults on enable, in order', async () => {
    const t = await env.tenant('fresh', { enable: ['crm'] });
    const reader = await t.as('member');
    expect(await entries(reader, 'lead-sources')).toEqual([
      'web',
      'referral',
      'email',
      'phone',
      'event',
      'partner',
      'import',
      'other',
    ]);
    expect(await entries(reader, 'activity-types')).toEqual(['call', 'meeting', 'email', 'task']);
  });

  it('adds, renames, reorders and archives a lead source; leads are validated against the list', async () => {
    const created = await admin.post(`${API}/lead-sources`, { key: 'webinar', label: ' Webinar ' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'webinar', label: 'Webinar', archived: false });
    // A new entry goes last.
    expect((await entries(admin, 'lead-sources')).at(-1)).toBe('webinar');
    const id = created.body.id as string;
    // A lead with it (by key or by label, ignoring case: the key is stored).
    const lead = await admin.post(`${API}/leads`, { title: 'From the webinar', source: 'webinar' });
    expect(lead.status).toBe(201);
    expect((await admin.post(`${API}/leads`, { title: 'By label', source: 'WEBINAR' })).body.source).toBe('webinar');
    const bad = await admin.post(`${API}/leads`, { title: 'Nowhere', source: 'carrier pigeon' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details).toEqual([{ path: 'source', message: expect.stringContaining('webinar') }]);
    // Rename and move first.
    expect((await admin.patch(`${API}/lead-sources/${id}`, { label: 'Webinars', position: -1 })).status).toBe(200);
    expect((await entries(admin, 'lead-sources'))[0]).toBe('webinar');
    // The key is fixed: records hold it.
    const rekey = await admin.patch(`${API}/lead-sources/${id}`, { key: 'seminar' });
    expect(rekey.status).toBe(400);
    expect(rekey.body.details[0].path).toBe('key');
    // Archived: new values are refused, old records keep theirs and can still be edited.
    expect((await admin.patch(`${API}/lead-sources/${id}`, { archived: true })).body.archived).toBe(true);
    expect((await admin.post(`${API}/leads`, { title: 'Too late', source: 'webinar' })).status).toBe(400);
    const kept = await admin.patch(`${API}/leads/${lead.body.id}`, {
      title: 'From the webinar (2025)',
      source: 'webinar',
    });
    expect(kept.status).toBe(200);
    expect(kept.body.source).toBe('webinar');
    expect((await admin.get(`${API}/leads/${lead.body.id}`)).body.source).toBe('webinar');
    const active = await admin.get(`${API}/lead-sources?archived=false&limit=200`);
    expect(active.body.data.map((e: Entry) => e.key)).not.toContain('webinar');
    // No delete: archiving is the way.
    expect((await admin.request('DELETE', `${API}/lead-sources/${id}`)).status).toBe(404);
  });

  it('validates activity kinds against the company’s activity types (REST and GraphQL)', async () => {
    const type = await admin.post(`${API}/activity-types`, { key: 'site_visit', label: 'Site visit' });
    expect(type.status).toBe(201);
    const ok = await admin.post(`${API}/activities`, { kind: 'site_visit', subject: 'Walk the plant' });
    expect(ok.status).toBe(201);
    expect(ok.body.kind).toBe('site_visit');
    const bad = await admin.post(`${API}/activities`, { kind: 'telepathy', subject: 'Think' });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ path: 'kind', message: expect.stringContaining('site_visit') }]);
    const gql = await admin.graphql('mutation($i: CreateActivityInput!) { createActivity(input: $i) { id kind } }', {
      i: { kind: 'telepathy', subject: 'Think' },
    });
    expect(gql.body.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const list = await admin.graphql('{ activityTypes(limit: 50) { data { key label archived } } }');
    expect(list.body.errors).toBeUndefined();
    expect(list.body.data.activityTypes.data.map((t: Entry) => t.key)).toContain('site_visit');
  });

  it('GraphQL: creates and renames a lead source through the resource layer', async () => {
    const made = await admin.graphql(
      'mutation($i: LeadSourceCreateInput!) { createLeadSource(input: $i) { id key label } }',
      { i: { key: 'podcast', label: 'Podcast' } },
    );
    expect(made.body.errors).toBeUndefined();
    const id = made.body.data.createLeadSource.id;
    const renamed = await admin.graphql(
      'mutation($id: ID!, $i: LeadSourcePatchInput!) { updateLeadSource(id: $id, input: $i) { key label } }',
      { id, i: { label: 'Podcasts' } },
    );
    expect(renamed.body.data.updateLeadSource).toEqual({ key: 'podcast', label: 'Podcasts' });
  });

  it('needs crm.pipeline.manage to change a list (403), not to read it', async () => {
    expect((await member.post(`${API}/lead-sources`, { key: 'x', label: 'X' })).status).toBe(403);
    expect((await member.post(`${API}/activity-types`, { key: 'x', label: 'X' })).status).toBe(403);
    const [first] = (await member.get(`${API}/lead-sources`)).body.data as Entry[];
    expect((await member.patch(`${API}/lead-sources/${first?.id}`, { label: 'Mine' })).status).toBe(403);
    const gql = await member.graphql('mutation($i: LeadSourceCreateInput!) { createLeadSource(input: $i) { id } }', {
      i: { key: 'y', label: 'Y' },
    });
    expect(gql.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('keeps each company’s lists to itself', async () => {
    const mine = await admin.post(`${API}/lead-sources`, { key: 'acme_only', label: 'Acme only' });
    const other = await beta.as('admin');
    expect(await entries(other, 'lead-sources')).not.toContain('acme_only');
    expect((await other.get(`${API}/lead-sources/${mine.body.id}`)).status).toBe(404);
    expect((await other.patch(`${API}/lead-sources/${mine.body.id}`, { label: 'Taken' })).status).toBe(404);
    expect((await other.post(`${API}/leads`, { title: 'Borrowed', source: 'acme_only' })).status).toBe(400);
    // The same key may exist in both companies.
    expect((await other.post(`${API}/lead-sources`, { key: 'acme_only', label: 'Beta too' })).status).toBe(201);
    expect((await admin.get(`${API}/lead-sources/${mine.body.id}`)).body.label).toBe('Acme only');
  });

  it('takes the values existing records hold into the lists (enable again, as the 1.2.0 data step does)', async () => {
    const t = await env.tenant('olden', { enable: ['crm'] });
    const [owner] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1', [t.id]);
    await env.sql("insert into crm_lead (tenant_id, owner_id, title, source) values ($1, $2, 'Old', 'Trade fair')", [
      t.id,
      owner?.id,
    ]);
    await env.sql("insert into crm_activity (tenant_id, owner_id, kind, subject) values ($1, $2, 'visit', 'Old')", [
      t.id,
      owner?.id,
    ]);
    await env.admin.disableAddon(t.id, 'crm');
    await env.admin.enableAddon(t.id, 'crm');
    expect(await entries(t.client, 'lead-sources')).toEqual([
      'web',
      'referral',
      'email',
      'phone',
      'event',
      'partner',
      'import',
      'other',
      'Trade fair',
    ]);
    expect(await entries(t.client, 'activity-types')).toEqual(['call', 'meeting', 'email', 'task', 'visit']);
    await env.admin.disableAddon(t.id, 'crm');
    await env.admin.enableAddon(t.id, 'crm');
    expect(await entries(t.client, 'activity-types')).toHaveLength(5);
  });
});
