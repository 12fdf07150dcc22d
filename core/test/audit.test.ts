import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { journal } from '@elevate-fixture/journal';
import { projects } from '@elevate-fixture/projects';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredAudit } from '../src/audit/audit-retention.ts';

// The audit log: written by the database (statement triggers on every tenant table) in the
// request's own transaction, with the actor and request id the request set in its opening
// round trip; append-only for the app role; read through /api/v1/core/audit.

let env: TestEnv;
let a: TestTenant;
let b: TestTenant;

interface Entry {
  id: string;
  at: string;
  action: string;
  table: string | null;
  model: string | null;
  recordId: string | null;
  userId: string | null;
  userEmail: string | null;
  actor: string;
  requestId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  detail: Record<string, unknown> | null;
}
type Page = { data: Entry[]; total_count: number; limit: number; offset: number };

const ownerId = async (t: TestTenant) =>
  (
    (
      await env.sql<{ id: string }>('select id from core_user where tenant_id = $1 and email = $2', [
        t.id,
        t.ownerEmail,
      ])
    )[0] as {
      id: string;
    }
  ).id;

const history = async (t: TestTenant, query: string): Promise<Entry[]> => {
  const res = await t.client.get(`/api/v1/core/audit?${query}`);
  expect(res.status).toBe(200);
  return (res.body as Page).data;
};

beforeAll(async () => {
  env = await bootTestKernel({ addons: [journal, projects] });
  a = await env.tenant('audit-a', { enable: ['journal', 'projects'] });
  b = await env.tenant('audit-b', { enable: ['journal'] });
});
afterAll(() => env?.close());

describe('record changes', () => {
  it('logs create, update and delete through the resource layer with actor, request id and changed fields', async () => {
    const me = await ownerId(a);
    const created = await a.client.post('/api/v1/journal/entries', { text: 'first draft' });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const patched = await a.client.patch(`/api/v1/journal/entries/${id}`, { text: 'second draft', pinned: true });
    expect(patched.status).toBe(200);
    const deleted = await a.client.delete(`/api/v1/journal/entries/${id}`);
    expect(deleted.status).toBe(204);

    const entries = await history(a, `record=${id}`);
    expect(entries.map((e) => e.action)).toEqual(['delete', 'update', 'create']);
    const [del, upd, cre] = entries as [Entry, Entry, Entry];
    for (const e of entries) {
      expect(e).toMatchObject({
        table: 'journal_entry',
        model: 'journal.entry',
        recordId: id,
        userId: me,
        actor: 'user',
      });
      expect(e.userEmail).toBe(a.ownerEmail);
    }
    expect(cre.requestId).toBe(created.headers.get('x-request-id'));
    expect(upd.requestId).toBe(patched.headers.get('x-request-id'));
    expect(del.requestId).toBe(deleted.headers.get('x-request-id'));
    expect(cre.after).toMatchObject({ id, text: 'first draft', pinned: false });
    expect(cre.before).toBeNull();
    // Only what changed, before and after (updated_at alone is not a change).
    expect(upd.before).toEqual({ text: 'first draft', pinned: false });
    expect(upd.after).toEqual({ text: 'second draft', pinned: true });
    expect(del.before).toMatchObject({ id, text: 'second draft', pinned: true });
    expect(del.after).toBeNull();
    // The same through the model filter.
    const byModel = await history(a, `model=journal.entry&record=${id}&action=update`);
    expect(byModel.map((e) => e.id)).toEqual([upd.id]);
  });

  it('logs hand-written SQL (ctx.db.query) the same way', async () => {
    const res = await a.client.put('/api/v1/core/addons/projects/settings', { maxProjects: 7 });
    expect(res.status).toBe(200);
    const [e] = await history(a, 'table=core_tenant_addon&record=projects&action=update');
    expect(e).toBeDefined();
    expect(e?.requestId).toBe(res.headers.get('x-request-id'));
    expect(e?.userId).toBe(await ownerId(a));
    expect(e?.after?.settings).toMatchObject({ maxProjects: 7 });
    expect(e?.before).toHaveProperty('settings');
  });

  it('a rolled-back request leaves no entry', async () => {
    await env.sql(`create or replace function audit_test_refuse() returns trigger language plpgsql as $$
      begin raise exception 'refused by the test'; end $$`);
    await env.sql(`create or replace trigger audit_test_refuse before insert on journal_entry for each row
      when (new.text = 'refused') execute function audit_test_refuse()`);
    const marker = `kept-only-if-committed-${Date.now()}`;
    // Two mutations in one request: the first writes, the second fails, the request rolls back.
    const res = await a.client.graphql(
      `mutation { a: createJournalEntry(input: { text: "${marker}" }) { id } b: createJournalEntry(input: { text: "refused" }) { id } }`,
    );
    expect(res.status).toBe(200);
    expect((res.body as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
    expect(await env.sql('select 1 from journal_entry where text = $1', [marker])).toHaveLength(0);
    const rows = await env.sql("select 1 from core_audit where table_name = 'journal_entry' and after->>'text' = $1", [
      marker,
    ]);
    expect(rows).toHaveLength(0);
  });

  it('bulk statements write one entry per row, and a system change names no user', async () => {
    const before = Number(
      (await env.sql<{ n: string }>('select count(*) as n from core_audit where tenant_id = $1', [b.id]))[0]?.n,
    );
    const app = await appClient(b.id);
    try {
      await app.query(
        "insert into journal_entry (text, pinned) select 'bulk ' || g, false from generate_series(1, 50) g",
      );
      await app.query("update journal_entry set pinned = true where text like 'bulk %'");
      await app.query('commit');
    } finally {
      await app.end();
    }
    const rows = await env.sql<{ action: string; actor: string; user_id: string | null; n: string }>(
      `select action, actor, user_id, count(*) as n from core_audit where tenant_id = $1 and table_name = 'journal_entry'
       group by 1, 2, 3 order by 1`,
      [b.id],
    );
    expect(rows).toEqual([
      { action: 'create', actor: 'system', user_id: null, n: '50' },
      { action: 'update', actor: 'system', user_id: null, n: '50' },
    ]);
    const after = Number(
      (await env.sql<{ n: string }>('select count(*) as n from core_audit where tenant_id = $1', [b.id]))[0]?.n,
    );
    expect(after - before).toBe(100);
  });
});

/** A connection as the app role, in a transaction of the given tenant. */
async function appClient(tenantId: string): Promise<pg.Client> {
  const url = new URL(env.databaseUrl);
  url.username = env.kernel.config.appDbUser;
  url.password = env.kernel.config.appDbPassword;
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  await c.query(`begin; select set_config('app.tenant_id', '${tenantId}', true)`);
  return c;
}

describe('append-only', () => {
  it('the app role can add and read entries of its tenant but not change, delete or truncate them', async () => {
    await a.client.post('/api/v1/journal/entries', { text: 'to be protected' });
    for (const sql of ["update core_audit set action = 'forged'", 'delete from core_audit', 'truncate core_audit']) {
      const c = await appClient(a.id);
      try {
        const n = await c.query<{ n: string }>('select count(*) as n from core_audit');
        expect(Number(n.rows[0]?.n)).toBeGreaterThan(0);
        await expect(c.query(sql)).rejects.toMatchObject({ code: '42501' });
      } finally {
        await c.end();
      }
    }
    const c = await appClient(a.id);
    try {
      await c.query("insert into core_audit (action, actor) values ('test.insert', 'test')");
      // Another tenant's row: refused by row-level security.
      await expect(
        c.query("insert into core_audit (tenant_id, action, actor) values ($1, 'test.insert', 'test')", [b.id]),
      ).rejects.toMatchObject({ code: '42501' });
    } finally {
      await c.end();
    }
    expect(await env.sql("select 1 from core_audit where action = 'forged'")).toHaveLength(0);
  });
});

describe('what is kept of a value', () => {
  it('cuts unbounded text to 1,000 characters (a logo, an uploaded file is not kept twice)', async () => {
    const t = await env.tenant('audit-long');
    const logo = `data:image/png;base64,${'A'.repeat(5000)}`;
    const app = await appClient(t.id);
    try {
      await app.query('insert into core_branding (logo, primary_color) values ($1, $2)', [logo, '#112233']);
      await app.query("update core_branding set primary_color = '#445566', logo = $1", [`${logo}B`]);
      await app.query('commit');
    } finally {
      await app.end();
    }
    const rows = await env.sql<{
      action: string;
      before: Record<string, string> | null;
      after: Record<string, string>;
    }>(
      "select action, before, after from core_audit where tenant_id = $1 and table_name = 'core_branding' order by id",
      [t.id],
    );
    expect(rows.map((r) => r.action)).toEqual(['create', 'update']);
    const [created, updated] = rows as [(typeof rows)[0], (typeof rows)[0]];
    expect(created.after.primary_color).toBe('#112233');
    expect(created.after.logo?.length).toBeLessThan(1100);
    expect(created.after.logo).toContain(`[${logo.length} characters]`);
    expect(updated.after).toMatchObject({ primary_color: '#445566' });
    expect(updated.before?.logo).toContain(`[${logo.length} characters]`);
    expect(updated.after.logo).toContain(`[${logo.length + 1} characters]`);
  });
});

describe('tenant deletion', () => {
  it('a deleted tenant takes its audit rows along, and its cascade is not logged', async () => {
    const t = await env.tenant('audit-gone', { enable: ['journal'] });
    await t.client.post('/api/v1/journal/entries', { text: 'soon gone' });
    expect(
      Number((await env.sql<{ n: string }>('select count(*) as n from core_audit where tenant_id = $1', [t.id]))[0]?.n),
    ).toBeGreaterThan(0);
    // As the app role, the way a failed sign-up removes its half-made tenant.
    const url = new URL(env.databaseUrl);
    url.username = env.kernel.config.appDbUser;
    url.password = env.kernel.config.appDbPassword;
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    try {
      await c.query('delete from core_tenant where id = $1', [t.id]);
    } finally {
      await c.end();
    }
    expect(await env.sql('select 1 from core_audit where tenant_id = $1', [t.id])).toHaveLength(0);
    expect(await env.sql('select 1 from journal_entry where tenant_id = $1', [t.id])).toHaveLength(0);
  });
});

describe('the audit API', () => {
  it('tenant B sees none of tenant A', async () => {
    const created = await a.client.post('/api/v1/journal/entries', { text: 'only for a' });
    const id = (created.body as { id: string }).id;
    expect(await history(a, `record=${id}`)).toHaveLength(1);
    expect(await history(b, `record=${id}`)).toHaveLength(0);
    const all = await history(b, 'limit=500');
    expect(all.some((e) => e.recordId === id)).toBe(false);
    const csv = await b.client.get(`/api/v1/core/audit/export?record=${id}`);
    expect(csv.status).toBe(200);
    expect(String(csv.body)).not.toContain(id);
    // B's admin changing A's retention: B's own setting only.
    const admin = await b.as('admin');
    expect((await admin.put('/api/v1/core/audit/settings', { retentionDays: 30 })).status).toBe(200);
    expect((await a.client.get('/api/v1/core/audit/settings')).body).toEqual({ retentionDays: 365 });
  });

  it('needs core.audit.read: a member gets 403, an admin reads', async () => {
    const member = await a.as('member');
    for (const path of ['/api/v1/core/audit', '/api/v1/core/audit/export', '/api/v1/core/audit/settings']) {
      const res = await member.get(path);
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).toContain('core.audit.read');
    }
    const admin = await a.as('admin');
    expect((await admin.get('/api/v1/core/audit')).status).toBe(200);
    expect((await admin.put('/api/v1/core/audit/settings', { retentionDays: 90 })).status).toBe(200);
    expect((await member.put('/api/v1/core/audit/settings', { retentionDays: 1 })).status).toBe(403);
    expect((await a.client.put('/api/v1/core/audit/settings', { retentionDays: 365 })).status).toBe(200);
  });

  it('answers bad filters with 400 naming the field', async () => {
    for (const [q, field] of [
      ['user=not-a-uuid', 'user'],
      ['from=yesterday', 'from'],
      ['to=2026-13-01', 'to'],
      ['limit=0', 'limit'],
      ['limit=1e400', 'limit'],
      ['offset=-1', 'offset'],
      ['table=Robert%27);drop', 'table'],
      ['model=nope.nothing', 'model'],
      ['colour=red', 'colour'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ] as const) {
      for (const path of ['/api/v1/core/audit', '/api/v1/core/audit/export']) {
        const res = await a.client.get(`${path}?${q}`);
        expect(res.status, `${path}?${q}`).toBe(400);
        const body = res.body as { code: string; message: string; details: { path: string }[] };
        expect(body.code).toBe('VALIDATION_FAILED');
        expect(body.details.map((d) => d.path)).toContain(field);
      }
    }
    const bad = await a.client.put('/api/v1/core/audit/settings', { retentionDays: 0 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('retentionDays');
  });

  it('pages, filters by user, action and time, and exports CSV (the export itself is logged)', async () => {
    const t = await env.tenant('audit-paging', { enable: ['journal'] });
    const me = await ownerId(t);
    for (let i = 0; i < 5; i++) await t.client.post('/api/v1/journal/entries', { text: `page ${i}, "quoted"` });
    const p1 = (await t.client.get('/api/v1/core/audit?table=journal_entry&limit=2')).body as Page;
    const p2 = (await t.client.get('/api/v1/core/audit?table=journal_entry&limit=2&offset=2')).body as Page;
    expect(p1.total_count).toBe(5);
    expect(p1.data).toHaveLength(2);
    expect(p2.data).toHaveLength(2);
    expect(p1.data.map((e) => e.id)).not.toContain(p2.data[0]?.id);
    expect((await history(t, `user=${me}&action=create&table=journal_entry`)).length).toBe(5);
    expect(await history(t, 'user=00000000-0000-4000-8000-000000000000')).toHaveLength(0);
    expect(await history(t, 'table=journal_entry&from=2100-01-01T00:00:00Z')).toHaveLength(0);
    expect(await history(t, 'table=journal_entry&to=2000-01-01T00:00:00Z')).toHaveLength(0);

    const csv = await t.client.get('/api/v1/core/audit/export?table=journal_entry');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('x-export-rows')).toBe('5');
    const text = String(csv.body);
    expect(text.split('\r\n')[0]).toContain('at,action,model,table,recordId,userId');
    // JSON in a quoted cell: its quotes doubled.
    expect(text).toContain('""text"":""page 4, \\""quoted\\""""');
    const [exported] = await history(t, 'action=export');
    expect(exported).toMatchObject({ table: 'core_audit', userId: me, detail: { rows: 5 } });
    expect(exported?.requestId).toBe(csv.headers.get('x-request-id'));
  });
});

describe('explicit entries', () => {
  it('logs logins, failed logins and addon enable/disable with who did it', async () => {
    const t = await env.tenant('audit-login');
    const me = await ownerId(t);
    const ok = await env
      .anonymous()
      .post('/api/v1/auth/login', { tenant: t.slug, email: t.ownerEmail, password: t.password });
    expect(ok.status).toBe(200);
    const bad = await env
      .anonymous()
      .post('/api/v1/auth/login', { tenant: t.slug, email: t.ownerEmail, password: 'wrong-password' });
    expect(bad.status).toBe(401);
    const nobody = await env
      .anonymous()
      .post('/api/v1/auth/login', { tenant: t.slug, email: 'nobody@x.test', password: 'x' });
    expect(nobody.status).toBe(401);
    const logins = await history(t, 'action=login');
    expect(logins[0]).toMatchObject({ userId: me, actor: 'user', recordId: me });
    expect(logins[0]?.requestId).toBe(ok.headers.get('x-request-id'));
    const failed = await history(t, 'action=login.failed');
    expect(failed.map((e) => e.userId)).toEqual([null, me]);
    expect(failed[1]?.detail).toMatchObject({ email: t.ownerEmail });
    expect(JSON.stringify(failed)).not.toContain('wrong-password');

    const on = await t.client.post('/api/v1/core/addons/journal/enable');
    expect(on.status).toBe(200);
    const off = await t.client.post('/api/v1/core/addons/journal/disable');
    expect(off.status).toBe(200);
    const [enabled] = await history(t, 'action=addon.enable');
    expect(enabled).toMatchObject({ recordId: 'journal', userId: me, detail: { enabled: ['journal'] } });
    expect(enabled?.requestId).toBe(on.headers.get('x-request-id'));
    const [disabled] = await history(t, 'action=addon.disable');
    expect(disabled).toMatchObject({ recordId: 'journal', userId: me });
    // The row-level changes of the same transactions, with the same request id: the grants the
    // addon gave the seeded roles (a permission change) and its enabled flag.
    const grants = await history(t, 'table=core_role&action=update');
    const grant = grants.find((e) => e.requestId === on.headers.get('x-request-id'));
    expect(JSON.stringify(grant?.after?.permissions)).toContain('journal.entry.read');
    const flags = await history(t, 'table=core_tenant_addon&record=journal');
    expect(flags.find((e) => e.requestId === off.headers.get('x-request-id'))?.after).toMatchObject({ enabled: false });
  });

  it('logs a role change made in the admin API, with who made it', async () => {
    const t = await env.tenant('audit-roles');
    await t.as('member', 'ria@audit-roles.test');
    const [ria] = await env.sql<{ id: string }>(
      "select id from core_user where tenant_id = $1 and email = 'ria@audit-roles.test'",
      [t.id],
    );
    const res = await t.client.put(`/api/v1/core/users/${ria?.id}/roles`, { roles: ['member', 'admin'] });
    expect(res.status).toBe(200);
    const [grant] = (await history(t, 'table=core_user_role&action=create')).filter(
      (e) => e.requestId === res.headers.get('x-request-id'),
    );
    expect(grant).toMatchObject({ userId: await ownerId(t), actor: 'user' });
    expect(grant?.recordId?.startsWith(`${ria?.id}:`)).toBe(true);
  });

  it('never stores password hashes', async () => {
    const t = await env.tenant('audit-secret');
    const rows = await env.sql<{ after: Record<string, unknown> }>(
      "select after from core_audit where tenant_id = $1 and table_name = 'core_user' and action = 'create'",
      [t.id],
    );
    expect(rows.length).toBeGreaterThan(0);
    // The hash lives on the person's identity (core_identity, core-0016), which is no tenant
    // table: no audit entry of the company holds it, in any column.
    const [hash] = await env.sql<{ password_hash: string }>(
      'select i.password_hash from core_identity i join core_user u on u.identity_id = i.id where u.tenant_id = $1',
      [t.id],
    );
    expect(hash?.password_hash).toMatch(/^\$argon2/);
    const leaks = await env.sql('select 1 from core_audit a where a.tenant_id = $1 and a::text like $2', [
      t.id,
      `%${hash?.password_hash}%`,
    ]);
    expect(leaks).toHaveLength(0);
    for (const r of rows) expect(r.after.password_hash).toBeUndefined();
    // Changing the password is an explicit entry naming the user, without the hash.
    const me = (await t.client.get('/api/v1/core/me')).body.user.id;
    const changed = await t.client.post('/api/v1/core/account/password', {
      currentPassword: t.password,
      password: 'violet-harbour-lamp-42',
    });
    expect(changed.status).toBe(204);
    const entries = await env.sql<{ record_id: string; user_id: string; detail: unknown }>(
      "select record_id, user_id, detail from core_audit where tenant_id = $1 and action = 'password_changed'",
      [t.id],
    );
    expect(entries).toEqual([{ record_id: me, user_id: me, detail: null }]);
    // A composite key names the record by its columns, tenant aside: user id and role id.
    const [link] = await env.sql<{ record_id: string; user_id: string; role_id: string }>(
      `select a.record_id, ur.user_id, ur.role_id from core_audit a
       join core_user_role ur on ur.tenant_id = a.tenant_id
       where a.tenant_id = $1 and a.table_name = 'core_user_role' and a.action = 'create'`,
      [t.id],
    );
    expect(link?.record_id).toBe(`${link?.user_id}:${link?.role_id}`);
  });
});

describe('retention', () => {
  it('purges entries past each tenant setting, as the owner; the daily scheduler exists', async () => {
    const t = await env.tenant('audit-retain', { enable: ['journal'] });
    expect((await t.client.put('/api/v1/core/audit/settings', { retentionDays: 10 })).status).toBe(200);
    const u = await env.tenant('audit-keep');
    for (const [tenant, days] of [
      [t.id, 20],
      [t.id, 5],
      [u.id, 20],
    ] as const) {
      await env.sql(
        "insert into core_audit (tenant_id, action, actor, at) values ($1, 'test.old', 'test', now() - make_interval(days => $2))",
        [tenant, days],
      );
    }
    const owner = new pg.Pool({ connectionString: env.databaseUrl, max: 1 });
    try {
      expect(await purgeExpiredAudit(owner)).toBeGreaterThanOrEqual(1);
    } finally {
      await owner.end();
    }
    const left = await env.sql<{ tenant_id: string; days: number }>(
      "select tenant_id, extract(day from now() - at)::int as days from core_audit where action = 'test.old' and tenant_id = any($1::uuid[]) order by 1, 2",
      [[t.id, u.id]],
    );
    expect(left).toEqual(
      [
        { tenant_id: t.id, days: 5 },
        { tenant_id: u.id, days: 20 },
      ].sort((x, y) => x.tenant_id.localeCompare(y.tenant_id)),
    );

    const conn = new Redis(env.kernel.config.redisUrl, { maxRetriesPerRequest: null });
    const q = new Queue('jobs', { connection: conn, prefix: env.redisPrefix });
    try {
      const ids = (await q.getJobSchedulers(0, -1, true)).map((s) => s.key);
      expect(ids).toContain('core.audit.purge');
    } finally {
      await q.close();
      conn.disconnect();
    }
  });
});
