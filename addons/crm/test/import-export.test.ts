import type { ApiClient } from '@elevate/testkit';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';
import { parseCsv, writeCsv } from '../src/services/csv.ts';
import { bigFile, HEADER, MAPPING, N } from './fixtures/contacts-csv.ts';
import { loyalty } from './fixtures/loyalty/loyalty.addon.ts';

let env: TestEnv;
let acme: TestTenant;
let beta: TestTenant;
let admin: ApiClient;
let adminId: string;

const upload = (client: ApiClient, csv: string, filename = 'people.csv') =>
  client.request('POST', `/api/v1/crm/imports?filename=${filename}`, csv, { 'content-type': 'text/csv' });

async function userId(t: TestTenant, email: string): Promise<string> {
  const [u] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1 and email = $2', [
    t.id,
    email,
  ]);
  return (u as { id: string }).id;
}

type BigImport = {
  file: ReturnType<typeof bigFile>;
  up: { status: number; body: Record<string, unknown> };
  started: { status: number; body: Record<string, unknown> };
  again: number;
  seen: number[];
  last: Record<string, unknown>;
  importId: string;
};
/**
 * The 10,000-row import starts once, before the tests, and its progress is recorded from the start, so
 * the test that checks it and the tests that read its rows (exports, tags, companies) pass in any order.
 */
let bigImport: Promise<BigImport>;
const runBigImport = async (): Promise<BigImport> => {
  const file = bigFile();
  const up = await upload(admin, file.csv);
  const importId = up.body.id as string;
  const started = await admin.post(`/api/v1/crm/imports/${importId}/start`, { mapping: MAPPING });
  const again = (await admin.post(`/api/v1/crm/imports/${importId}/start`, { mapping: MAPPING })).status;
  const seen: number[] = [];
  let last: Record<string, unknown> = {};
  for (let i = 0; i < 2400; i++) {
    const res = await admin.get(`/api/v1/crm/imports/${importId}`);
    if (res.status !== 200) throw new Error(`import status answered ${res.status}`);
    last = res.body;
    seen.push(res.body.progress);
    if (res.body.status === 'completed' || res.body.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { file, up, started, again, seen, last, importId };
};
const vipTagId = async () => {
  await bigImport;
  const [tag] = await env.sql<{ id: string }>("select id from crm_tag where tenant_id = $1 and name = 'vip'", [
    acme.id,
  ]);
  return tag?.id ?? '';
};

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, loyalty] });
  acme = await env.tenant('acme', { enable: ['crm'] });
  beta = await env.tenant('beta', { enable: ['crm'] });
  admin = await acme.as('admin', 'importer@acme.test');
  adminId = await userId(acme, 'importer@acme.test');
  const owner = await userId(acme, acme.ownerEmail);
  await env.sql(
    "insert into crm_contact (tenant_id, owner_id, name, email) values ($1, $2, 'Old Timer', 'existing@example.com')",
    [acme.id, owner],
  );
  await env.sql(`create function crm_test_fail() returns trigger language plpgsql as $$
    begin raise exception 'refused by the test trigger'; end $$`);
  await env.sql(`create trigger crm_test_fail before insert on crm_contact for each row
    when (new.name = 'Trigger Failure') execute function crm_test_fail()`);
  bigImport = runBigImport();
  bigImport.catch(() => {}); // reported by the tests that await it
});
afterAll(() => env?.close());

describe('CSV import', { timeout: 180_000 }, () => {
  it('stores an upload and suggests a mapping from the headers', async () => {
    const csv = writeCsv([
      HEADER,
      ...Array.from({ length: 7 }, (_, i) => [`F${i}`, 'L', `f${i}@x.io`, '', '', '', '', '', '']),
    ]);
    const res = await upload(admin, csv, 'small.csv');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ filename: 'small.csv', headers: HEADER, totalRows: 7, suggestedMapping: MAPPING });
    expect(res.body.sampleRows).toHaveLength(5);
    expect(res.body.sampleRows[0]).toEqual(['F0', 'L', 'f0@x.io', '', '', '', '', '', '']);
    const semi = await upload(admin, 'Name;E-mail\r\nAda;ada@x.io\r\n');
    expect(semi.body).toMatchObject({ delimiter: ';', headers: ['Name', 'E-mail'], sampleRows: [['Ada', 'ada@x.io']] });
    const got = await admin.get(`/api/v1/crm/imports/${res.body.id}`);
    expect(got.body).toMatchObject({ status: 'pending', totalRows: 7, processedRows: 0, progress: 0, jobId: null });
  });

  it('validates the mapping: unknown field or column, two columns for one field, no name', async () => {
    const { body } = await upload(admin, 'Name,Mail\nAda,ada@x.io\n');
    const start = (mapping: Record<string, unknown>) => admin.post(`/api/v1/crm/imports/${body.id}/start`, { mapping });
    const bad = await start({ Name: 'name', Mail: 'shoeSize' });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ path: 'mapping.Mail', message: expect.stringContaining('unknown field') }]);
    expect((await start({ Name: 'name', Fax: 'phone' })).body.details[0].path).toBe('mapping.Fax');
    expect((await start({ Name: 'name', Mail: 'name' })).body.details[0].message).toContain('already mapped');
    expect((await start({ Mail: 'email' })).body.details).toEqual([{ path: 'mapping', message: expect.any(String) }]);
    expect((await start({ Name: 7 })).status).toBe(400);
    expect((await admin.get(`/api/v1/crm/imports/${body.id}`)).body.jobId).toBeNull();
  });

  it('refuses broken, empty and oversized files, and members', async () => {
    expect((await upload(admin, 'a,b\n"open,1\n')).status).toBe(400);
    expect((await upload(admin, '\n\n')).status).toBe(400);
    expect((await upload(admin, 'Name,Name\nx,y\n')).status).toBe(400);
    const huge = await upload(admin, `Name\n${'x\n'.repeat(50_001)}`);
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('CRM_IMPORT_TOO_LARGE');
    expect((await admin.post('/api/v1/crm/imports', { not: 'csv' })).status).toBe(415);
    const member = await acme.as('member');
    expect((await upload(member, 'Name\nx\n')).status).toBe(403);
  });

  it('imports 10,000 rows in a background job, with progress, per-row errors and nothing half-written', async () => {
    const { file, up, started, again, seen, last, importId } = await bigImport;
    expect(up.status).toBe(201);
    expect(up.body.totalRows).toBe(N);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: importId, jobId: expect.any(String) });
    const { jobId } = started.body;
    expect(again).toBe(409);
    expect(last).toMatchObject({
      status: 'completed',
      progress: 100,
      totalRows: N,
      processedRows: N,
      importedRows: N - file.failedRows,
      failedRows: file.failedRows,
      jobId,
    });
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.some((p) => p > 0 && p < 100)).toBe(true);
    expect(last.errors).toEqual(file.errors.map((e) => expect.objectContaining(e)));
    expect((last.errors as { column: string | null }[])[0]?.column).toBe('E-mail');

    const job = await admin.get(`/api/v1/core/jobs/${jobId}`);
    expect(job.body).toMatchObject({
      state: 'completed',
      progress: 100,
      result: { importedRows: N - file.failedRows },
    });

    const count = async (sql: string, params: unknown[] = []) =>
      (await env.sql<{ n: number }>(`select count(*)::int as n ${sql}`, [acme.id, ...params]))[0]?.n;
    // Valid rows committed, owned by the importing user; the bad ones left nothing behind.
    expect(await count("from crm_contact where tenant_id = $1 and kind = 'person' and owner_id = $2", [adminId])).toBe(
      N - file.failedRows,
    );
    expect(await count("from crm_contact where tenant_id = $1 and email = 'not-an-email'")).toBe(0);
    expect(await count("from crm_contact where tenant_id = $1 and lower(email) = 'person1@example.com'")).toBe(1);
    expect(
      await count("from crm_contact where tenant_id = $1 and name in ('Halfwritten Corp', 'Trigger Failure')"),
    ).toBe(0);
    expect(await count("from crm_tag where tenant_id = $1 and name = 'halfwritten-tag'")).toBe(0);
    expect(
      await count("from crm_contact where tenant_id = $1 and email = 'existing@example.com' and name = 'Old Timer'"),
    ).toBe(1);
    expect(await count("from crm_import where tenant_id = $1 and id = $2 and csv = ''", [importId])).toBe(1);
    // Companies by name: found or created once (the importer's; another test's manager makes one of its own).
    expect(await count("from crm_contact where tenant_id = $1 and kind = 'company' and owner_id = $2", [adminId])).toBe(
      51,
    );
    const [person] = await env.sql<Record<string, string>>(
      `select p.name, p.country, p.source, c.name as company from crm_contact p join crm_contact c on c.tenant_id = p.tenant_id and c.id = p.company_id
       where p.tenant_id = $1 and p.email = 'person500@example.com'`,
      [acme.id],
    );
    expect(person).toEqual({
      name: 'First500 Last500',
      country: 'FR',
      source: 'import',
      company: 'Smith, Jones & "Partners"',
    });
    const [tag] = await env.sql<{ id: string; n: number }>(
      `select t.id, (select count(*)::int from crm_contact_tag ct where ct.tenant_id = t.tenant_id and ct.tag_id = t.id) as n
       from crm_tag t where t.tenant_id = $1 and t.name = 'vip'`,
      [acme.id],
    );
    // Every tenth row carries vip; rows 100, 2500, 5000, 6000, 8000 and 9000 failed.
    expect(tag?.n).toBe(N / 10 - 6);
  }, 180_000);

  it('keeps imports to their tenant', async () => {
    const { importId } = await bigImport;
    expect((await beta.client.get(`/api/v1/crm/imports/${importId}`)).status).toBe(404);
    expect((await beta.client.post(`/api/v1/crm/imports/${importId}/start`, { mapping: MAPPING })).status).toBe(404);
    expect((await beta.client.get('/api/v1/crm/imports')).body.total_count).toBe(0);
    expect((await acme.client.get('/api/v1/crm/imports/not-a-uuid')).status).toBe(404);
  });

  it('links rows only to companies the importing user sees (a manager without a team: own)', async () => {
    await bigImport; // "Company 7" comes from it
    const manager = await acme.as('manager', 'lead@acme.test');
    const up = await upload(manager, 'Name,Company\nMia Manager,Company 7\n');
    expect(
      (await manager.post(`/api/v1/crm/imports/${up.body.id}/start`, { mapping: { Name: 'name', Company: 'company' } }))
        .status,
    ).toBe(202);
    for (let i = 0; i < 1200; i++) {
      if ((await manager.get(`/api/v1/crm/imports/${up.body.id}`)).body.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const rows = await env.sql<{ owner: string; mine: boolean }>(
      `select c.owner_id as owner, (c.owner_id = p.owner_id) as mine from crm_contact p
       join crm_contact c on c.tenant_id = p.tenant_id and c.id = p.company_id where p.tenant_id = $1 and p.name = 'Mia Manager'`,
      [acme.id],
    );
    // "Company 7" exists, owned by the admin: the manager gets a company of their own.
    expect(rows).toEqual([{ owner: await userId(acme, 'lead@acme.test'), mine: true }]);
  }, 180_000);
});

const exportCsv = async (client: ApiClient, path: string) => {
  const res = await client.get(path);
  expect(res.status).toBe(200);
  const rows = parseCsv(res.body as string);
  const header = rows[0] as string[];
  return { res, header, rows: rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
};

describe('CSV export', { timeout: 180_000 }, () => {
  it('exports the same rows as the list endpoint for the same filter, as CSV', async () => {
    const vipTag = await vipTagId();
    const filter = `city=Lisbon&tagIds=${vipTag}`;
    const listed: string[] = [];
    for (let offset = 0; ; offset += 200) {
      const page = await admin.get(`/api/v1/crm/contacts?${filter}&limit=200&offset=${offset}&count=true`);
      expect(page.status).toBe(200);
      listed.push(...page.body.data.map((c: { id: string }) => c.id));
      if (listed.length >= page.body.total_count) break;
    }
    const { res, header, rows } = await exportCsv(admin, `/api/v1/crm/export/contacts.csv?${filter}`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(header.slice(0, 6)).toEqual(['id', 'kind', 'name', 'firstName', 'lastName', 'email']);
    expect(rows.map((r) => r.id)).toEqual(listed);
    expect(listed.length).toBeGreaterThan(300);
    expect(rows.every((r) => r.city === 'Lisbon' && r.tags === 'newsletter; vip')).toBe(true);
    const obrien = rows.find((r) => r.email === 'person1940@example.com');
    expect(obrien).toMatchObject({ lastName: 'O"Brien, 1940', company: 'Company 40', country: 'FR' });
    // A byte order mark first, for spreadsheet programs (fetch's text() drops it).
    const raw = await fetch(`${env.url}/api/v1/crm/export/contacts.csv?${filter}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('quotes awkward values, neutralises formulas, honours segments and limits', async () => {
    const owner = await userId(acme, acme.ownerEmail);
    await env.sql(
      "insert into crm_contact (tenant_id, owner_id, name, city) values ($1, $2, $3, 'Quoteville'), ($1, $2, '=HYPERLINK(\"http://x\")', 'Quoteville')",
      [acme.id, owner, 'Line one\nline "two", three'],
    );
    const { rows } = await exportCsv(acme.client, '/api/v1/crm/export/contacts.csv?city=Quoteville&sort=-name');
    expect(rows.map((r) => r.name)).toEqual(['Line one\nline "two", three', '\'=HYPERLINK("http://x")']);
    const [seg] = await env.sql<{ id: string }>(
      `insert into crm_segment (tenant_id, owner_id, name, target, filter) values ($1, $2, 'Berlin', 'contact', '{"city":"Berlin"}') returning id`,
      [acme.id, owner],
    );
    const segment = await exportCsv(acme.client, `/api/v1/crm/export/contacts.csv?segmentId=${seg?.id}&limit=5`);
    expect(segment.rows).toHaveLength(5);
    expect(segment.rows.every((r) => r.city === 'Berlin')).toBe(true);
    expect(segment.res.headers.get('x-export-truncated')).toBe('true');
    expect((await acme.client.get('/api/v1/crm/export/contacts.csv?shoeSize=9')).status).toBe(400);
  });

  it('exports leads and opportunities with their filters', async () => {
    const owner = await userId(acme, acme.ownerEmail);
    await env.sql(
      "insert into crm_lead (tenant_id, owner_id, title, status, value) values ($1, $2, 'Big one', 'qualified', 5000), ($1, $2, 'Small one', 'new', 10)",
      [acme.id, owner],
    );
    const leads = await exportCsv(acme.client, '/api/v1/crm/export/leads.csv?status=qualified');
    expect(leads.rows.map((r) => [r.title, r.status, r.value])).toEqual([['Big one', 'qualified', '5000.0000']]);
    const [p] = await env.sql<{ pipeline: string; stage: string }>(
      `select p.id as pipeline, s.id as stage from crm_pipeline p join crm_stage s on s.tenant_id = p.tenant_id and s.pipeline_id = p.id
       where p.tenant_id = $1 order by s.position limit 1`,
      [acme.id],
    );
    await env.sql(
      `insert into crm_opportunity (tenant_id, owner_id, title, pipeline_id, stage_id, value, contact_id)
       values ($1, $2, 'Renewal', $3, $4, 99.5, (select id from crm_contact where tenant_id = $1 and email = 'person3@example.com'))`,
      [acme.id, owner, p?.pipeline, p?.stage],
    );
    const opps = await exportCsv(acme.client, `/api/v1/crm/export/opportunities.csv?stageId=${p?.stage}`);
    expect(opps.rows).toEqual([
      expect.objectContaining({ title: 'Renewal', value: '99.50', contact: 'First3 Last3', stage: expect.any(String) }),
    ]);
  });

  it('applies record rules: a member exports only own rows', async () => {
    const member = await acme.as('member', 'rep@acme.test');
    const rep = await userId(acme, 'rep@acme.test');
    await env.sql(
      "insert into crm_contact (tenant_id, owner_id, name, city) values ($1, $2, 'Rep One', 'Paris'), ($1, $2, 'Rep Two', 'Paris')",
      [acme.id, rep],
    );
    const { rows } = await exportCsv(member, '/api/v1/crm/export/contacts.csv?city=Paris');
    expect(rows.map((r) => r.name)).toEqual(['Rep One', 'Rep Two']);
    expect(rows.every((r) => r.ownerId === rep)).toBe(true);
    expect((await exportCsv(member, '/api/v1/crm/export/leads.csv')).rows).toEqual([]);
  });

  it('never exports another tenant’s rows', async () => {
    const vipTag = await vipTagId();
    const bOwner = await userId(beta, beta.ownerEmail);
    await env.sql("insert into crm_contact (tenant_id, owner_id, name, city) values ($1, $2, 'Beta Person', 'Paris')", [
      beta.id,
      bOwner,
    ]);
    const all = await exportCsv(beta.client, '/api/v1/crm/export/contacts.csv');
    expect(all.rows.map((r) => r.name)).toEqual(['Beta Person']);
    expect((await exportCsv(beta.client, '/api/v1/crm/export/leads.csv')).rows).toEqual([]);
    expect((await beta.client.get(`/api/v1/crm/export/contacts.csv?tagIds=${vipTag}`)).body).toBe(
      'id,kind,name,firstName,lastName,email,phone,jobTitle,company,companyId,website,street,city,postalCode,country,source,tags,ownerId,createdAt,updatedAt\r\n',
    );
  });
});
