import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { journal } from '@elevate-fixture/journal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The resource layer: the journal fixture declares two models and two `defineResource` lines;
// REST and GraphQL CRUD, validation, filters, search, sorting and lean responses are derived.

let env: TestEnv;
let t: TestTenant;

interface Row {
  id: string;
  text: string;
  pinned: boolean;
  topic: string | null;
  name: string;
}
type Page = { data: Row[]; total_count: number | null; limit: number; offset: number };

beforeAll(async () => {
  env = await bootTestKernel({ addons: [journal], workers: false });
  t = await env.tenant('res', { enable: ['journal'] });
});
afterAll(() => env?.close());

async function topic(name: string): Promise<Row> {
  const res = await t.client.post('/api/v1/journal/topics', { name });
  expect(res.status).toBe(201);
  return res.body as Row;
}

describe('derived REST resources', () => {
  it('creates, reads, changes and deletes, with the row shape the model declares', async () => {
    const work = await topic(`work-${Date.now()}`);
    const created = await t.client.post('/api/v1/journal/entries', { text: 'ship it', topic: work.id });
    expect(created.status).toBe(201);
    const e = created.body as Row & Record<string, unknown>;
    expect(Object.keys(e).sort()).toEqual(
      ['createdAt', 'createdBy', 'id', 'labelIds', 'ownerId', 'pinned', 'text', 'topic', 'updatedAt'].sort(),
    );
    expect(e).toMatchObject({ text: 'ship it', pinned: false, topic: work.id });
    expect((await t.client.get(`/api/v1/journal/entries/${e.id}`)).body).toMatchObject({ text: 'ship it' });
    const patched = await t.client.patch(`/api/v1/journal/entries/${e.id}`, { pinned: true, topic: null });
    expect(patched.body).toMatchObject({ pinned: true, topic: null });
    expect((await t.client.delete(`/api/v1/journal/entries/${e.id}`)).status).toBe(204);
    expect((await t.client.get(`/api/v1/journal/entries/${e.id}`)).status).toBe(404);
    expect((await t.client.get('/api/v1/journal/entries/not-a-uuid')).status).toBe(404);
    // An explicit null reference on create is no reference (it shares its key with tenant_id).
    const unfiled = await t.client.post('/api/v1/journal/entries', { text: 'unfiled', topic: null });
    expect(unfiled.status).toBe(201);
    expect((unfiled.body as Row).topic).toBeNull();
  });

  it('filters by field and reference, searches, sorts, selects fields and counts only when asked', async () => {
    const tag = `f${Date.now()}`;
    const home = await topic(`home-${tag}`);
    for (const [text, pinned] of [
      [`${tag} b`, true],
      [`${tag} a`, true],
      [`${tag} c`, false],
    ] as const) {
      await t.client.post('/api/v1/journal/entries', { text, pinned, topic: home.id });
    }
    const list = (q: string) => t.client.get(`/api/v1/journal/entries?${q}`).then((r) => r.body as Page);
    const pinned = await list(`topic=${home.id}&pinned=true&sort=text&count=true`);
    expect(pinned.data.map((r) => r.text)).toEqual([`${tag} a`, `${tag} b`]);
    expect(pinned.total_count).toBe(2);
    const found = await list(`q=${tag}&sort=text&order=desc&limit=2&count=true`);
    expect(found.data.map((r) => r.text)).toEqual([`${tag} c`, `${tag} b`]);
    expect(found.total_count).toBe(3);
    // Lean by default: no count unless asked (a second statement), only the fields asked for.
    const lean = await list(`q=${tag}&fields=text`);
    expect(Object.keys(lean.data[0] ?? {}).sort()).toEqual(['id', 'text']);
    expect(lean.total_count).toBeNull();
    // A LIKE wildcard in q is a character, not a pattern.
    expect((await list('q=%25')).data).toEqual([]);
  });

  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const before = await env.sql<{ n: number }>('select count(*)::int as n from journal_entry');
    const bad = async (path: string, body?: unknown) => {
      const res = body === undefined ? await t.client.get(path) : await t.client.post(path, body);
      expect(res.status).toBe(400);
      return (res.body as { code: string; details: { path: string }[] }).details.map((d) => d.path);
    };
    expect(await bad('/api/v1/journal/entries', {})).toEqual(['text']);
    expect(await bad('/api/v1/journal/entries', { text: 'x'.repeat(201) })).toEqual(['text']);
    expect(await bad('/api/v1/journal/entries', { text: 'x', topic: 'nope' })).toEqual(['topic']);
    expect(await bad('/api/v1/journal/entries', { text: 'x', tenantId: t.id })).toEqual(['tenantId']);
    expect(await bad('/api/v1/journal/entries?email=x')).toEqual(['email']);
    expect(await bad('/api/v1/journal/entries?sort=password')).toEqual(['sort']);
    expect(await bad('/api/v1/journal/entries?fields=text,secret')).toEqual(['fields']);
    expect(await env.sql('select count(*)::int as n from journal_entry')).toEqual(before);
  });

  it("keeps tenants apart: another tenant's ids are 404 on every derived route", async () => {
    const mine = (await t.client.post('/api/v1/journal/entries', { text: 'private' })).body as Row;
    const other = await env.tenant('res-other', { enable: ['journal'] });
    expect((await other.client.get(`/api/v1/journal/entries/${mine.id}`)).status).toBe(404);
    expect((await other.client.patch(`/api/v1/journal/entries/${mine.id}`, { text: 'x' })).status).toBe(404);
    expect((await other.client.delete(`/api/v1/journal/entries/${mine.id}`)).status).toBe(404);
    expect(((await other.client.get('/api/v1/journal/entries')).body as Page).data).toEqual([]);
    const g = await other.client.graphql('query($id: ID!) { journalEntry(id: $id) { id } }', { id: mine.id });
    expect((g.body as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('NOT_FOUND');
  });
});

describe('derived GraphQL resources', () => {
  it('offers the same fields and arguments, and validates inputs with the same schemas', async () => {
    const tag = `g${Date.now()}`;
    const created = await t.client.graphql(
      'mutation($input: JournalEntryCreateInput!) { createJournalEntry(input: $input) { id text pinned topic } }',
      { input: { text: `${tag} one`, pinned: true } },
    );
    const row = (created.body as { data: { createJournalEntry: Row } }).data.createJournalEntry;
    expect(row).toMatchObject({ text: `${tag} one`, pinned: true, topic: null });
    const rest = (await t.client.get(`/api/v1/journal/entries/${row.id}`)).body as Row;
    expect(rest.text).toBe(row.text);

    const listed = await t.client.graphql(
      'query($q: String) { journalEntries(q: $q, pinned: true) { data { id text } total_count } }',
      { q: tag },
    );
    expect((listed.body as { data: { journalEntries: Page } }).data.journalEntries).toEqual({
      data: [{ id: row.id, text: `${tag} one` }],
      total_count: 1,
    });

    const tooLong = await t.client.graphql(
      'mutation($input: JournalEntryCreateInput!) { createJournalEntry(input: $input) { id } }',
      { input: { text: 'x'.repeat(201) } },
    );
    const err = (tooLong.body as { errors: { extensions: { code: string; details: { path: string }[] } }[] }).errors[0];
    expect(err?.extensions.code).toBe('VALIDATION_FAILED');
    expect(err?.extensions.details.map((d) => d.path)).toEqual(['input.text']);

    const renamed = await t.client.graphql(
      'mutation($id: ID!) { updateJournalEntry(id: $id, input: { text: "renamed" }) { text } }',
      { id: row.id },
    );
    expect((renamed.body as { data: { updateJournalEntry: Row } }).data.updateJournalEntry.text).toBe('renamed');
    const deleted = await t.client.graphql('mutation($id: ID!) { deleteJournalEntry(id: $id) }', { id: row.id });
    expect((deleted.body as { data: { deleteJournalEntry: boolean } }).data.deleteJournalEntry).toBe(true);
  });
});

describe('relations on the resource layer', () => {
  const label = async (tenant: TestTenant, name: string) =>
    (
      await env.sql<{ id: string }>('insert into journal_label (tenant_id, name) values ($1, $2) returning id', [
        tenant.id,
        name,
      ])
    )[0]?.id as string;
  type Gql<T> = { data: T; errors?: { message: string; extensions: { code: string } }[] };
  const statements = (res: { headers: Headers }) => Number(res.headers.get('x-db-statements'));
  const gql = async <T>(c: ApiClient, query: string, variables?: Record<string, unknown>) => {
    const res = await c.graphql(query, variables);
    return { headers: res.headers, body: res.body as Gql<T> };
  };

  it('writes and reads many-to-many id lists (labelIds) on REST and GraphQL', async () => {
    const tag = `m${Date.now()}`;
    const [a, b] = [await label(t, `${tag}-a`), await label(t, `${tag}-b`)];
    const created = await t.client.post('/api/v1/journal/entries', { text: `${tag} one`, labelIds: [a, b] });
    expect(created.status).toBe(201);
    const id = (created.body as Row).id;
    expect((created.body as { labelIds: string[] }).labelIds).toEqual([a, b].sort());
    expect(((await t.client.get(`/api/v1/journal/entries/${id}`)).body as { labelIds: string[] }).labelIds).toEqual(
      [a, b].sort(),
    );
    const patched = await t.client.patch(`/api/v1/journal/entries/${id}`, { labelIds: [b] });
    expect((patched.body as { labelIds: string[] }).labelIds).toEqual([b]);
    // Lists carry id lists only when `fields` asks (one batched statement for the page).
    const listed = (await t.client.get(`/api/v1/journal/entries?q=${tag}&fields=text,labelIds`)).body as Page;
    expect(listed.data).toEqual([{ id, text: `${tag} one`, labelIds: [b] }]);
    expect(
      (await env.sql<{ label_id: string }>('select label_id from journal_entry_labels where entry_id = $1', [id])).map(
        (r) => r.label_id,
      ),
    ).toEqual([b]);

    const g = await gql<{ updateJournalEntry: { labelIds: string[] } }>(
      t.client,
      'mutation($id: ID!, $ids: [ID!]) { updateJournalEntry(id: $id, input: { labelIds: $ids }) { labelIds } }',
      { id, ids: [a] },
    );
    expect(g.body.data.updateJournalEntry.labelIds).toEqual([a]);
    const read = await gql<{ journalEntry: { labelIds: string[] } }>(
      t.client,
      'query($id: ID!) { journalEntry(id: $id) { labelIds } }',
      { id },
    );
    expect(read.body.data.journalEntry.labelIds).toEqual([a]);
  });

  it('refuses bad id lists with 4xx, and another tenant’s label cannot be attached', async () => {
    const bad = await t.client.post('/api/v1/journal/entries', { text: 'x', labelIds: ['not-a-uuid'] });
    expect(bad.status).toBe(400);
    expect((bad.body as { details: { path: string }[] }).details[0]?.path).toMatch(/^labelIds/);
    const other = await env.tenant(`rel-other-${Date.now()}`, { enable: ['journal'] });
    const theirs = await label(other, 'theirs');
    const before = await env.sql('select count(*)::int as n from journal_entry where tenant_id = $1', [t.id]);
    const cross = await t.client.post('/api/v1/journal/entries', { text: 'cross', labelIds: [theirs] });
    expect(cross.status).toBeGreaterThanOrEqual(400);
    expect(cross.status).toBeLessThan(500);
    expect(await env.sql('select count(*)::int as n from journal_entry where tenant_id = $1', [t.id])).toEqual(before);
    expect(await env.sql('select 1 from journal_entry_labels where label_id = $1', [theirs])).toEqual([]);
  });

  it('exposes a reference as its id and its row (topicRef), and hasMany as a list, batched per page', async () => {
    const tag = `b${Date.now()}`;
    const page = async (n: number) => {
      const q = `${tag}-${n}`;
      for (let i = 0; i < n; i++) {
        const top = await topic(`${q}-topic-${i}`);
        await t.client.post('/api/v1/journal/entries', { text: `${q} entry ${i}`, topic: top.id });
      }
      const res = await gql<{
        journalEntries: {
          data: { text: string; topic: string; topicRef: { id: string; name: string; entries: { text: string }[] } }[];
        };
      }>(
        t.client,
        'query($q: String) { journalEntries(q: $q, limit: 50) { data { text topic topicRef { id name entries { text } } labelIds } } }',
        { q },
      );
      expect(res.body.errors).toBeUndefined();
      const rows = res.body.data.journalEntries.data;
      expect(rows).toHaveLength(n);
      for (const r of rows) {
        expect(r.topicRef.id).toBe(r.topic);
        expect(r.topicRef.name).toBe(`${r.text.replace(/ entry (\d+)$/, '-topic-$1')}`);
        expect(r.topicRef.entries.map((e) => e.text)).toEqual([r.text]);
      }
      return statements(res);
    };
    // Opening round trip, the page, one statement each for topics, their entries and the labels:
    // the same for 2 rows as for 8.
    const small = await page(2);
    expect(small).toBe(5);
    expect(await page(8)).toBe(small);
  });

  it('applies record rules to related rows: a member sees only the entries of a topic they may read', async () => {
    const alice = await t.as('member', `alice-${Date.now()}@rel.test`);
    const bob = await t.as('member', `bob-${Date.now()}@rel.test`);
    const shared = await topic(`shared-${Date.now()}`);
    await alice.post('/api/v1/journal/entries', { text: 'alice writes', topic: shared.id });
    await bob.post('/api/v1/journal/entries', { text: 'bob writes', topic: shared.id });
    const entriesAs = async (c: ApiClient) =>
      (
        await gql<{ journalTopic: { entries: { text: string }[] } }>(
          c,
          'query($id: ID!) { journalTopic(id: $id) { entries { text } } }',
          { id: shared.id },
        )
      ).body.data.journalTopic.entries.map((e) => e.text);
    expect(await entriesAs(alice)).toEqual(['alice writes']);
    expect(await entriesAs(bob)).toEqual(['bob writes']);
    expect((await entriesAs(t.client)).sort()).toEqual(['alice writes', 'bob writes']);
  });
});
