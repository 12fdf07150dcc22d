import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';
import { fixtures } from './search-fixtures.ts';

let env: TestEnv;
let fx: ReturnType<typeof fixtures>;
let acme: TestTenant;
let globex: TestTenant;
let rep1: ApiClient;
let rep2: ApiClient;
let manager: ApiClient;
const ids: Record<string, string> = {};
const C = '/api/v1/crm';

/** Everything a merge may touch, to prove a refused merge changed nothing. */
const snapshot = () =>
  env.sql(
    `select (select json_agg(c order by c.id) from (select id, name, email, phone, city, company_id from crm_contact where tenant_id = $1) c) contacts,
       (select json_agg(a order by a.id) from (select id, contact_id from crm_activity where tenant_id = $1) a) activities,
       (select json_agg(n order by n.id) from (select id, contact_id from crm_note where tenant_id = $1) n) notes,
       (select json_agg(t order by t.id) from (select id, contact_id, tag_id from crm_contact_tag where tenant_id = $1) t) tags,
       (select json_agg(l order by l.id) from (select id, contact_id from crm_lead where tenant_id = $1) l) leads,
       (select json_agg(o order by o.id) from (select id, contact_id from crm_opportunity where tenant_id = $1) o) opps`,
    [acme.id],
  );

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  fx = fixtures(env);
  acme = await env.tenant('acme', { enable: ['crm'] });
  globex = await env.tenant('globex', { enable: ['crm'] });
  rep1 = await acme.as('member');
  rep2 = await acme.as('member');
  manager = await acme.as('manager');
  const [owner, u1, u2, m] = (await Promise.all(
    [acme.client, rep1, rep2, manager].map((c) => fx.userId(c)),
  )) as string[];
  const team = (
    await env.sql<{ id: string }>("insert into core_team (tenant_id, name) values ($1, 't') returning id", [acme.id])
  )[0];
  await env.sql('insert into core_team_member (tenant_id, team_id, user_id) values ($1, $2, $3), ($1, $2, $4)', [
    acme.id,
    team?.id,
    m,
    u1,
  ]);
  const a = acme.id;
  ids.navy = await fx.contact(a, owner as string, { name: 'US Navy', kind: 'company' });
  ids.grace = await fx.contact(a, u1 as string, { name: 'Grace Hopper', email: 'grace@navy.test' });
  ids.graceDup = await fx.contact(a, u1 as string, { name: 'Grace Hoper', phone: '555-0100', city: 'Arlington' });
  ids.graceMail = await fx.contact(a, u1 as string, { name: 'G. Hopper', email: 'GRACE@navy.test' });
  ids.graceNavy = await fx.contact(a, u1 as string, { name: 'Grace Hopper', companyId: ids.navy });
  ids.alan = await fx.contact(a, u1 as string, { name: 'Alan Turing' });
  ids.rep2Grace = await fx.contact(a, u2 as string, { name: 'Grace Hopper' });
  ids.acmeA = await fx.contact(a, owner as string, { name: 'Acme Corporation', kind: 'company' });
  ids.acmeB = await fx.contact(a, owner as string, { name: 'ACME Corporation Inc', kind: 'company', city: 'Paris' });
  ids.person = await fx.contact(a, owner as string, { name: 'Wile E. Coyote', companyId: ids.acmeB });
  ids.globexGrace = await fx.contact(globex.id, await fx.userId(globex.client), { name: 'Grace Hopper' });
});
afterAll(() => env?.close());

describe('duplicate detection', () => {
  it('finds the same email (any case) and similar names at the same company', async () => {
    const res = await acme.client.get(`${C}/contacts/${ids.grace}/duplicates`);
    expect(res.status).toBe(200);
    const found = res.body.data.map((d: { contact: { id: string }; reason: string; score: number }) => [
      d.contact.id,
      d.reason,
    ]);
    expect(found[0]).toEqual([ids.graceMail, 'same_email']);
    expect(found).toContainEqual([ids.graceDup, 'similar_name']);
    expect(found).toContainEqual([ids.rep2Grace, 'similar_name']);
    const idsFound = found.map((f: string[]) => f[0]);
    for (const not of [ids.graceNavy, ids.alan, ids.globexGrace, ids.grace]) expect(idsFound).not.toContain(not);
    const dup = res.body.data.find((d: { contact: { id: string } }) => d.contact.id === ids.graceDup);
    expect(dup.score).toBeGreaterThan(0.6);
    expect(dup.score).toBeLessThan(1);
  });

  it('lists pairs across the tenant, each once, under record rules', async () => {
    const res = await acme.client.get(`${C}/duplicates?limit=50`);
    const pairs = res.body.data.map((p: { contact: { id: string }; duplicate: { id: string }; reason: string }) => [
      [p.contact.id, p.duplicate.id].sort().join(),
      p.reason,
    ]);
    const key = (x: string, y: string) => [ids[x], ids[y]].sort().join();
    expect(pairs).toContainEqual([key('grace', 'graceMail'), 'same_email']);
    expect(pairs).toContainEqual([key('grace', 'graceDup'), 'similar_name']);
    expect(pairs).toContainEqual([key('acmeA', 'acmeB'), 'similar_name']);
    expect(pairs.map((p: string[]) => p[0])).not.toContain(key('grace', 'graceNavy'));
    expect(new Set(pairs.map((p: string[]) => p[0])).size).toBe(pairs.length);
    expect((await acme.client.get(`${C}/duplicates?limit=1`)).body.data).toHaveLength(1);
    // rep2 sees only their own contact: no pairs, and rep1's contacts do not exist for them.
    expect((await rep2.get(`${C}/duplicates`)).body.data).toEqual([]);
    expect((await rep2.get(`${C}/contacts/${ids.grace}/duplicates`)).status).toBe(404);
    const mine = await rep1.get(`${C}/contacts/${ids.grace}/duplicates`);
    expect(mine.body.data.map((d: { contact: { id: string } }) => d.contact.id)).not.toContain(ids.rep2Grace);
    expect((await globex.client.get(`${C}/contacts/${ids.grace}/duplicates`)).status).toBe(404);
  });
});

describe('merge', () => {
  it('refuses a merge into itself, across kinds, tenants and scopes, changing nothing', async () => {
    const before = await snapshot();
    const self = await acme.client.post(`${C}/contacts/${ids.grace}/merge`, { duplicateId: ids.grace });
    expect(self).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect((await acme.client.post(`${C}/contacts/${ids.grace}/merge`, { duplicateId: ids.navy })).status).toBe(400);
    expect((await acme.client.post(`${C}/contacts/${ids.grace}/merge`, { duplicateId: ids.globexGrace })).status).toBe(
      404,
    );
    expect(
      (await globex.client.post(`${C}/contacts/${ids.globexGrace}/merge`, { duplicateId: ids.grace })).status,
    ).toBe(404);
    expect((await rep1.post(`${C}/contacts/${ids.grace}/merge`, { duplicateId: ids.graceDup })).status).toBe(403);
    expect((await manager.post(`${C}/contacts/${ids.grace}/merge`, { duplicateId: ids.rep2Grace })).status).toBe(404);
    expect((await acme.client.post(`${C}/contacts/${ids.grace}/merge`, {})).status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  // Each merge test merges contacts of its own, so the detection tests above see the same rows in any order.
  it('rolls everything back when the duplicate cannot be deleted', async () => {
    const u1 = (await fx.userId(rep1)) as string;
    const survivor = await fx.contact(acme.id, u1, { name: 'Edsger Dijkstra', city: 'Austin' });
    const held = await fx.contact(acme.id, u1, { name: 'Edsger Dykstra' });
    const tag = await fx.tag(acme.id, 'held');
    await fx.tagContact(acme.id, held, tag);
    await fx.activity(acme.id, u1, held, 'Call Edsger');
    await env.sql(`create table test_hold (tenant_id uuid, contact_id uuid,
      foreign key (tenant_id, contact_id) references crm_contact (tenant_id, id))`);
    await env.sql('insert into test_hold values ($1, $2)', [acme.id, held]);
    try {
      const before = await snapshot();
      const res = await manager.post(`${C}/contacts/${survivor}/merge`, { duplicateId: held });
      expect(res).toMatchObject({ status: 409, body: { code: 'CRM_CONTACT_REFERENCED' } });
      expect(await snapshot()).toEqual(before);
    } finally {
      await env.sql('drop table test_hold');
    }
  });

  it('moves activities, notes, tags, leads and opportunities and fills empty fields', async () => {
    const u1 = (await fx.userId(rep1)) as string;
    const ada = await fx.contact(acme.id, u1, { name: 'Ada Lovelace', email: 'ada@engine.test' });
    const adaDup = await fx.contact(acme.id, u1, { name: 'Ada Lovelace', phone: '555-0100', city: 'Arlington' });
    const [t1, t2] = [await fx.tag(acme.id, 'vip'), await fx.tag(acme.id, 'speaker')];
    await fx.tagContact(acme.id, ada, t1);
    await fx.tagContact(acme.id, adaDup, t1);
    await fx.tagContact(acme.id, adaDup, t2);
    const acts = [await fx.activity(acme.id, u1, ada, 'a'), await fx.activity(acme.id, u1, adaDup, 'b')];
    const notes = [await fx.note(acme.id, u1, ada, 'n1'), await fx.note(acme.id, u1, adaDup, 'n2')];
    const lead = await fx.lead(acme.id, u1, { title: 'Compiler', contactId: adaDup });
    const opp = await fx.opportunity(acme.id, u1, { title: 'COBOL', contactId: adaDup });

    const res = await manager.post(`${C}/contacts/${ada}/merge`, { duplicateId: adaDup });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: ada,
      name: 'Ada Lovelace',
      email: 'ada@engine.test',
      phone: '555-0100',
      city: 'Arlington',
    });
    const on = (table: string) =>
      env.sql<{ id: string }>(`select id from ${table} where tenant_id = $1 and contact_id = $2 order by id`, [
        acme.id,
        ada,
      ]);
    expect((await on('crm_activity')).map((r) => r.id)).toEqual([...acts].sort());
    expect((await on('crm_note')).map((r) => r.id)).toEqual([...notes].sort());
    expect((await on('crm_lead')).map((r) => r.id)).toEqual([lead]);
    expect((await on('crm_opportunity')).map((r) => r.id)).toEqual([opp]);
    const tags = await env.sql<{ tag_id: string }>(
      'select tag_id from crm_contact_tag where tenant_id = $1 and contact_id = $2 order by tag_id',
      [acme.id, ada],
    );
    expect(tags.map((t) => t.tag_id)).toEqual([t1, t2].sort());
    expect(await env.sql('select id from crm_contact where tenant_id = $1 and id = $2', [acme.id, adaDup])).toEqual([]);
    const events = await env.sql<{ payload: { changes: string[] } }>(
      "select payload from core_outbox where tenant_id = $1 and name = 'crm.contact.updated' and aggregate_id = $2",
      [acme.id, ada],
    );
    expect(events.at(-1)?.payload.changes).toEqual(expect.arrayContaining(['phone', 'city', 'mergedFrom']));
  });

  it('moves the people of a duplicate company to the survivor', async () => {
    const owner = (await fx.userId(acme.client)) as string;
    const keep = await fx.contact(acme.id, owner, { name: 'Initech', kind: 'company' });
    const gone = await fx.contact(acme.id, owner, { name: 'Initech LLC', kind: 'company', city: 'Paris' });
    const person = await fx.contact(acme.id, owner, { name: 'Peter Gibbons', companyId: gone });
    const res = await acme.client.graphql(
      'mutation($id: ID!, $dup: ID!) { mergeContacts(id: $id, duplicateId: $dup) { id kind city } }',
      { id: keep, dup: gone },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.mergeContacts).toEqual({ id: keep, kind: 'company', city: 'Paris' });
    const [p] = await env.sql<{ company_id: string }>(
      'select company_id from crm_contact where tenant_id = $1 and id = $2',
      [acme.id, person],
    );
    expect(p?.company_id).toBe(keep);
  });

  it('a survivor that belonged to the duplicate company belongs to no company after the merge', async () => {
    const owner = (await fx.userId(acme.client)) as string;
    const gone = await fx.contact(acme.id, owner, { name: 'Umbrella Holding', kind: 'company' });
    const keep = await fx.contact(acme.id, owner, { name: 'Umbrella', kind: 'company', companyId: gone });
    const res = await acme.client.post(`${C}/contacts/${keep}/merge`, { duplicateId: gone });
    expect(res.status).toBe(200);
    const rows = await env.sql<{ company_id: string | null }>(
      'select company_id from crm_contact where tenant_id = $1 and id = $2',
      [acme.id, keep],
    );
    expect(rows).toEqual([{ company_id: null }]);
  });

  it('answers detection over GraphQL', async () => {
    const res = await acme.client.graphql(
      `query($id: ID!) {
        contactDuplicates(id: $id) { contact { id } reason score }
        duplicates(limit: 10) { contact { id } duplicate { id } reason score }
      }`,
      { id: ids.grace },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.contactDuplicates[0]).toMatchObject({
      contact: { id: ids.graceMail },
      reason: 'same_email',
      score: 1,
    });
    expect(res.body.data.duplicates.length).toBeGreaterThan(0);
    const member = await rep1.graphql('mutation($id: ID!) { mergeContacts(id: $id, duplicateId: $id) { id } }', {
      id: ids.grace,
    });
    expect(member.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});
