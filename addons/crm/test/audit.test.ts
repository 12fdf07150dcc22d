import type { ApiClient } from '@elevate/testkit';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';
import { bigFile, MAPPING, N } from './fixtures/contacts-csv.ts';

// The audit log as crm writes it without a line of its own: contacts changed through its
// routes (ctx.em and hand-written SQL), its import job, its export (one ctx.audit.record call).
// Their cost on the 10,000-row import and on single creates: bench/audit.bench.ts.

let env: TestEnv;
let acme: TestTenant;

interface Entry {
  action: string;
  table: string | null;
  recordId: string | null;
  userId: string | null;
  actor: string;
  requestId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  detail: Record<string, unknown> | null;
}

const history = async (c: ApiClient, q: string) => {
  const res = await c.get(`/api/v1/core/audit?${q}`);
  expect(res.status).toBe(200);
  return res.body.data as Entry[];
};
const userId = async (t: TestTenant, email: string) =>
  (
    (
      await env.sql<{ id: string }>('select id from core_user where tenant_id = $1 and email = $2', [t.id, email])
    )[0] as {
      id: string;
    }
  ).id;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm] });
  acme = await env.tenant('audit-crm', { enable: ['crm'] });
});
afterAll(() => env?.close());

async function runImport(client: ApiClient, csv: string): Promise<{ status: string }> {
  const up = await client.request('POST', '/api/v1/crm/imports?filename=big.csv', csv, { 'content-type': 'text/csv' });
  expect(up.status).toBe(201);
  const started = await client.post(`/api/v1/crm/imports/${up.body.id}/start`, { mapping: MAPPING });
  expect(started.status).toBe(202);
  for (;;) {
    const res = await client.get(`/api/v1/crm/imports/${up.body.id}`);
    if (res.body.status === 'completed' || res.body.status === 'failed') {
      return { status: res.body.status };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('crm changes in the audit log', () => {
  it('contact create, update and delete through the routes, with actor, request id and changed fields', async () => {
    const me = await userId(acme, acme.ownerEmail);
    const created = await acme.client.post('/api/v1/crm/contacts', { name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const patched = await acme.client.patch(`/api/v1/crm/contacts/${id}`, { city: 'London' });
    expect(patched.status).toBe(200);
    const deleted = await acme.client.delete(`/api/v1/crm/contacts/${id}`);
    expect(deleted.status).toBe(204);
    const entries = (await history(acme.client, `record=${id}`)).filter((e) => e.table === 'crm_contact');
    expect(entries.map((e) => e.action)).toEqual(['delete', 'update', 'create']);
    const [del, upd, cre] = entries as [Entry, Entry, Entry];
    expect(cre).toMatchObject({ userId: me, actor: 'user', requestId: created.headers.get('x-request-id') });
    expect(cre.after).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(cre.after).not.toHaveProperty('search'); // generated: left out
    expect(upd).toMatchObject({ requestId: patched.headers.get('x-request-id'), before: { city: null } });
    expect(upd.after).toMatchObject({ city: 'London' });
    expect(Object.keys(upd.after ?? {})).not.toContain('name');
    expect(del).toMatchObject({ requestId: deleted.headers.get('x-request-id'), before: { name: 'Ada Lovelace' } });
  });

  it('an export is logged with its filter and row count; an import names its job and user', async () => {
    const t = await env.tenant('audit-crm-io', { enable: ['crm'] });
    const me = await userId(t, t.ownerEmail);
    const csv = 'First name,E-mail\r\nGrace,grace@example.com\r\nAlan,alan@example.com\r\n';
    const mapping = { 'First name': 'firstName', 'E-mail': 'email' };
    const up = await t.client.request('POST', '/api/v1/crm/imports?filename=two.csv', csv, {
      'content-type': 'text/csv',
    });
    expect((await t.client.post(`/api/v1/crm/imports/${up.body.id}/start`, { mapping })).status).toBe(202);
    for (let i = 0; i < 200; i++) {
      if ((await t.client.get(`/api/v1/crm/imports/${up.body.id}`)).body.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const created = (await history(t.client, 'table=crm_contact&action=create')).filter((e) =>
      ['grace@example.com', 'alan@example.com'].includes(String(e.after?.email)),
    );
    expect(created).toHaveLength(2);
    for (const e of created) expect(e).toMatchObject({ userId: me, actor: expect.stringMatching(/^job:crm\./) });

    const res = await t.client.get('/api/v1/crm/export/contacts.csv?q=grace');
    expect(res.status).toBe(200);
    const [exported] = await history(t.client, 'action=export');
    expect(exported).toMatchObject({
      table: 'crm_contact',
      userId: me,
      actor: 'user',
      requestId: res.headers.get('x-request-id'),
      detail: { rows: Number(res.headers.get('x-export-rows')) },
    });
    // Another tenant's audit log shows none of it.
    expect(await history(acme.client, 'action=export')).toHaveLength(0);
  });
});

describe('the audit log of a large import', { timeout: 300_000 }, () => {
  it('has an entry for every contact the 10,000-row import creates, and keeps a cut of the uploaded file', async () => {
    const file = bigFile();
    const t = await env.tenant('audit-crm-big', { enable: ['crm'] });
    expect((await runImport(t.client, file.csv)).status).toBe('completed');
    const [imported] = await env.sql<{ n: string }>('select count(*) as n from crm_contact where tenant_id = $1', [
      t.id,
    ]);
    const [rows] = await env.sql<{ n: string }>(
      "select count(*) as n from core_audit where tenant_id = $1 and table_name = 'crm_contact' and action = 'create'",
      [t.id],
    );
    expect(Number(imported?.n)).toBeGreaterThan(N / 2);
    expect(Number(rows?.n)).toBe(Number(imported?.n));
    // The import's state row held the uploaded file: the log keeps a cut of it, not the file again.
    const [kept] = await env.sql<{ n: string }>(
      "select coalesce(max(length(before::text)), 0) as n from core_audit where tenant_id = $1 and table_name = 'crm_import'",
      [t.id],
    );
    expect(Number(kept?.n)).toBeGreaterThan(0);
    expect(Number(kept?.n)).toBeLessThan(5000);
  });
});
