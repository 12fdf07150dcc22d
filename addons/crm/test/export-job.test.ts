import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// A background export end to end on the real queue (BullMQ on Redis, the kernel's workers): the
// list's export came back cut, the full one is queued, built as the user who asked (record rules),
// stored, announced by a notification, and downloaded through its expiring signed link.
let env: TestEnv;
let acme: TestTenant;
let globex: TestTenant;
let member: ApiClient;

const done = async (client: ApiClient, id: string) => {
  for (let i = 0; i < 600; i++) {
    const res = await client.get(`/api/v1/core/exports/${id}`);
    expect(res.status).toBe(200);
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the export never finished');
};
// The link is absolute on PUBLIC_URL; the test server listens elsewhere.
const local = (url: string) => `${env.url}${new URL(url).pathname}`;
const lines = (csv: string) =>
  csv
    .replace(/^\ufeff/, '')
    .trimEnd()
    .split('\r\n');

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: true });
  acme = await env.tenant('acme', { enable: ['crm'] });
  globex = await env.tenant('globex', { enable: ['crm'] });
  member = await acme.as('member');
  const owner = (await acme.client.get('/api/v1/core/me')).body.user.id;
  const mine = (await member.get('/api/v1/core/me')).body.user.id;
  await env.sql(
    `insert into crm_contact (tenant_id, owner_id, name, city) select $1, $2, 'Person ' || lpad(g::text, 3, '0'), 'Lyon'
     from generate_series(1, 12) g`,
    [acme.id, owner],
  );
  await env.sql(`insert into crm_contact (tenant_id, owner_id, name, city) values ($1, $2, 'Mine', 'Lyon')`, [
    acme.id,
    mine,
  ]);
});
afterAll(() => env?.close());

describe('background export', () => {
  it('a cut export, then the full one as a job: notification, signed link, every row', async () => {
    const cut = await acme.client.get('/api/v1/crm/export/contacts.csv?city=Lyon&sort=name&limit=5');
    expect(cut.headers.get('x-export-truncated')).toBe('true');
    // The direct export's cap is 100,000 rows unless the operator sets CRM_EXPORT_MAX_ROWS.
    expect((await acme.client.get('/api/v1/crm/export/contacts.csv?limit=100000')).status).toBe(200);
    const over = await acme.client.get('/api/v1/crm/export/contacts.csv?limit=100001');
    expect(over.status).toBe(400);
    expect(JSON.stringify(over.body)).toContain('limit');
    const start = await acme.client.post('/api/v1/core/exports', {
      name: 'crm.contacts',
      params: { city: 'Lyon', sort: 'name' },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    expect(start.body).toMatchObject({ name: 'crm.contacts', status: 'queued' });
    const finished = await done(acme.client, start.body.id);
    expect(finished).toMatchObject({ status: 'done', rows: 13, error: null });
    expect(finished.filename).toMatch(/^contacts-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(finished.url).toContain('/api/v1/core/export-files/');

    // The signed link works without a sign-in and only for this file.
    const file = await fetch(local(finished.url));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('text/csv');
    const rows = lines(await file.text());
    expect(rows).toHaveLength(14);
    expect(rows[1]).toContain('Mine');
    expect(rows.slice(2).map((r) => r.split(',')[2])).toEqual(
      Array.from({ length: 12 }, (_, i) => `Person ${String(i + 1).padStart(3, '0')}`),
    );
    const forged = local(finished.url).replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A'));
    expect((await fetch(forged)).status).toBe(403);
    // A document link's key does not open exports.
    expect((await fetch(local(finished.url).replace('/export-files/', '/documents/file/'))).status).toBe(403);

    // The notification links to the authenticated download.
    const notes = await acme.client.get('/api/v1/core/notifications');
    const note = notes.body.data.find((n: { type: string }) => n.type === 'core.export-ready');
    expect(note).toMatchObject({
      title: 'Contacts export is ready',
      link: `/app/api/v1/core/exports/${start.body.id}/download`,
    });
    const own = await acme.client.get(`/api/v1/core/exports/${start.body.id}/download`);
    expect(own.status).toBe(200);
    expect(lines(String(own.body))).toHaveLength(14);
  });

  it('tells a German reader in German (the language of their profile), numbers in German form', async () => {
    const greta = await acme.as('admin', 'greta-export@acme.test');
    expect((await greta.put('/api/v1/core/account/preferences', { language: 'de' })).status).toBe(200);
    const start = await greta.post('/api/v1/core/exports', { name: 'crm.contacts', params: { city: 'Lyon' } });
    expect(start.status).toBe(202);
    expect(await done(greta, start.body.id)).toMatchObject({ status: 'done', rows: 13 });
    const note = (await greta.get('/api/v1/core/notifications')).body.data.find(
      (n: { type: string }) => n.type === 'core.export-ready',
    );
    expect(note.title).toBe('Export „Contacts“ ist fertig');
    expect(note.body).toMatch(/^contacts-\d{4}-\d{2}-\d{2}\.csv: 13 Zeilen\. Der Download-Link gilt 24 Stunden\.$/);
  });

  it('runs as the user who asked: their record rules, their exports only', async () => {
    const start = await member.post('/api/v1/core/exports', { name: 'crm.contacts', params: { city: 'Lyon' } });
    expect(start.status).toBe(202);
    const finished = await done(member, start.body.id);
    expect(finished).toMatchObject({ status: 'done', rows: 1 });
    expect(lines(await (await fetch(local(finished.url))).text())[1]).toContain('Mine');
    // Nobody else reads it: not the owner of the company, not another tenant.
    expect((await acme.client.get(`/api/v1/core/exports/${start.body.id}`)).status).toBe(404);
    expect((await globex.client.get(`/api/v1/core/exports/${start.body.id}`)).status).toBe(404);
    expect((await globex.client.get(`/api/v1/core/exports/${start.body.id}/download`)).status).toBe(404);
    expect((await acme.client.get('/api/v1/core/exports')).body.data.map((e: { id: string }) => e.id)).not.toContain(
      start.body.id,
    );
  });

  it('refuses what the caller may not do, unknown exports and bad parameters', async () => {
    const viewer = await acme.as('member', 'viewer@acme.test');
    const [role] = await env.sql<{ id: string }>(
      `insert into core_role (tenant_id, key, name, permissions) values ($1, 'reader', 'Reader', '{crm.contact.read}') returning id`,
      [acme.id],
    );
    const viewerId = (await viewer.get('/api/v1/core/me')).body.user.id;
    await env.sql('update core_user_role set role_id = $3 where tenant_id = $1 and user_id = $2', [
      acme.id,
      viewerId,
      role?.id,
    ]);
    const refused = await viewer.post('/api/v1/core/exports', { name: 'crm.contacts', params: {} });
    expect(refused.status).toBe(403);
    expect((await acme.client.post('/api/v1/core/exports', { name: 'crm.nothing' })).status).toBe(404);
    const bad = await acme.client.post('/api/v1/core/exports', { name: 'crm.contacts', params: { shoeSize: 9 } });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('params.shoeSize');
    const noName = await acme.client.post('/api/v1/core/exports', { params: {} });
    expect(noName.status).toBe(400);
    expect(noName.body.details[0].path).toBe('name');
    // A tenant without crm has no crm exports.
    const bare = await env.tenant('bare');
    expect((await bare.client.post('/api/v1/core/exports', { name: 'crm.contacts' })).status).toBe(404);
  });
});
