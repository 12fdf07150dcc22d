import { randomUUID } from 'node:crypto';
import { defineAddon, defineModel, definePermissions, defineResource, f, Migration } from '@elevate/sdk';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// GDPR/CCPA requests across addons: crm (contacts and leads, anonymised; a won deal holds a
// contact) and a second addon defined here whose subscribers are deleted on erasure.

const Subscriber = defineModel({
  name: 'newsletter.subscriber',
  fields: {
    email: f.string({ required: true, max: 320, personal: true }),
    fullName: f.string({ max: 200, personal: true }),
    topic: f.string({ max: 60 }),
  },
  privacy: { erase: 'delete' },
});

class NewsletterInit0001 extends Migration {
  override name = 'NewsletterInit0001';
  override up(): void {
    this.addSql(`create table "newsletter_subscriber" ("tenant_id" uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
      "id" uuid not null default gen_random_uuid(), "email" varchar(320) not null, "full_name" varchar(200) null, "topic" varchar(60) null,
      "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "created_by" uuid null, primary key ("tenant_id", "id"))`);
    this.addSql('alter table "newsletter_subscriber" enable row level security');
    this.addSql('alter table "newsletter_subscriber" force row level security');
    this.addSql(
      `create policy "tenant_isolation" on "newsletter_subscriber" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
  }
}

const newsletter = defineAddon({
  id: 'newsletter',
  version: '1.0.0',
  title: 'Newsletter (privacy test)',
  description: 'A second addon keeping personal data, erased by deletion.',
  category: 'testing',
  platform: '^1.0.0',
  models: [Subscriber],
  migrations: [NewsletterInit0001],
  resources: [defineResource(Subscriber, { path: 'subscribers' })],
  permissions: definePermissions({
    'newsletter.subscriber.read': { title: 'See subscribers', grant: ['admin'] },
    'newsletter.subscriber.write': { title: 'Add subscribers', grant: ['admin'] },
    'newsletter.subscriber.delete': { title: 'Remove subscribers', grant: ['admin'] },
  }),
});

let env: TestEnv;
let a: TestTenant;
let b: TestTenant;
const P = '/api/v1/core/privacy/requests';
const C = '/api/v1/crm';
const WAIT = { timeout: 20_000, interval: 100 };

interface Req {
  id: string;
  kind: string;
  email: string | null;
  status: string;
  progress: number;
  reason: string | null;
  result: Record<string, unknown> | null;
  downloadable: boolean;
}

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, newsletter] });
  a = await env.tenant('privacy-a', { enable: ['crm', 'newsletter'] });
  b = await env.tenant('privacy-b', { enable: ['crm', 'newsletter'] });
});
afterAll(() => env?.close());

/** A person with distinctive values, unlikely to occur anywhere by chance. */
function person(tag: string) {
  const n = randomUUID().slice(0, 8);
  return {
    email: `zq.${tag}.${n}@privacy.example`,
    firstName: `Zelq${n}`,
    lastName: `Quixotrum${n}`,
    phone: `+44 7700 ${n}`,
    street: `${n} Wobblebottom Lane`,
  };
}
type Person = ReturnType<typeof person>;

async function seed(t: TestTenant, p: Person) {
  const c = await t.client.post(`${C}/contacts`, {
    name: `${p.firstName} ${p.lastName}`,
    firstName: p.firstName,
    lastName: p.lastName,
    email: p.email,
    phone: p.phone,
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  const contact = c.body as { id: string };
  // An update: the audit log then holds the values in `before` and `after`.
  const u = await t.client.patch(`${C}/contacts/${contact.id}`, { street: p.street });
  expect(u.status, JSON.stringify(u.body)).toBe(200);
  const consent = await t.client.post(`${C}/contacts/${contact.id}/consents`, {
    granted: true,
    source: 'newsletter form',
    givenAt: '2026-11-30T10:00:00.000Z',
  });
  expect(consent.status, JSON.stringify(consent.body)).toBe(201);
  const l = await t.client.post(`${C}/leads`, {
    title: 'Website enquiry',
    contactName: `${p.firstName} ${p.lastName}`,
    email: p.email.toUpperCase(),
    phone: p.phone,
  });
  expect(l.status, JSON.stringify(l.body)).toBe(201);
  const s = await t.client.post('/api/v1/newsletter/subscribers', {
    email: p.email,
    fullName: `${p.firstName} ${p.lastName}`,
    topic: 'product news',
  });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  return {
    consentId: (consent.body as { id: string }).id,
    contactId: contact.id,
    leadId: (l.body as { id: string }).id,
    subscriberId: (s.body as { id: string }).id,
  };
}

async function start(c: ApiClient, kind: 'export' | 'erase', email: string): Promise<Req> {
  const res = await c.post(P, { kind, email });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as Req;
}

async function settled(c: ApiClient, id: string): Promise<Req> {
  let last: Req | null = null;
  await expect
    .poll(async () => {
      await env.flush();
      const res = await c.get(`${P}/${id}`);
      last = res.body as Req;
      return last.status;
    }, WAIT)
    .toMatch(/^(done|refused|failed)$/);
  return last as unknown as Req;
}

/** Every text, varchar and jsonb column of every tenant table holding one of the values: "table.column: value". */
async function leftovers(tenantId: string, values: string[]): Promise<string[]> {
  const cols = await env.sql<{ table_name: string; column_name: string }>(
    `select c.table_name, c.column_name from information_schema.columns c
     where c.table_schema = 'public' and c.data_type in ('text', 'character varying', 'jsonb', 'json')
       and exists (select 1 from information_schema.columns t where t.table_schema = 'public'
                   and t.table_name = c.table_name and t.column_name = 'tenant_id')
     order by 1, 2`,
  );
  expect(cols.map((c) => c.table_name)).toEqual(expect.arrayContaining(['core_audit', 'crm_contact']));
  const found: string[] = [];
  for (const { table_name, column_name } of cols) {
    for (const v of values) {
      const rows = await env.sql<{ n: number }>(
        `select count(*)::int as n from "${table_name}" where tenant_id = $1 and "${column_name}"::text ilike $2`,
        [tenantId, `%${v.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`],
      );
      if ((rows[0]?.n ?? 0) > 0) found.push(`${table_name}.${column_name}: ${v}`);
    }
  }
  return found;
}

describe('export', () => {
  it("collects the person's rows from every enabled addon, nothing of another person or tenant; downloads once", async () => {
    const p = person('export');
    const other = person('other');
    const mine = await seed(a, p);
    await seed(a, other);
    const foreign = await seed(b, p);

    const req = await start(a.client, 'export', p.email);
    expect(req).toMatchObject({ kind: 'export', status: 'pending', email: p.email });
    const done = await settled(a.client, req.id);
    expect(done).toMatchObject({ status: 'done', progress: 100, downloadable: true });
    expect(done.result).toMatchObject({ rows: 4 });

    const dl = await a.client.get(`${P}/${req.id}/download`);
    expect(dl.status).toBe(200);
    const doc = dl.body as { subject: { email: string }; data: Record<string, Record<string, { id: string }[]>> };
    expect(doc.subject.email).toBe(p.email);
    expect(doc.data.crm?.['crm.contact']?.map((r) => r.id)).toEqual([mine.contactId]);
    expect(doc.data.crm?.['crm.lead']?.map((r) => r.id)).toEqual([mine.leadId]);
    expect(doc.data.crm?.['crm.consent']).toEqual([
      expect.objectContaining({
        id: mine.consentId,
        contact_id: mine.contactId,
        purpose: 'marketing',
        granted: true,
        source: 'newsletter form',
        given_at: '2026-11-30T10:00:00.000Z',
      }),
    ]);
    expect(doc.data.newsletter?.['newsletter.subscriber']?.map((r) => r.id)).toEqual([mine.subscriberId]);
    const text = JSON.stringify(doc);
    expect(text).toContain(p.street);
    expect(text).not.toContain(other.email);
    expect(text).not.toContain(other.firstName);
    expect(text).not.toContain(foreign.contactId);
    expect(text).not.toContain(foreign.subscriberId);

    // Single use: the file is gone after the first download.
    const again = await a.client.get(`${P}/${req.id}/download`);
    expect(again.status).toBe(410);
    expect((again.body as { code: string }).code).toBe('EXPORT_GONE');
    const after = (await a.client.get(`${P}/${req.id}`)).body as Req;
    expect(after.downloadable).toBe(false);
    const stored = await env.sql<{ export: unknown }>('select export from core_privacy_request where id = $1', [
      req.id,
    ]);
    expect(stored[0]?.export).toBeNull();
  });
});

describe('erasure', () => {
  it('leaves no value of the person in any text column of any table of the tenant, audit included', async () => {
    const p = person('erase');
    const other = person('keep');
    const mine = await seed(a, p);
    await seed(a, other);
    await seed(b, p);
    // An earlier export of the same person: its file goes with the erasure.
    const exp = await start(a.client, 'export', p.email);
    expect((await settled(a.client, exp.id)).status).toBe('done');
    const values = [p.email, p.firstName, p.lastName, p.phone, p.street];
    // What the platform itself kept about them: a webhook delivery of the contact event, an in-app
    // notification naming them, a mail sent to them.
    const [owner] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1 limit 1', [a.id]);
    const hook = randomUUID();
    await env.sql(
      `insert into core_webhook (tenant_id, id, url, events, secret) values ($1, $2, 'https://hooks.example/x', '{crm.*}', 'whsec_x')`,
      [a.id, hook],
    );
    await env.sql(
      `insert into core_webhook_delivery (tenant_id, id, webhook_id, message_id, event_type, body)
       values ($1, $2, $3, 'msg_1', 'crm.contact.created', $4)`,
      [
        a.id,
        randomUUID(),
        hook,
        JSON.stringify({
          type: 'crm.contact.created',
          data: { title: `${p.firstName} ${p.lastName}`, email: p.email },
        }),
      ],
    );
    await env.sql(
      `insert into core_notification (tenant_id, id, user_id, type, title, body) values ($1, $2, $3, 'crm.assigned', $4, $5)`,
      [
        a.id,
        randomUUID(),
        owner?.id,
        `${p.firstName} ${p.lastName} was assigned to you`,
        `Call ${p.phone} about ${p.email}`,
      ],
    );
    await env.sql(
      `insert into core_mail_log (tenant_id, id, to_address, template, data, status) values ($1, $2, $3, 'invitation', $4, 'sent')`,
      [a.id, randomUUID(), p.email, JSON.stringify({ name: p.firstName })],
    );
    // An automation run the contact's creation triggered: its payload and a step's input and output.
    const rule = randomUUID();
    const run = randomUUID();
    await env.sql(
      `insert into core_automation_rule (tenant_id, id, name, trigger, actions, owner_id, signing_secret)
       values ($1, $2, 'Welcome', '{"kind":"event","event":"crm.contact.created"}', '[]', $3, 'whsec_r')`,
      [a.id, rule, owner?.id],
    );
    await env.sql(
      `insert into core_automation_run (tenant_id, id, rule_id, event_key, event_name, trigger, status)
       values ($1, $2, $3, 'evt_1', 'crm.contact.created', $4, 'failed')`,
      [a.id, run, rule, JSON.stringify({ payload: { name: `${p.firstName} ${p.lastName}`, email: p.email } })],
    );
    await env.sql(
      `insert into core_automation_step (tenant_id, run_id, step_key, seq, action, status, input, output, error)
       values ($1, $2, 'a1', 0, 'core.send_email', 'failed', $3, $4, $5)`,
      [
        a.id,
        run,
        JSON.stringify({ to: p.email, subject: `Welcome ${p.firstName}` }),
        JSON.stringify({ phone: p.phone }),
        `mailbox ${p.email} refused`,
      ],
    );
    // A comment on the contact naming them (written through the API, so the audit log has it too).
    const said = await a.client.post('/api/v1/core/comments', {
      model: 'crm.contact',
      recordId: mine.contactId,
      body: `Called ${p.firstName} ${p.lastName} on ${p.phone}, write to ${p.email}`,
    });
    expect(said.status, JSON.stringify(said.body)).toBe(201);
    expect((await leftovers(a.id, values)).length).toBeGreaterThan(0);

    const req = await start(a.client, 'erase', p.email);
    const done = await settled(a.client, req.id);
    expect(done, JSON.stringify(done)).toMatchObject({ status: 'done', progress: 100, email: null });

    expect(await leftovers(a.id, values)).toEqual([]);
    // Anonymised in crm (the records stay, without the person), deleted in newsletter.
    const contact = await a.client.get(`${C}/contacts/${mine.contactId}`);
    expect(contact.status).toBe(200);
    expect(contact.body).toMatchObject({ name: '[erased]', email: null, firstName: null, phone: null, street: null });
    const lead = await a.client.get(`${C}/leads/${mine.leadId}`);
    expect(lead.body).toMatchObject({ title: 'Website enquiry', email: null, contactName: null });
    expect((await a.client.get(`/api/v1/newsletter/subscribers/${mine.subscriberId}`)).status).toBe(404);
    // The erasure is logged, with counts and without the values; earlier entries stay (scrubbed).
    const log = await a.client.get(`/api/v1/core/audit?action=privacy.erase`);
    const entry = (log.body as { data: { detail: unknown; recordId: string }[] }).data[0];
    expect(entry).toMatchObject({
      recordId: req.id,
      detail: { counts: { 'crm.contact': 1, 'crm.lead': 1, 'crm.consent': 1, 'newsletter.subscriber': 1 } },
    });
    const history = await a.client.get(`/api/v1/core/audit?record=${mine.contactId}`);
    const actions = (history.body as { data: { action: string; before: Record<string, unknown> | null }[] }).data;
    expect(actions.map((e) => e.action)).toEqual(['update', 'update', 'create']);
    expect(actions[0]?.before?.email).toBe('[erased]');

    // Nobody else's data went: the other person in A, the same email in B.
    const kept = await leftovers(a.id, [other.email, other.firstName, other.street]);
    for (const v of [other.email, other.firstName, other.street]) {
      expect(kept).toContain(
        `crm_contact.${v === other.email ? 'email' : v === other.street ? 'street' : 'first_name'}: ${v}`,
      );
    }
    expect(await leftovers(b.id, [p.email])).not.toEqual([]);
  });

  it('is refused with the reason when a hold applies (a won deal names the contact), and nothing changes', async () => {
    const p = person('hold');
    const mine = await seed(a, p);
    const opp = await a.client.post(`${C}/opportunities`, { title: 'Big sale', contactId: mine.contactId });
    expect(opp.status, JSON.stringify(opp.body)).toBe(201);
    await env.sql(`update crm_opportunity set status = 'won' where id = $1`, [(opp.body as { id: string }).id]);

    const req = await start(a.client, 'erase', p.email);
    const done = await settled(a.client, req.id);
    expect(done.status).toBe('refused');
    expect(done.reason).toContain('crm.contact');
    expect(done.reason).toContain('won opportunity ("Big sale")');
    // All or nothing: the lead and the subscriber are untouched too.
    const lead = await a.client.get(`${C}/leads/${mine.leadId}`);
    expect((lead.body as { email: string }).email).toBe(p.email.toUpperCase());
    expect((await a.client.get(`/api/v1/newsletter/subscribers/${mine.subscriberId}`)).status).toBe(200);
    const contact = await a.client.get(`${C}/contacts/${mine.contactId}`);
    expect((contact.body as { email: string }).email).toBe(p.email);
    const log = await a.client.get(`/api/v1/core/audit?action=privacy.erase.refused&record=${req.id}`);
    expect((log.body as { data: unknown[] }).data).toHaveLength(1);
  });
});

describe('consent records', () => {
  it('are recorded and listed per contact, newest first; bad input names the field; other tenants get 404', async () => {
    const p = person('consent');
    const mine = await seed(a, p);
    const out = await a.client.post(`${C}/contacts/${mine.contactId}/consents`, {
      granted: false,
      source: 'phone call',
    });
    expect(out.status).toBe(201);
    const list = await a.client.get(`${C}/contacts/${mine.contactId}/consents`);
    expect(list.status).toBe(200);
    const rows = (list.body as { data: { granted: boolean; source: string; email: string }[] }).data;
    expect(rows.map((r) => [r.granted, r.source])).toEqual([
      [false, 'phone call'],
      [true, 'newsletter form'],
    ]);
    expect(rows[0]?.email).toBe(p.email);
    for (const [body, path] of [
      [{ source: 'web' }, 'granted'],
      [{ granted: 'yes', source: 'web' }, 'granted'],
      [{ granted: true }, 'source'],
      [{ granted: true, source: 'web', givenAt: 'yesterday' }, 'givenAt'],
      [{ granted: true, source: 'web', purpose: 'spam' }, 'purpose'],
    ] as const) {
      const res = await a.client.post(`${C}/contacts/${mine.contactId}/consents`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect((res.body as { details: { path?: string }[] }).details.map((d) => d.path)).toContain(path);
    }
    const noEmail = await a.client.post(`${C}/contacts`, { name: 'No Mail Ltd', kind: 'company' });
    const refused = await a.client.post(`${C}/contacts/${(noEmail.body as { id: string }).id}/consents`, {
      granted: true,
      source: 'web',
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('email');
    const admin = await b.as('admin');
    expect((await admin.get(`${C}/contacts/${mine.contactId}/consents`)).status).toBe(404);
    expect(
      (await admin.post(`${C}/contacts/${mine.contactId}/consents`, { granted: true, source: 'forged' })).status,
    ).toBe(404);
  });
});

describe('access and input', () => {
  it("tenant B's admin can do none of it to A's requests: 404", async () => {
    const p = person('iso');
    await seed(a, p);
    const req = await start(a.client, 'export', p.email);
    await settled(a.client, req.id);
    const admin = await b.as('admin');
    expect((await admin.get(`${P}/${req.id}`)).status).toBe(404);
    expect((await admin.get(`${P}/${req.id}/download`)).status).toBe(404);
    const list = await admin.get(P);
    expect(list.status).toBe(200);
    expect((list.body as { data: Req[] }).data.map((r) => r.id)).not.toContain(req.id);
    // B's own erasure of that email touches nothing in A.
    const erase = await start(admin, 'erase', p.email);
    expect((await settled(admin, erase.id)).status).toBe('done');
    expect(await leftovers(a.id, [p.email])).not.toEqual([]);
    // A can still download: B's requests did nothing to A's.
    expect((await a.client.get(`${P}/${req.id}/download`)).status).toBe(200);
  });

  it('a member gets 403 on every route', async () => {
    const member = await a.as('member');
    const id = randomUUID();
    for (const res of [
      await member.post(P, { kind: 'export', email: 'x@y.example' }),
      await member.get(P),
      await member.get(`${P}/${id}`),
      await member.get(`${P}/${id}/download`),
    ]) {
      expect(res.status).toBe(403);
    }
  });

  it('bad input answers 400 naming the field; an unknown id 404', async () => {
    const cases: [unknown, string][] = [
      [{ kind: 'nuke', email: 'x@y.example' }, 'kind'],
      [{ kind: 'export', email: 'not-an-email' }, 'email'],
      [{ kind: 'erase' }, 'email'],
      [{ kind: 'export', email: 'x@y.example', extra: 1 }, 'extra'],
    ];
    for (const [body, path] of cases) {
      const res = await a.client.post(P, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      const details = (res.body as { details: { path?: string }[] }).details.map((d) => d.path);
      expect(details, JSON.stringify(res.body)).toContain(path);
    }
    expect((await a.client.get(`${P}/not-a-uuid`)).status).toBe(404);
    expect((await a.client.get(`${P}/${randomUUID()}/download`)).status).toBe(404);
  });
});
