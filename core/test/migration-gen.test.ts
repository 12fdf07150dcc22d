import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type AnyModel,
  createModelTableSql,
  defineAddon,
  defineModel,
  extendModel,
  f,
  type MigrationClass,
} from '@elevate/sdk';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { coreMigrations, runMigrations } from '../src/db/migrate.ts';
import { checkTenantSchema, discoverAddonPackages, findWorkspaceRoot, generateMigration } from '../src/index.ts';
import { createLogger } from '../src/logger.ts';

// Generated migrations: a field added to a model becomes migration 0002 with one call, and a
// fresh database and an upgraded one end with the same catalog.

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TMP = join(import.meta.dirname, '.tmp');
const log = createLogger({ logLevel: 'silent' });
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

function tmpDir(): string {
  const dir = join(TMP, randomBytes(6).toString('hex'));
  mkdirSync(dir, { recursive: true });
  cleanup.push(async () => {
    if (!process.env.KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

async function freshDatabase(): Promise<string> {
  const name = `elevate_test_mig_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  cleanup.push(async () => {
    const a = new pg.Client({ connectionString: ADMIN_URL });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function migrate(databaseUrl: string, id: string, migrations: readonly MigrationClass[]): Promise<void> {
  await migrateAll(databaseUrl, [{ id, migrations }]);
}

async function migrateAll(databaseUrl: string, owners: { id: string; migrations: readonly MigrationClass[] }[]) {
  await runMigrations({ databaseUrl } as never, [{ id: 'core', migrations: coreMigrations }, ...owners], log);
}

async function load(dir: string): Promise<MigrationClass[]> {
  // A fresh URL each time: the index changes between generations.
  const mod = (await import(`${pathToFileURL(join(dir, 'index.ts')).href}?v=${randomBytes(4).toString('hex')}`)) as {
    migrations: MigrationClass[];
  };
  return mod.migrations;
}

/** Columns, constraints, indexes, policies and RLS flags of a set of tables, as the catalogs say. */
async function catalog(databaseUrl: string, tables: string[]): Promise<unknown> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const q = async (sql: string) => (await db.query(sql, [tables])).rows;
    return {
      columns: await q(`select table_name, column_name, data_type, character_maximum_length, is_nullable, column_default
        from information_schema.columns where table_name = any($1) order by table_name, column_name`),
      constraints: await q(`select conrelid::regclass::text as t, conname, pg_get_constraintdef(oid) as def
        from pg_constraint where conrelid::regclass::text = any($1) order by 1, 2`),
      indexes: await q(`select tablename, indexname, indexdef from pg_indexes where tablename = any($1) order by 1, 2`),
      policies: await q(
        `select tablename, policyname, qual, with_check from pg_policies where tablename = any($1) order by 1, 2`,
      ),
      rls: await q(
        `select relname, relrowsecurity, relforcerowsecurity from pg_class where relname = any($1) order by 1`,
      ),
    };
  } finally {
    await db.end();
  }
}

function shelfAddon(fields: Record<string, ReturnType<typeof f.string>>) {
  const Shelf = defineModel({ name: 'migfix.shelf', fields: { label: f.string({ required: true, max: 80 }) } });
  const Book: AnyModel = defineModel({
    name: 'migfix.book',
    owned: true,
    fields: {
      title: f.string({ required: true, max: 200, index: true }),
      shelf: f.ref(() => Shelf, { onDelete: 'set null' }),
      status: f.enum(['draft', 'published'] as const, { required: true, default: 'draft' }),
      ...fields,
    },
  });
  return defineAddon({
    id: 'migfix',
    version: '1.0.0',
    title: 'Migration fixture',
    description: 'Two models for the migration generator test',
    category: 'Test',
    platform: '^1.0.0',
    models: [Shelf, Book],
  });
}

/** Every .ts file of `dir` as Biome (the repository's biome.json) would format it: equal when already formatted. */
function unformatted(dir: string): string[] {
  const biome = join(import.meta.dirname, '../../node_modules/.bin/biome');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.ts'))
    .filter((n) => {
      const source = readFileSync(join(dir, n), 'utf8');
      const formatted = execFileSync(biome, ['format', `--stdin-file-path=${n}`], {
        input: source,
        cwd: join(import.meta.dirname, '../..'),
        encoding: 'utf8',
      });
      return formatted !== source;
    });
}

describe('generated migrations', () => {
  it('adds a field as migration 0002; a fresh and an upgraded database end with the same schema', async () => {
    const dir = tmpDir();
    const v1 = await generateMigration(shelfAddon({}), dir);
    expect(v1.className).toBe('MigfixInit0001');
    expect(readFileSync(v1.file as string, 'utf8')).toContain('force row level security');

    const upgraded = await freshDatabase();
    await migrate(upgraded, 'migfix', await load(dir));

    // The author adds one field and runs one command.
    const v2 = await generateMigration(shelfAddon({ nickname: f.string({ max: 60 }) }), dir, 'add nickname');
    expect(v2.className).toBe('MigfixAddNickname0002');
    expect(v2.up).toEqual(['alter table "migfix_book" add "nickname" varchar(60) null;']);
    const both = await load(dir);
    expect(both.map((m) => m.name)).toEqual(['MigfixInit0001', 'MigfixAddNickname0002']);

    await migrate(upgraded, 'migfix', both);
    const fresh = await freshDatabase();
    await migrate(fresh, 'migfix', both);

    const tables = ['migfix_shelf', 'migfix_book'];
    const a = await catalog(upgraded, tables);
    expect(a).toEqual(await catalog(fresh, tables));
    expect(JSON.stringify(a)).toContain('"column_name":"nickname"');

    // Generated tables carry the same protections as every tenant table.
    const db = new pg.Client({ connectionString: fresh });
    await db.connect();
    const problems = await checkTenantSchema(db);
    await db.end();
    expect(problems.filter((p) => p.startsWith('migfix_'))).toEqual([]);

    // The files need no formatting: `biome check` passes right after the command.
    expect(unformatted(dir)).toEqual([]);

    // Nothing changed: no file.
    const again = await generateMigration(shelfAddon({ nickname: f.string({ max: 60 }) }), dir);
    expect(again.file).toBeNull();
  });

  it('an index the SDK already makes (a reference, an indexed field) listed again in indexes is one index', async () => {
    const Shelf = defineModel({ name: 'dupidx.shelf', fields: { label: f.string({ required: true }) } });
    const Book = defineModel({
      name: 'dupidx.book',
      fields: { title: f.string({ index: true }), shelf: f.ref(() => Shelf) },
      indexes: [['shelf'], ['title'], ['title', 'shelf']],
    });
    const addon = defineAddon({
      id: 'dupidx',
      version: '1.0.0',
      title: 'Duplicate index fixture',
      description: 'An author listing indexes the SDK already makes',
      category: 'Test',
      platform: '^1.0.0',
      models: [Shelf, Book],
    });
    const dir = tmpDir();
    const res = await generateMigration(addon, dir);
    const creates = res.up.filter((sql) => sql.startsWith('create index'));
    expect(creates.filter((sql) => sql.includes('"dupidx_book_shelf_id_idx"'))).toHaveLength(1);
    expect(creates.filter((sql) => sql.includes('"dupidx_book_title_idx"'))).toHaveLength(1);
    expect(creates.some((sql) => sql.includes('"dupidx_book_title_shelf_id_idx"'))).toBe(true);
    await migrate(await freshDatabase(), 'dupidx', await load(dir));
    // The SDK's DDL helper for hand-written migrations says the same (before: `relation
    // "dupidx_book_shelf_id_idx" already exists` when the migration ran).
    const ddl = createModelTableSql(Book).filter((sql) => sql.startsWith('create index'));
    expect(ddl).toHaveLength(new Set(ddl).size);
    expect(ddl.filter((sql) => sql.includes('"dupidx_book_shelf_id_idx"'))).toHaveLength(1);
  });

  it("keeps every workspace addon's committed snapshot in step with its models (a model change without a migration fails here)", async () => {
    // The workspace's addons, and the fixtures whose snapshots hold an owner's and an extender's tables.
    const packages = await discoverAddonPackages(findWorkspaceRoot(import.meta.dirname), [
      'tests/fixtures/addons/journal',
      'tests/fixtures/addons/journal-extras',
    ]);
    const withSnapshots = packages.filter((p) => existsSync(join(p.dir, 'migrations', `.snapshot-${p.addon.id}.json`)));
    expect(withSnapshots.map((p) => p.addon.id)).toEqual(expect.arrayContaining(['crm', 'journal', 'extras']));
    for (const { addon, dir } of withSnapshots) {
      const copy = tmpDir();
      cpSync(join(dir, 'migrations'), copy, { recursive: true });
      const res = await generateMigration(addon, copy);
      expect({ addon: addon.id, pending: res.up }).toEqual({ addon: addon.id, pending: [] });
    }
  });
});

/** An owner addon (a card model) and an addon extending its model, at given versions of each. */
function extensionPair(
  ownerFields: Record<string, ReturnType<typeof f.string>>,
  extFields: Record<string, ReturnType<typeof f.string>>,
) {
  const Card = defineModel({
    name: 'migown.card',
    fields: { title: f.string({ required: true, max: 80 }), ...ownerFields },
  });
  const Sticker = defineModel({
    name: 'migext.sticker',
    fields: { label: f.string({ max: 40 }), card: f.ref(() => Card, { onDelete: 'cascade' }) },
  });
  const owner = defineAddon({
    id: 'migown',
    version: '1.0.0',
    title: 'Owner',
    description: 'Owns the card',
    category: 'Test',
    platform: '^1.0.0',
    models: [Card],
  });
  const ext = defineAddon({
    id: 'migext',
    version: '1.0.0',
    title: 'Extender',
    description: 'Adds fields to the card',
    category: 'Test',
    platform: '^1.0.0',
    depends: [owner],
    models: [Sticker],
    extends: [
      extendModel(Card, {
        fields: {
          nickname: f.string({ max: 60, index: true }),
          // A reference from the owner's table into the extender's: its key is the extender's too.
          favourite: f.ref((): AnyModel => Sticker, { onDelete: 'set null' }),
          ...extFields,
        },
      }),
    ],
  });
  return { owner, ext };
}

describe('generated migrations of model extensions', () => {
  it("puts an extension's columns in the extending addon's migrations only; fresh and upgraded databases match", async () => {
    const [ownDir, extDir] = [tmpDir(), tmpDir()];
    const v1 = extensionPair({}, {});
    const o1 = await generateMigration(v1.owner, ownDir);
    expect(readFileSync(o1.file as string, 'utf8')).not.toContain('nickname');
    const e1 = await generateMigration(v1.ext, extDir);
    const e1sql = readFileSync(e1.file as string, 'utf8');
    expect(e1sql).toContain('alter table "migown_card" add "nickname" varchar(60) null, add "favourite_id" uuid null;');
    expect(e1sql).toContain('create index "migown_card_nickname_idx" on "migown_card" ("tenant_id", "nickname");');
    expect(e1sql).toContain(
      'alter table "migown_card" add constraint "migown_card_tenant_id_favourite_id_foreign" foreign key ("tenant_id", "favourite_id") references "migext_sticker" ("tenant_id", "id")',
    );
    // The extending addon never creates, alters or secures the owner's table otherwise.
    expect(e1sql).not.toMatch(
      /create table "migown_card"|"migown_card" (enable|force) row level|on "migown_card" using/,
    );

    // An upgraded database: the owner first (installed alone), the extension later.
    const upgraded = await freshDatabase();
    await migrateAll(upgraded, [{ id: 'migown', migrations: await load(ownDir) }]);
    await migrateAll(upgraded, [
      { id: 'migown', migrations: await load(ownDir) },
      { id: 'migext', migrations: await load(extDir) },
    ]);

    // The owner adds a field: its migration has only that; the extender's diff stays empty.
    const v2 = extensionPair({ pages: f.string({ max: 10 }) }, {});
    const o2 = await generateMigration(v2.owner, ownDir, 'add pages');
    expect(o2.up).toEqual(['alter table "migown_card" add "pages" varchar(10) null;']);
    expect((await generateMigration(v2.ext, extDir)).up).toEqual([]);
    // The extender adds a field: its migration has only that.
    const v3 = extensionPair({ pages: f.string({ max: 10 }) }, { color: f.string({ max: 20 }) });
    expect((await generateMigration(v3.owner, ownDir)).up).toEqual([]);
    const e3 = await generateMigration(v3.ext, extDir, 'add color');
    expect(e3.up).toEqual(['alter table "migown_card" add "color" varchar(20) null;']);

    const owners = async () => [
      { id: 'migown', migrations: await load(ownDir) },
      { id: 'migext', migrations: await load(extDir) },
    ];
    await migrateAll(upgraded, await owners());
    const fresh = await freshDatabase();
    await migrateAll(fresh, await owners());
    const tables = ['migown_card', 'migext_sticker'];
    const a = await catalog(upgraded, tables);
    expect(a).toEqual(await catalog(fresh, tables));
    for (const col of ['nickname', 'favourite_id', 'color', 'pages'])
      expect(JSON.stringify(a)).toContain(`"column_name":"${col}"`);
  });
});
