import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
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
      ['createdAt', 'createdBy', 'id', 'ownerId', 'pinned', 'text', 'topic', 'updatedAt'].sort(),
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
