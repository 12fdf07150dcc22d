import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';
import { parseCsv } from '../src/services/csv.ts';

// Custom fields on crm records: every type's validation, required and default, per-role
// visibility (REST, GraphQL, lists, exports), tenant isolation, label renames, filters and sort,
// the expression index under forced row-level security, CSV round trip.
let env: TestEnv;
const C = '/api/v1/crm';
const F = '/api/v1/core/custom-fields';

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm] });
});
afterAll(() => env?.close());

type Def = { id: string; key: string; label: string; options: { id: string; label: string }[] };
async function define(client: ApiClient, body: Record<string, unknown>): Promise<Def> {
  const res = await client.post(F, { model: 'crm.contact', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Def;
}

/** A tenant with one field of each type on contacts. */
async function tenantWithFields(slug: string) {
  const t = await env.tenant(slug, { enable: ['crm'] });
  const admin = t.client;
  const defs = {
    contract: await define(admin, { key: 'contract_no', label: 'Contract number', type: 'text', filterable: true }),
    seats: await define(admin, { key: 'seats', label: 'Seats', type: 'number' }),
    arr: await define(admin, { key: 'arr', label: 'ARR', type: 'money' }),
    renewal: await define(admin, { key: 'renewal', label: 'Renewal', type: 'date' }),
    tier: await define(admin, {
      key: 'tier',
      label: 'Tier',
      type: 'select',
      options: [{ label: 'Gold' }, { label: 'Silver' }],
    }),
    regions: await define(admin, {
      key: 'regions',
      label: 'Regions',
      type: 'multiselect',
      options: [{ label: 'EMEA' }, { label: 'APAC' }, { label: 'Americas' }],
    }),
    nda: await define(admin, { key: 'nda', label: 'NDA signed', type: 'checkbox', defaultValue: false }),
    partner: await define(admin, { key: 'partner', label: 'Partner', type: 'link', linkModel: 'crm.contact' }),
    portal: await define(admin, { key: 'portal', label: 'Portal', type: 'url' }),
    billing: await define(admin, { key: 'billing_email', label: 'Billing email', type: 'email' }),
    hotline: await define(admin, { key: 'hotline', label: 'Hotline', type: 'phone' }),
  };
  return { t, admin, defs };
}

describe('values of every type', () => {
  let t: TestTenant;
  let admin: ApiClient;
  beforeAll(async () => {
    ({ t, admin } = await tenantWithFields('cf-types'));
  });

  it('stores good values and reads them back on REST and GraphQL, defaults filled', async () => {
    const partner = (await admin.post(`${C}/contacts`, { name: 'Partner Co', kind: 'company' })).body;
    const member = await t.as('member');
    const custom = {
      contract_no: 'C-1001',
      seats: '25',
      arr: { amount: '12000.50', currency: 'EUR' },
      renewal: '2027-03-31',
      tier: 'gold',
      regions: ['emea', 'apac'],
      partner: partner.id,
      portal: 'https://portal.example.com/acme',
      billing_email: 'billing@acme.test',
      hotline: '+44 20 7946 0000',
    };
    const res = await member.post(`${C}/contacts`, { name: 'Acme buyer', custom });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.custom).toEqual({ ...custom, nda: false });
    expect((await member.get(`${C}/contacts/${res.body.id}`)).body.custom).toEqual({ ...custom, nda: false });
    const q = await member.graphql('query($id: ID!) { contact(id: $id) { custom } }', { id: res.body.id });
    expect(q.body.data.contact.custom).toEqual({ ...custom, nda: false });
    // A patch changes the keys it names; null clears one.
    const patched = await member.patch(`${C}/contacts/${res.body.id}`, { custom: { seats: '30', hotline: null } });
    expect(patched.status).toBe(200);
    expect(patched.body.custom.seats).toBe('30');
    expect(patched.body.custom.hotline).toBeUndefined();
    expect(patched.body.custom.contract_no).toBe('C-1001');
  });

  it.each([
    ['contract_no', 42, 'must be string'],
    ['seats', 12.5, 'must be string'],
    ['seats', 'twelve', 'must be a number'],
    ['arr', { amount: 10, currency: 'EUR' }, 'amount'],
    ['arr', { amount: '10.00', currency: 'XYZ' }, 'currency'],
    ['arr', '10 EUR', 'must be object'],
    ['renewal', '31/03/2027', 'must be a valid date'],
    ['tier', 'bronze', 'must be one of gold, silver'],
    ['regions', ['emea', 'mars'], '1: must be one of emea, apac, americas'],
    ['regions', 'emea', 'must be array'],
    ['nda', 'yes', 'must be boolean'],
    ['partner', 'not-an-id', 'must be an id'],
    ['portal', 'ftp://example.com', 'must start with http'],
    ['billing_email', 'nobody', 'must be a valid email'],
    ['hotline', 'call me', 'must be a phone number'],
    ['shoe_size', '9', 'is not a custom field'],
  ])('refuses %s = %j with 422 naming custom.%s', async (key, value, message) => {
    const res = await admin.post(`${C}/contacts`, { name: 'Bad', custom: { [key]: value } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('CUSTOM_FIELD_INVALID');
    const detail = res.body.details.find((d: { path: string }) => d.path === `custom.${key}`);
    expect(detail?.message).toContain(message);
  });

  it('refuses a link to a record that does not exist, and a non-object custom, on REST and GraphQL', async () => {
    const res = await admin.post(`${C}/contacts`, {
      name: 'Bad link',
      custom: { partner: '00000000-0000-4000-8000-000000000000' },
    });
    expect(res.status).toBe(422);
    expect(res.body.details[0]).toMatchObject({ path: 'custom.partner', message: 'no such crm.contact' });
    expect((await admin.post(`${C}/contacts`, { name: 'x', custom: [] })).status).toBe(400);
    const g = await admin.graphql('mutation { createContact(input: { name: "G", custom: { seats: 3 } }) { id } }');
    expect(g.body.errors[0].extensions).toMatchObject({ code: 'CUSTOM_FIELD_INVALID', status: 422 });
    expect(g.body.errors[0].message).toContain('custom.seats');
    expect((await admin.get(`${C}/contacts?count=true&q=G`)).body.total_count).toBe(0);
  });
});

describe('required and default', () => {
  it('a required field must be given on create and cannot be cleared; a default fills the gap', async () => {
    const t = await env.tenant('cf-required', { enable: ['crm'] });
    const old = (await t.client.post(`${C}/contacts`, { name: 'Before the rule' })).body;
    await define(t.client, { key: 'vat_id', label: 'VAT id', type: 'text', required: true });
    await define(t.client, {
      key: 'stage',
      label: 'Stage',
      type: 'select',
      options: [
        { id: 'new', label: 'New' },
        { id: 'done', label: 'Done' },
      ],
      defaultValue: 'new',
    });
    const missing = await t.client.post(`${C}/contacts`, { name: 'No VAT' });
    expect(missing.status).toBe(422);
    expect(missing.body.details).toEqual([{ path: 'custom.vat_id', message: 'is required' }]);
    const ok = await t.client.post(`${C}/contacts`, { name: 'VAT', custom: { vat_id: 'GB123' } });
    expect(ok.body.custom).toEqual({ vat_id: 'GB123', stage: 'new' });
    const cleared = await t.client.patch(`${C}/contacts/${ok.body.id}`, { custom: { vat_id: null } });
    expect(cleared.status).toBe(422);
    expect(cleared.body.details[0].path).toBe('custom.vat_id');
    // A record older than the rule can still be edited without the field.
    expect((await t.client.patch(`${C}/contacts/${old.id}`, { city: 'Leeds' })).status).toBe(200);
    expect((await t.client.patch(`${C}/contacts/${old.id}`, { custom: { stage: 'done' } })).status).toBe(200);
    // A default must be a value of the field's type.
    const bad = await t.client.post(F, { model: 'crm.contact', key: 'n', label: 'N', type: 'number', defaultValue: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('defaultValue');
  });
});

describe('per-role visibility', () => {
  it('a role not allowed sees the value nowhere (REST get/list, GraphQL, export) and cannot write it', async () => {
    const t = await env.tenant('cf-roles', { enable: ['crm'] });
    await define(t.client, { key: 'margin', label: 'Margin', type: 'number', visibleTo: ['manager'] });
    await define(t.client, { key: 'segment', label: 'Segment', type: 'text' });
    const manager = await t.as('manager');
    const member = await t.as('member', 'mem@cf-roles.test');
    const made = await manager.post(`${C}/contacts`, { name: 'Secretive', custom: { margin: '41.5', segment: 'SMB' } });
    expect(made.status).toBe(201);
    expect(made.body.custom).toEqual({ margin: '41.5', segment: 'SMB' });
    // Given to the member so record rules do not hide the row itself.
    await env.sql(
      "update crm_contact set owner_id = (select id from core_user where tenant_id = $2 and email = 'mem@cf-roles.test') where id = $1",
      [made.body.id, t.id],
    );

    const seen = (await member.get(`${C}/contacts/${made.body.id}`)).body;
    expect(seen.custom).toEqual({ segment: 'SMB' });
    const listed = (await member.get(`${C}/contacts?include=company,tags`)).body.data;
    expect(listed.find((c: { id: string }) => c.id === made.body.id).custom).toEqual({ segment: 'SMB' });
    const lean = (await member.get(`${C}/contacts?fields=name,custom`)).body.data;
    expect(lean[0].custom).toEqual({ segment: 'SMB' });
    const g = await member.graphql('{ contacts { items { id custom } } }');
    expect(g.body.data.contacts.items[0].custom).toEqual({ segment: 'SMB' });
    const fields = (await member.get(`${F}?model=crm.contact`)).body.data.map((d: Def) => d.key);
    expect(fields).toEqual(['segment']);
    // Filtering or sorting by it would tell the value: refused as unknown.
    expect((await member.get(`${C}/contacts?custom.margin.gte=40`)).status).toBe(422);
    expect((await member.get(`${C}/contacts?sort=-custom.margin`)).status).toBe(422);
    // Writing it is refused; the member's own writes keep the stored value.
    const w = await member.patch(`${C}/contacts/${made.body.id}`, { custom: { margin: '0' } });
    expect(w.status).toBe(422);
    expect(w.body.details[0].path).toBe('custom.margin');
    expect((await member.patch(`${C}/contacts/${made.body.id}`, { custom: { segment: 'Mid' } })).status).toBe(200);
    expect((await t.client.get(`${C}/contacts/${made.body.id}`)).body.custom).toEqual({
      margin: '41.5',
      segment: 'Mid',
    });

    const memberCsv = parseCsv((await member.get(`${C}/export/contacts.csv`)).body as string);
    expect(memberCsv[0]).toContain('custom.segment');
    expect(memberCsv[0]).not.toContain('custom.margin');
    expect(JSON.stringify(memberCsv)).not.toContain('41.5');
    const managerCsv = parseCsv((await t.client.get(`${C}/export/contacts.csv`)).body as string);
    expect(managerCsv[0]).toContain('custom.margin');
  });
});

describe('definitions: isolation, permission, renames', () => {
  it("another tenant neither sees a tenant's definitions nor its values, nor can change them", async () => {
    const a = await env.tenant('cf-iso-a', { enable: ['crm'] });
    const b = await env.tenant('cf-iso-b', { enable: ['crm'] });
    const def = await define(a.client, { key: 'secret_code', label: 'Secret code', type: 'text' });
    const row = (await a.client.post(`${C}/contacts`, { name: 'A row', custom: { secret_code: 'S3' } })).body;
    expect((await b.client.get(`${F}?model=crm.contact`)).body.data).toEqual([]);
    expect((await b.client.patch(`${F}/${def.id}`, { label: 'Mine' })).status).toBe(404);
    expect((await b.client.put(`${F}/order`, { model: 'crm.contact', ids: [def.id] })).status).toBe(404);
    const g = await b.client.graphql('{ customFields(model: "crm.contact") { key } }');
    expect(g.body.data.customFields).toEqual([]);
    const w = await b.client.post(`${C}/contacts`, { name: 'B row', custom: { secret_code: 'x' } });
    expect(w.status).toBe(422);
    expect((await b.client.get(`${C}/contacts?custom.secret_code=S3`)).status).toBe(422);
    // The same key in B is B's own field; A's value stays A's.
    await define(b.client, { key: 'secret_code', label: 'Code', type: 'text' });
    expect((await b.client.get(`${C}/contacts?custom.secret_code=S3&count=true`)).body.total_count).toBe(0);
    expect((await a.client.get(`${C}/contacts/${row.id}`)).body.custom).toEqual({ secret_code: 'S3' });
  });

  it('only core.customfields.manage defines fields (403 otherwise); a model that takes none is refused', async () => {
    const t = await env.tenant('cf-perm', { enable: ['crm'] });
    const member = await t.as('member');
    const res = await member.post(F, { model: 'crm.contact', key: 'x', label: 'X', type: 'text' });
    expect(res.status).toBe(403);
    const def = await define(t.client, { key: 'x', label: 'X', type: 'text' });
    expect((await member.patch(`${F}/${def.id}`, { label: 'Y' })).status).toBe(403);
    expect((await member.put(`${F}/order`, { model: 'crm.contact', ids: [def.id] })).status).toBe(403);
    const tags = await t.client.post(F, { model: 'crm.tag', key: 'y', label: 'Y', type: 'text' });
    expect(tags.status).toBe(400);
    expect(tags.body.details[0].path).toBe('model');
    const dup = await t.client.post(F, { model: 'crm.contact', key: 'x', label: 'Again', type: 'number' });
    expect(dup.status).toBe(400);
    expect(dup.body.details[0].path).toBe('key');
    const models = (await member.get(`${F}/models`)).body.data.map((m: { model: string }) => m.model).sort();
    expect(models).toEqual(['crm.contact', 'crm.lead', 'crm.opportunity']);
  });

  it('renaming a label or an option keeps stored data; key and type never change; archive hides, restore shows', async () => {
    const t = await env.tenant('cf-rename', { enable: ['crm'] });
    const def = await define(t.client, {
      key: 'plan',
      label: 'Plan',
      type: 'select',
      options: [{ label: 'Basic' }, { label: 'Pro' }],
    });
    const row = (await t.client.post(`${C}/contacts`, { name: 'Renamed', custom: { plan: 'pro' } })).body;
    const renamed = await t.client.patch(`${F}/${def.id}`, {
      label: 'Subscription',
      options: [
        { id: 'basic', label: 'Starter' },
        { id: 'pro', label: 'Professional' },
      ],
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.label).toBe('Subscription');
    expect((await t.client.get(`${C}/contacts/${row.id}`)).body.custom).toEqual({ plan: 'pro' });
    const csv = parseCsv((await t.client.get(`${C}/export/contacts.csv`)).body as string);
    expect(csv[1]?.[(csv[0] as string[]).indexOf('custom.plan')]).toBe('Professional');
    expect((await t.client.patch(`${F}/${def.id}`, { key: 'tier' })).status).toBe(400);
    expect((await t.client.patch(`${F}/${def.id}`, { type: 'text' })).status).toBe(400);
    const dropOption = await t.client.patch(`${F}/${def.id}`, { options: [{ id: 'basic', label: 'Starter' }] });
    expect(dropOption.status).toBe(400);
    expect((await t.client.patch(`${F}/${def.id}`, { archived: true })).status).toBe(200);
    expect((await t.client.get(`${C}/contacts/${row.id}`)).body.custom).toEqual({});
    expect((await t.client.get(`${F}?model=crm.contact`)).body.data).toEqual([]);
    expect((await t.client.get(`${F}?model=crm.contact&archived=true`)).body.data[0].archived).toBe(true);
    expect((await t.client.patch(`${F}/${def.id}`, { archived: false })).status).toBe(200);
    expect((await t.client.get(`${C}/contacts/${row.id}`)).body.custom).toEqual({ plan: 'pro' });
  });

  it('reorders fields', async () => {
    const t = await env.tenant('cf-order', { enable: ['crm'] });
    const a = await define(t.client, { key: 'a', label: 'A', type: 'text' });
    const b = await define(t.client, { key: 'b', label: 'B', type: 'text' });
    const c = await define(t.client, { key: 'c', label: 'C', type: 'text' });
    const res = await t.client.put(`${F}/order`, { model: 'crm.contact', ids: [c.id, a.id] });
    expect(res.body.data.map((d: Def) => d.key)).toEqual(['c', 'a', 'b']);
    expect((await t.client.get(`${F}?model=crm.contact`)).body.data.map((d: Def) => d.key)).toEqual(['c', 'a', 'b']);
    expect(b.key).toBe('b');
  });
});

describe('filters and sort', () => {
  let admin: ApiClient;
  let t: TestTenant;
  beforeAll(async () => {
    ({ t, admin } = await tenantWithFields('cf-filter'));
    const rows = [
      {
        name: 'Ann',
        custom: {
          contract_no: 'K-1',
          seats: '5',
          renewal: '2027-01-10',
          tier: 'gold',
          regions: ['emea'],
          nda: true,
          arr: { amount: '900.00', currency: 'USD' },
        },
      },
      {
        name: 'Ben',
        custom: { contract_no: 'K-2', seats: '50', renewal: '2027-06-01', tier: 'silver', regions: ['apac', 'emea'] },
      },
      {
        name: 'Cal',
        custom: { contract_no: 'X-3', seats: '7', tier: 'gold', arr: { amount: '12000.00', currency: 'USD' } },
      },
      { name: 'Dee', custom: {} },
    ];
    for (const r of rows) expect((await admin.post(`${C}/contacts`, r)).status).toBe(201);
  });
  const names = async (query: string) => {
    const res = await admin.get(`${C}/contacts?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.map((c: { name: string }) => c.name);
  };

  it('filters by each kind of field in the list filter language', async () => {
    expect(await names('custom.contract_no=K-2')).toEqual(['Ben']);
    expect(await names('custom.contract_no.contains=k-')).toEqual(['Ann', 'Ben']);
    expect(await names('custom.seats.gte=7&sort=name')).toEqual(['Ben', 'Cal']);
    expect(await names('custom.seats.lte=7')).toEqual(['Ann', 'Cal']);
    expect(await names('custom.renewal.gte=2027-02-01')).toEqual(['Ben']);
    expect(await names('custom.tier=gold')).toEqual(['Ann', 'Cal']);
    expect(await names('custom.regions=emea')).toEqual(['Ann', 'Ben']);
    expect(await names('custom.nda=true')).toEqual(['Ann']);
    expect(await names('custom.nda=false')).toEqual(['Ben', 'Cal', 'Dee']);
    expect(await names('custom.arr.gte=1000')).toEqual(['Cal']);
    expect(await names('custom.renewal.empty=true')).toEqual(['Cal', 'Dee']);
    expect(await names('custom.tier=gold&city=Nowhere')).toEqual([]);
    const g = await admin.graphql(
      '{ contacts(filter: { custom: [{ key: "seats", op: gte, value: "7" }] }, sort: "-custom.seats") { items { name } } }',
    );
    expect(g.body.data.contacts.items.map((c: { name: string }) => c.name)).toEqual(['Ben', 'Cal']);
  });

  it('sorts by a custom field (numbers as numbers, missing values last)', async () => {
    expect(await names('sort=custom.seats')).toEqual(['Ann', 'Cal', 'Ben', 'Dee']);
    expect(await names('sort=-custom.seats')).toEqual(['Ben', 'Cal', 'Ann', 'Dee']);
    expect(await names('sort=custom.contract_no')).toEqual(['Ann', 'Ben', 'Cal', 'Dee']);
  });

  it('bad filters are 4xx naming the field', async () => {
    const bad = await admin.get(`${C}/contacts?custom.seats.gte=lots`);
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].path).toBe('custom.seats');
    expect((await admin.get(`${C}/contacts?custom.tier.gte=gold`)).status).toBe(422);
    expect((await admin.get(`${C}/contacts?custom.nope=1`)).status).toBe(422);
    expect((await admin.get(`${C}/contacts?custom.Bad-Key=1`)).status).toBe(400);
  });

  it('a filterable field gets an expression index that PostgreSQL uses under forced row-level security', async () => {
    const { created } = await env.admin.syncCustomFieldIndexes();
    const [idx] = await env.sql<{ indexname: string; indexdef: string }>(
      "select indexname, indexdef from pg_indexes where tablename = 'crm_contact' and indexdef like '%contract_no%'",
    );
    expect(idx?.indexdef).toContain("elevate_cf_text(custom, 'contract_no'::text)");
    expect(created.length === 0 || created.includes(idx?.indexname as string)).toBe(true);
    // Enough rows that an index pays; the plan is read as the app role, the tenant set.
    await env.sql(
      `insert into crm_contact (tenant_id, id, kind, name, custom)
       select $1, gen_random_uuid(), 'person', 'Bulk ' || g, jsonb_build_object('contract_no', 'B-' || g)
       from generate_series(1, 3000) g`,
      [t.id],
    );
    await env.sql('analyze crm_contact');
    const plan = await explainAsApp(
      t.id,
      "select t.id from crm_contact t where t.tenant_id = $1 and elevate_cf_text(t.custom, 'contract_no') = $2",
      [t.id, 'B-42'],
    );
    expect(plan).toContain(idx?.indexname);
    expect(plan).toMatch(/Index Cond: .*elevate_cf_text\(custom, 'contract_no'::text\)/);
    expect(await names('custom.contract_no=B-42')).toEqual(['Bulk 42']);
    // Unmarked: the platform drops the index (concurrently).
    const def = (await admin.get(`${F}?model=crm.contact`)).body.data.find((d: Def) => d.key === 'contract_no');
    expect((await admin.patch(`${F}/${def.id}`, { filterable: false })).status).toBe(200);
    const { dropped } = await env.admin.syncCustomFieldIndexes();
    // Other tenants of this file may still want a contract_no index: it goes only when none does.
    const others = await env.sql<{ n: number }>(
      "select count(*)::int as n from core_custom_field where key = 'contract_no' and filterable and archived_at is null",
    );
    if ((others[0]?.n ?? 0) === 0) expect(dropped).toContain(idx?.indexname);
    await env.sql("delete from crm_contact where tenant_id = $1 and name like 'Bulk %'", [t.id]);
  });
});

/** EXPLAIN of a statement as the app role (row-level security applies), in the tenant. */
async function explainAsApp(tenantId: string, sql: string, params: unknown[]): Promise<string> {
  const role = env.kernel.config.appDbUser;
  // One transaction on one connection: pg's pool gives no such guarantee, so use a client.
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`set local role "${role}"`);
    await client.query("select set_config('app.tenant_id', $1, true)", [tenantId]);
    await client.query('set local enable_seqscan = off');
    await client.query(`prepare cf_plan as ${sql}`);
    const out = await client.query(
      `explain execute cf_plan(${params.map((p) => `'${String(p).replace(/'/g, "''")}'`).join(', ')})`,
    );
    await client.query('rollback');
    return out.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.end();
  }
}

describe('CSV import and export round trip', () => {
  it('exports custom columns as custom.<key> and imports them back by that header or by label', async () => {
    const { t, admin } = await tenantWithFields('cf-csv');
    const made = await admin.post(`${C}/contacts`, {
      name: 'Round Trip',
      email: 'round@trip.test',
      custom: {
        contract_no: 'RT-1',
        seats: '12',
        arr: { amount: '1500.25', currency: 'GBP' },
        renewal: '2028-02-29',
        tier: 'silver',
        regions: ['emea', 'americas'],
        nda: true,
        billing_email: 'ap@trip.test',
      },
    });
    expect(made.status).toBe(201);
    const csvText = (await admin.get(`${C}/export/contacts.csv`)).body as string;
    const rows = parseCsv(csvText);
    const header = rows[0] as string[];
    const row = Object.fromEntries(header.map((h, i) => [h, rows[1]?.[i]]));
    expect(row).toMatchObject({
      'custom.contract_no': 'RT-1',
      'custom.arr': '1500.25 GBP',
      'custom.tier': 'Silver',
      'custom.regions': 'EMEA; Americas',
      'custom.nda': 'true',
    });
    // Into another tenant with the same fields: the export's header maps itself.
    const { admin: other } = await tenantWithFields('cf-csv-2');
    const up = await other.request('POST', `${C}/imports?filename=rt.csv`, csvText.replace(/^\ufeff/, ''), {
      'content-type': 'text/csv',
    });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body.suggestedMapping['custom.contract_no']).toBe('custom.contract_no');
    expect(up.body.customFields.map((d: { key: string }) => d.key)).toContain('regions');
    const mapping = Object.fromEntries(
      Object.entries(up.body.suggestedMapping as Record<string, string | null>).filter(
        ([h, f]) => f && !['id', 'companyId', 'custom.partner'].includes(h),
      ),
    );
    const started = await other.post(`${C}/imports/${up.body.id}/start`, { mapping });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 400; i++) {
      status = (await other.get(`${C}/imports/${up.body.id}`)).body;
      if (status.status === 'completed' || status.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toMatchObject({ status: 'completed', importedRows: 1 });
    const back = (await other.get(`${C}/contacts?custom.contract_no=RT-1`)).body.data[0];
    expect(back.custom).toEqual({
      contract_no: 'RT-1',
      seats: '12',
      arr: { amount: '1500.25', currency: 'GBP' },
      renewal: '2028-02-29',
      tier: 'silver',
      regions: ['emea', 'americas'],
      nda: true,
      billing_email: 'ap@trip.test',
    });
    expect(t.id).not.toBe(undefined);
  });

  it('an import row with a bad custom value is reported with its field; a mapping to an unknown field is refused', async () => {
    const { admin } = await tenantWithFields('cf-csv-bad');
    const csv = 'Name,Seats,Tier\r\nGood,3,Gold\r\nBad,lots,Gold\r\n';
    const up = await admin.request('POST', `${C}/imports?filename=bad.csv`, csv, { 'content-type': 'text/csv' });
    expect(up.body.suggestedMapping).toMatchObject({ Seats: 'custom.seats', Tier: 'custom.tier' });
    const wrong = await admin.post(`${C}/imports/${up.body.id}/start`, {
      mapping: { Name: 'name', Seats: 'custom.shoe' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details[0].path).toBe('mapping.Seats');
    const started = await admin.post(`${C}/imports/${up.body.id}/start`, {
      mapping: { Name: 'name', Seats: 'custom.seats', Tier: 'custom.tier' },
    });
    expect(started.status).toBe(202);
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 400; i++) {
      status = (await admin.get(`${C}/imports/${up.body.id}`)).body;
      if (status.status === 'completed' || status.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toMatchObject({ status: 'completed', importedRows: 1, failedRows: 1 });
    expect((status.errors as { row: number; field: string }[])[0]).toMatchObject({ row: 2, field: 'custom.seats' });
    expect((await admin.get(`${C}/contacts?custom.tier=gold`)).body.data.map((c: { name: string }) => c.name)).toEqual([
      'Good',
    ]);
  });
});

describe('leads and opportunities', () => {
  it('take custom fields on REST and GraphQL: write, read, list, filter', async () => {
    const t = await env.tenant('cf-pipeline', { enable: ['crm'] });
    const lf = await t.client.post(F, { model: 'crm.lead', key: 'campaign', label: 'Campaign', type: 'text' });
    expect(lf.status).toBe(201);
    const of = await t.client.post(F, {
      model: 'crm.opportunity',
      key: 'competitor',
      label: 'Competitor',
      type: 'select',
      options: [{ label: 'Globex' }, { label: 'Initech' }],
    });
    expect(of.status).toBe(201);
    const lead = await t.client.post(`${C}/leads`, { title: 'Spring lead', custom: { campaign: 'spring-26' } });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    expect(lead.body.custom).toEqual({ campaign: 'spring-26' });
    expect((await t.client.get(`${C}/leads/${lead.body.id}`)).body.custom).toEqual({ campaign: 'spring-26' });
    const listed = await t.client.get(`${C}/leads?custom.campaign=spring-26`);
    expect(listed.body.data.map((l: { id: string; custom: unknown }) => [l.id, l.custom])).toEqual([
      [lead.body.id, { campaign: 'spring-26' }],
    ]);
    const badLead = await t.client.patch(`${C}/leads/${lead.body.id}`, { custom: { campaign: 7 } });
    expect(badLead.status).toBe(422);
    const opp = await t.client.post(`${C}/opportunities`, { title: 'Deal', custom: { competitor: 'globex' } });
    expect(opp.status, JSON.stringify(opp.body)).toBe(201);
    expect(opp.body.custom).toEqual({ competitor: 'globex' });
    const changed = await t.client.patch(`${C}/opportunities/${opp.body.id}`, { custom: { competitor: 'initech' } });
    expect(changed.body.custom).toEqual({ competitor: 'initech' });
    const bad = await t.client.patch(`${C}/opportunities/${opp.body.id}`, { custom: { competitor: 'acme' } });
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].path).toBe('custom.competitor');
    const g = await t.client.graphql(
      '{ opportunities(filter: { custom: [{ key: "competitor", value: "initech" }] }) { items { id custom } } leads { items { custom } } }',
    );
    expect(g.body.errors).toBeUndefined();
    expect(g.body.data.opportunities.items).toEqual([{ id: opp.body.id, custom: { competitor: 'initech' } }]);
    expect(g.body.data.leads.items[0].custom).toEqual({ campaign: 'spring-26' });
  });
});
