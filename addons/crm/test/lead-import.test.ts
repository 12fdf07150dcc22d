import type { ApiClient, TestEnv, TestTenant } from '@elevate/testkit';
import { bootTestKernel } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';
import { writeCsv } from '../src/services/csv.ts';

let env: TestEnv;
let acme: TestTenant;
let beta: TestTenant;
let admin: ApiClient;

const upload = (client: ApiClient, csv: string, target = 'lead') =>
  client.request('POST', `/api/v1/crm/imports?filename=leads.csv&target=${target}`, csv, {
    'content-type': 'text/csv',
  });

async function finished(client: ApiClient, id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const res = await client.get(`/api/v1/crm/imports/${id}`);
    if (res.status !== 200) throw new Error(`import status answered ${res.status}`);
    if (res.body.status === 'completed' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the import did not finish');
}

async function withOnly(t: TestTenant, permissions: string[]): Promise<ApiClient> {
  const key = `only-${Math.random().toString(36).slice(2, 10)}`;
  const res = await t.client.post('/api/v1/core/roles', { key, name: key, permissions });
  expect(res.status).toBe(201);
  return t.as(key as 'member');
}

const HEADER = ['Lead', 'Contact', 'Company', 'E-mail', 'Lead source', 'Status', 'Amount', 'Currency', 'Tier'];

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm] });
  acme = await env.tenant('acme', { enable: ['crm'] });
  beta = await env.tenant('beta', { enable: ['crm'] });
  admin = await acme.as('admin', 'leads@acme.test');
  const field = await admin.post('/api/v1/core/custom-fields', {
    model: 'crm.lead',
    key: 'tier',
    label: 'Tier',
    type: 'select',
    options: [
      { id: 'gold', label: 'Gold' },
      { id: 'silver', label: 'Silver' },
    ],
  });
  expect(field.status).toBe(201);
  await env.sql(`create function crm_test_refuse_lead() returns trigger language plpgsql as $$
    begin raise exception 'refused by the test trigger'; end $$`);
  await env.sql(`create trigger crm_test_refuse_lead before insert on crm_lead for each row
    when (new.title = 'Trigger Failure') execute function crm_test_refuse_lead()`);
  // A rule so the import's scoring shows.
  expect(
    (await admin.post('/api/v1/crm/scoring-rules', { field: 'email', operator: 'is_set', points: 7 })).status,
  ).toBe(201);
});
afterAll(() => env?.close());

describe('CSV import of leads', { timeout: 120_000 }, () => {
  it('suggests lead fields, imports the good rows and reports the bad ones by row and field', async () => {
    const csv = writeCsv([
      HEADER,
      [
        'Website enquiry',
        'Ada Lovelace',
        'Analytical Ltd',
        'ada@example.com',
        'web',
        'contacted',
        '1250.50',
        'EUR',
        'Gold',
      ],
      ['Trade fair', 'Grace Hopper', '', 'not-an-email', '', 'won', '12.345', 'JPY', ''],
      ['Referral', '', 'Babbage & Co', '', 'referral', '', '', '', 'Silver'],
    ]);
    const up = await upload(admin, csv);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      target: 'lead',
      totalRows: 3,
      suggestedMapping: {
        Lead: 'title',
        Contact: 'contactName',
        Company: 'companyName',
        'E-mail': 'email',
        'Lead source': 'source',
        Status: 'status',
        Amount: 'value',
        Currency: 'currency',
        Tier: 'custom.tier',
      },
    });
    expect(up.body.customFields).toEqual([{ key: 'tier', label: 'Tier', type: 'select' }]);
    const started = await admin.post(`/api/v1/crm/imports/${up.body.id}/start`, { mapping: up.body.suggestedMapping });
    expect(started.status).toBe(202);
    const done = await finished(admin, up.body.id);
    expect(done).toMatchObject({
      target: 'lead',
      status: 'completed',
      totalRows: 3,
      processedRows: 3,
      importedRows: 2,
      failedRows: 1,
      progress: 100,
    });
    // Every problem of the bad row, each naming its field and column.
    expect(done.errors).toEqual([
      { row: 2, field: 'email', column: 'E-mail', reason: 'must be an email address' },
      { row: 2, field: 'status', column: 'Status', reason: expect.stringContaining('must be one of') },
      { row: 2, field: 'value', column: 'Amount', reason: expect.stringContaining('JPY') },
    ]);
    const leads = await env.sql<Record<string, unknown>>(
      `select l.title, l.contact_name, l.company_name, l.email, l.source, l.status, l.value::text as value, l.currency,
              l.score, l.custom, u.email as owner from crm_lead l join core_user u on u.tenant_id = l.tenant_id and u.id = l.owner_id
        where l.tenant_id = $1 and l.title in ('Website enquiry', 'Trade fair', 'Referral') order by l.title`,
      [acme.id],
    );
    expect(leads).toEqual([
      {
        title: 'Referral',
        contact_name: null,
        company_name: 'Babbage & Co',
        email: null,
        source: 'referral',
        status: 'new',
        value: null,
        currency: null,
        score: 0,
        custom: { tier: 'silver' },
        owner: 'leads@acme.test',
      },
      {
        title: 'Website enquiry',
        contact_name: 'Ada Lovelace',
        company_name: 'Analytical Ltd',
        email: 'ada@example.com',
        source: 'web',
        status: 'contacted',
        value: '1250.5000',
        currency: 'EUR',
        score: 7,
        custom: { tier: 'gold' },
        owner: 'leads@acme.test',
      },
    ]);
    // The leads API sees them (with their custom values) and the event was published.
    const list = await admin.get('/api/v1/crm/leads?q=website');
    expect(list.body.data).toEqual([expect.objectContaining({ title: 'Website enquiry', custom: { tier: 'gold' } })]);
    const events = await env.sql<{ n: number }>(
      `select count(*)::int as n from core_outbox o where o.tenant_id = $1 and o.kind = 'event' and o.name = 'crm.lead.created'
          and o.payload->>'title' in ('Website enquiry', 'Trade fair', 'Referral')`,
      [acme.id],
    );
    expect(events[0]?.n).toBe(2);
  });

  it('reports a bad custom value, a missing title and a row the database refuses, and keeps the other rows', async () => {
    const csv = writeCsv([
      ['Title', 'Tier'],
      ['', 'Gold'],
      ['Fine one', 'Platinum'],
      ['Fine two', 'silver'],
      ['Trigger Failure', ''],
      ['Fine three', ''],
    ]);
    const up = await upload(admin, csv);
    await admin.post(`/api/v1/crm/imports/${up.body.id}/start`, { mapping: { Title: 'title', Tier: 'custom.tier' } });
    const done = await finished(admin, up.body.id);
    expect(done).toMatchObject({ status: 'completed', importedRows: 2, failedRows: 3 });
    expect(done.errors).toEqual([
      { row: 1, field: 'title', column: 'Title', reason: 'is required' },
      { row: 2, field: 'custom.tier', column: 'Tier', reason: 'must be one of gold, silver' },
      { row: 4, field: '', column: null, reason: expect.stringContaining('refused by the test trigger') },
    ]);
    // The chunk was replayed row by row: the rows around the refused one are in, the refused one is not.
    const titles = await env.sql<{ title: string }>(
      "select title from crm_lead where tenant_id = $1 and title in ('Fine two', 'Trigger Failure', 'Fine three') order by title",
      [acme.id],
    );
    expect(titles.map((t) => t.title)).toEqual(['Fine three', 'Fine two']);
  });

  it('validates a leads mapping against lead fields and needs a title column', async () => {
    const up = await upload(admin, 'Title,Mail,Job\nA,a@x.io,Boss\n');
    const start = (mapping: Record<string, unknown>) =>
      admin.post(`/api/v1/crm/imports/${up.body.id}/start`, { mapping });
    const unknown = await start({ Title: 'title', Job: 'jobTitle' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([{ path: 'mapping.Job', message: expect.stringContaining('unknown field') }]);
    const noTitle = await start({ Mail: 'email' });
    expect(noTitle.body.details).toEqual([{ path: 'mapping', message: 'map a column to title' }]);
    const noField = await start({ Title: 'title', Job: 'custom.nope' });
    expect(noField.body.details[0]).toEqual({ path: 'mapping.Job', message: 'no custom field "nope" on leads' });
    expect((await upload(admin, 'Title\nA\n', 'opportunity')).status).toBe(400);
  });

  it('needs crm.lead.write besides crm.contact.import (403), and members cannot import', async () => {
    const importer = await withOnly(acme, ['crm.contact.import', 'crm.contact.read', 'crm.contact.write']);
    const refused = await upload(importer, 'Title\nA\n');
    expect(refused.status).toBe(403);
    // The same role may still import contacts.
    expect((await upload(importer, 'Name\nA\n', 'contact')).status).toBe(201);
    // An upload made by someone who may: starting it without crm.lead.write is refused too.
    const byAdmin = await upload(admin, 'Title\nNot started\n');
    const start = await importer.post(`/api/v1/crm/imports/${byAdmin.body.id}/start`, { mapping: { Title: 'title' } });
    expect(start.status).toBe(403);
    expect((await admin.get(`/api/v1/crm/imports/${byAdmin.body.id}`)).body).toMatchObject({
      status: 'pending',
      jobId: null,
    });
    const member = await acme.as('member');
    expect((await upload(member, 'Title\nA\n')).status).toBe(403);
    const count = await env.sql<{ n: number }>(
      "select count(*)::int as n from crm_import where tenant_id = $1 and target = 'lead' and created_by in (select id from core_user where tenant_id = $1 and email <> 'leads@acme.test')",
      [acme.id],
    );
    expect(count[0]?.n).toBe(0);
  });

  it('keeps imports to their company: another company sees, starts and gets nothing', async () => {
    const up = await upload(admin, 'Title\nSecret lead\n');
    const other = await beta.as('admin');
    expect((await other.get(`/api/v1/crm/imports/${up.body.id}`)).status).toBe(404);
    expect((await other.post(`/api/v1/crm/imports/${up.body.id}/start`, { mapping: { Title: 'title' } })).status).toBe(
      404,
    );
    expect((await other.get('/api/v1/crm/imports')).body.data).toEqual([]);
    await admin.post(`/api/v1/crm/imports/${up.body.id}/start`, { mapping: { Title: 'title' } });
    await finished(admin, up.body.id);
    const inBeta = await env.sql<{ n: number }>('select count(*)::int as n from crm_lead where tenant_id = $1', [
      beta.id,
    ]);
    expect(inBeta[0]?.n).toBe(0);
    expect((await other.get('/api/v1/crm/leads?q=secret')).body.data).toEqual([]);
  });
});
