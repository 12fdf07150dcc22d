import { randomBytes } from 'node:crypto';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { journal } from '@elevate-fixture/journal';
import { type EntryWithExtras, extras } from '@elevate-fixture/journal-extras';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreMigrations, runMigrations } from '../src/db/migrate.ts';
import { createLogger } from '../src/logger.ts';

// Model extensions: the journal-extras fixture adds `mood`, `rating` and `notes` to journal's
// entry without touching journal's files. The columns come from extras' migration; the APIs show
// them only to tenants that have extras enabled.

let env: TestEnv;
let withExtras: TestTenant;
let without: TestTenant;
type Gql<T> = { data: T; errors?: { message: string; extensions?: { code: string } }[] };
const gql = async <T>(c: ApiClient, query: string, variables?: Record<string, unknown>) => {
  const res = await c.graphql(query, variables);
  return { headers: res.headers, body: res.body as Gql<T> };
};
type EntryRow = Record<string, unknown> & { id: string };
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dropLater: string[] = [];

beforeAll(async () => {
  env = await bootTestKernel({ addons: [journal, extras], workers: false });
  withExtras = await env.tenant('ext-with', { enable: ['journal', 'extras'] });
  without = await env.tenant('ext-without', { enable: ['journal'] });
});
afterAll(async () => {
  await env?.close();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  for (const db of dropLater) await admin.query(`drop database if exists ${db} with (force)`);
  await admin.end();
});

/** Columns, constraints, indexes, policies and RLS flags of journal's and extras' tables. */
async function catalog(url: string): Promise<unknown> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const tables = ['journal_entry', 'journal_topic', 'journal_label', 'journal_entry_labels', 'extras_note'];
  const q = async (sql: string) => (await db.query(sql, [tables])).rows;
  try {
    return {
      columns: await q(`select table_name, column_name, data_type, character_maximum_length, is_nullable, column_default
        from information_schema.columns where table_name = any($1) order by 1, 2`),
      constraints: await q(`select conrelid::regclass::text as t, conname, pg_get_constraintdef(oid) as def
        from pg_constraint where conrelid::regclass::text = any($1) order by 1, 2`),
      indexes: await q('select tablename, indexname, indexdef from pg_indexes where tablename = any($1) order by 1, 2'),
      policies: await q(
        'select tablename, policyname, qual, with_check from pg_policies where tablename = any($1) order by 1, 2',
      ),
      rls: await q(
        'select relname, relrowsecurity, relforcerowsecurity from pg_class where relname = any($1) order by 1',
      ),
    };
  } finally {
    await db.end();
  }
}

describe('extending another addon’s model', () => {
  it('creates the columns with the extender’s migration: an upgraded database ends like a fresh one', async () => {
    // Upgraded: journal installed and migrated alone first, extras added later.
    const name = `elevate_test_ext_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    dropLater.push(name);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const log = createLogger({ logLevel: 'silent' });
    const core = { id: 'core', migrations: coreMigrations };
    const journalOnly = [core, { id: 'journal', migrations: journal.migrations }];
    await runMigrations({ databaseUrl: url.toString() } as never, journalOnly, log);
    const before = (await catalog(url.toString())) as { columns: { column_name: string }[] };
    expect(before.columns.map((c) => c.column_name)).not.toContain('mood');
    await runMigrations(
      { databaseUrl: url.toString() } as never,
      [...journalOnly, { id: 'extras', migrations: extras.migrations }],
      log,
    );
    const fresh = await catalog(env.databaseUrl);
    expect(await catalog(url.toString())).toEqual(fresh);
    expect(JSON.stringify(fresh)).toContain('"table_name":"journal_entry","column_name":"mood"');
    expect(await env.admin.checkSchema()).toEqual([]);
  });

  it('shows and writes the fields on REST and GraphQL for a tenant with the extender enabled', async () => {
    const created = await withExtras.client.post('/api/v1/journal/entries', {
      text: 'calm day',
      mood: 'calm',
      rating: 4,
    });
    expect(created.status).toBe(201);
    const e = created.body as EntryWithExtras;
    // Typed from the model and the extension: mood is string | null, rating number | null.
    const typed: { mood: string | null; rating: number | null } = e;
    expect(typed).toMatchObject({ text: 'calm day', mood: 'calm', rating: 4 });
    const patched = await withExtras.client.patch(`/api/v1/journal/entries/${e.id}`, { rating: 5 });
    expect(patched.body).toMatchObject({ mood: 'calm', rating: 5 });
    expect(await env.sql('select mood, rating from journal_entry where id = $1', [e.id])).toEqual([
      { mood: 'calm', rating: 5 },
    ]);
    const bad = await withExtras.client.patch(`/api/v1/journal/entries/${e.id}`, { rating: 'high' });
    expect(bad.status).toBe(400);
    expect((bad.body as { details: { path: string }[] }).details.map((d) => d.path)).toEqual(['rating']);

    const g = await gql<{ createJournalEntry: { mood: string; rating: number } }>(
      withExtras.client,
      'mutation { createJournalEntry(input: { text: "g", mood: "busy", rating: 2 }) { mood rating } }',
    );
    expect(g.body.data.createJournalEntry).toEqual({ mood: 'busy', rating: 2 });
    const listed = (await withExtras.client.get('/api/v1/journal/entries?fields=mood&limit=200')).body as {
      data: EntryRow[];
    };
    expect(listed.data.find((r) => r.id === e.id)).toEqual({ id: e.id, mood: 'calm' });
  });

  it('hides them from a tenant without it: REST refuses and omits them, GraphQL and OpenAPI lack them', async () => {
    const refused = await without.client.post('/api/v1/journal/entries', { text: 'x', mood: 'calm' });
    expect(refused.status).toBe(400);
    expect((refused.body as { details: { path: string }[] }).details.map((d) => d.path)).toEqual(['mood']);
    const plain = (await without.client.post('/api/v1/journal/entries', { text: 'plain' })).body as EntryRow;
    expect(Object.keys(plain)).not.toContain('mood');
    expect(
      Object.keys((await without.client.get(`/api/v1/journal/entries/${plain.id}`)).body as EntryRow),
    ).not.toContain('rating');
    const g = await gql(without.client, 'query($id: ID!) { journalEntry(id: $id) { mood } }', { id: plain.id });
    expect(g.body.errors?.[0]?.message).toMatch(/Cannot query field "mood"/);

    expect(env.graphqlSdl(['journal'])).not.toMatch(/mood|notes|ExtrasNote/);
    const sdl = env.graphqlSdl(['journal', 'extras']);
    expect(sdl).toMatch(/type JournalEntry \{[^}]*\bmood: String\b[^}]*\bnotes: \[ExtrasNote!\]![^}]*\brating: Int\b/s);
    expect(sdl).toMatch(/input JournalEntryCreateInput \{[^}]*\bmood: String\b/s);

    const body = (enabled: string[]) => {
      const doc = env.openapi(enabled);
      const op = doc.paths['/api/v1/journal/entries']?.post as unknown as {
        requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } };
        responses: Record<
          string,
          { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } }
        >;
      };
      return {
        input: Object.keys(op.requestBody.content['application/json'].schema.properties),
        // The row is a named component schema (the tenant's shape of it), referenced with $ref.
        output: Object.keys(
          (
            (doc.components as { schemas: Record<string, { properties: Record<string, unknown> }> }).schemas
              .JournalEntry ?? { properties: {} }
          ).properties,
        ),
        ref: (op.responses['201']?.content['application/json'].schema as unknown as { $ref?: string } | undefined)
          ?.$ref,
      };
    };
    expect(body(['journal']).input).not.toContain('mood');
    expect(body(['journal']).ref).toBe('#/components/schemas/JournalEntry');
    expect(body(['journal']).output).toContain('text');
    expect(body(['journal']).output).not.toContain('rating');
    expect(body(['journal', 'extras']).input).toEqual(expect.arrayContaining(['mood', 'rating']));
    expect(body(['journal', 'extras']).output).toEqual(expect.arrayContaining(['mood', 'rating']));
  });

  it('hides the fields when the extender is disabled and shows the kept data when it is enabled again', async () => {
    const t = await env.tenant(`ext-toggle-${Date.now()}`, { enable: ['journal', 'extras'] });
    const e = (await t.client.post('/api/v1/journal/entries', { text: 'kept', mood: 'stormy' })).body as EntryRow;
    await env.admin.disableAddon(t.id, 'extras');
    const hidden = (await t.client.get(`/api/v1/journal/entries/${e.id}`)).body as EntryRow;
    expect(hidden.text).toBe('kept');
    expect(Object.keys(hidden)).not.toContain('mood');
    expect(await env.sql('select mood from journal_entry where id = $1', [e.id])).toEqual([{ mood: 'stormy' }]);
    await env.admin.enableAddon(t.id, 'extras');
    expect(((await t.client.get(`/api/v1/journal/entries/${e.id}`)).body as EntryRow).mood).toBe('stormy');
  });

  it('keeps tenants apart: notes and extended entries of one tenant are invisible and unreachable to another', async () => {
    const other = await env.tenant(`ext-other-${Date.now()}`, { enable: ['journal', 'extras'] });
    const e = (await withExtras.client.post('/api/v1/journal/entries', { text: 'mine', mood: 'secret' }))
      .body as EntryRow;
    const n = await withExtras.client.post('/api/v1/extras/notes', { text: 'my note', entry: e.id });
    expect(n.status).toBe(201);
    expect((await other.client.get(`/api/v1/journal/entries/${e.id}`)).status).toBe(404);
    expect((await other.client.get(`/api/v1/extras/notes/${(n.body as EntryRow).id}`)).status).toBe(404);
    expect((await other.client.patch(`/api/v1/journal/entries/${e.id}`, { mood: 'x' })).status).toBe(404);
    // A note of the other tenant cannot point at this tenant's entry (tenant-keyed foreign key).
    const cross = await other.client.post('/api/v1/extras/notes', { text: 'cross', entry: e.id });
    expect(cross.status).toBeGreaterThanOrEqual(400);
    expect(cross.status).toBeLessThan(500);
    const g = await gql<{ extrasNotes: { data: unknown[] } }>(other.client, '{ extrasNotes { data { id } } }');
    expect(g.body.data.extrasNotes.data).toEqual([]);
    expect(await env.sql('select mood from journal_entry where id = $1', [e.id])).toEqual([{ mood: 'secret' }]);
  });

  it('loads the added relation through the DataLoader: one statement per page, whatever its size', async () => {
    const t = await env.tenant(`ext-batch-${Date.now()}`, { enable: ['journal', 'extras'] });
    const page = async (n: number) => {
      const tag = `p${n}`;
      for (let i = 0; i < n; i++) {
        const e = (await t.client.post('/api/v1/journal/entries', { text: `${tag} ${i}` })).body as EntryRow;
        await t.client.post('/api/v1/extras/notes', { text: `note of ${tag} ${i}`, entry: e.id });
      }
      const res = await gql<{
        journalEntries: { data: { text: string; notes: { text: string; entryRef: { text: string } }[] }[] };
      }>(t.client, 'query($q: String) { journalEntries(q: $q) { data { text notes { text entryRef { text } } } } }', {
        q: `${tag} `,
      });
      expect(res.body.errors).toBeUndefined();
      const rows = res.body.data.journalEntries.data;
      expect(rows).toHaveLength(n);
      for (const r of rows) expect(r.notes).toEqual([{ text: `note of ${r.text}`, entryRef: { text: r.text } }]);
      return Number(res.headers.get('x-db-statements'));
    };
    // Opening round trip, the page, the notes of the page, the entries the notes point at.
    const small = await page(2);
    expect(small).toBe(4);
    expect(await page(7)).toBe(small);
  });

  it('applies record rules to related rows: a member sees neither another’s entry nor their notes', async () => {
    const alice = await withExtras.as('member', `alice-${Date.now()}@ext.test`);
    const bob = await withExtras.as('member', `bob-${Date.now()}@ext.test`);
    const entry = (await alice.post('/api/v1/journal/entries', { text: 'alice only' })).body as EntryRow;
    await alice.post('/api/v1/extras/notes', { text: 'alice note', entry: entry.id });
    // Bob may write a note on an entry id he knows; he still cannot read the entry through it.
    await bob.post('/api/v1/extras/notes', { text: 'bob note', entry: entry.id });
    const bobs = await gql<{ extrasNotes: { data: { text: string; entry: string; entryRef: unknown }[] } }>(
      bob,
      '{ extrasNotes { data { text entry entryRef { text } } } }',
    );
    expect(bobs.body.data.extrasNotes.data).toEqual([{ text: 'bob note', entry: entry.id, entryRef: null }]);
    const alices = await gql<{ journalEntry: { notes: { text: string }[] } }>(
      alice,
      'query($id: ID!) { journalEntry(id: $id) { notes { text } } }',
      { id: entry.id },
    );
    expect(alices.body.data.journalEntry.notes).toEqual([{ text: 'alice note' }]);
  });
});
