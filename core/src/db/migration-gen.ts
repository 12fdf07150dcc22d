import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AnyAddon,
  type AnyModel,
  appliedModelExtensions,
  applyModelExtensions,
  CURRENT_TENANT_SQL,
  entitySchemasOf,
  pivotSchemasOf,
} from '@elevate/sdk';
import { Migrator, TSMigrationGenerator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';

// `elevate addon migration <addon>`: MikroORM's migrator diffs the addon's entities (derived
// from its models) against the snapshot committed beside its migrations and writes the next
// file. Offline: the snapshot, not a database, is the "before". The diff is restricted to the
// addon's own tables (other addons' and core tables are skipped), so it never proposes to
// drop or alter what it does not own.
//
// Model extensions (`extendModel`): the columns an addon adds to another addon's table are its own.
// Its snapshot keeps, for such a table, only those columns (and their indexes and keys); at each
// generation the owner's current table is laid under them as the "before", so the diff holds only
// the extension's changes. The owner's generation builds its models without any extension.

const TENANT_DEFAULT_CHANGE = /^alter table "[^"]+" alter column "tenant_id" (drop|set) default/;

/** Migration files: `Migration0002CrmAddNickname.ts` holds class `CrmAddNickname0002`. */
const FILE = /^Migration(\d{4})([A-Za-z0-9]+)\.ts$/;

export interface GeneratedMigration {
  /** The new file's path, or null when the models match the snapshot. */
  file: string | null;
  className: string | null;
  up: string[];
}

function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');
}

function existingMigrations(dir: string): { seq: number; file: string; className: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => FILE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ seq: Number(m[1]), file: m[0], className: `${m[2]}${m[1]}` }))
    .sort((a, b) => a.seq - b.seq);
}

/** What the SDK adds to a table it creates that MikroORM's metadata does not express: keys into core tables. */
function coreKeys(t: string, model: AnyModel | null): string[] {
  const sql = [
    `alter table "${t}" add constraint "${t}_tenant_id_fkey" foreign key ("tenant_id") references "core_tenant" ("id") on delete cascade;`,
  ];
  if (model?.owned) {
    sql.push(
      `alter table "${t}" add constraint "${t}_tenant_id_owner_id_fkey" foreign key ("tenant_id", "owner_id") references "core_user" ("tenant_id", "id") on delete set null ("owner_id");`,
    );
  }
  return sql;
}

function generatorFor(addon: AnyAddon, dir: string) {
  // The addon's tables: its models' (with an owner key when owned) and its many-to-many pivots.
  const own = new Map<string, AnyModel | null>(
    addon.models.flatMap((m) => [
      [m.table, m] as const,
      ...pivotSchemasOf(m).map((p) => [p.meta.tableName, null] as const),
    ]),
  );
  return class ElevateMigrationGenerator extends TSMigrationGenerator {
    override async generate(diff: { up: string[]; down: string[] }, _path?: string, name?: string) {
      const next = (existingMigrations(dir).at(-1)?.seq ?? 0) + 1;
      const seq = String(next).padStart(4, '0');
      const label = `${pascal(addon.id)}${pascal(name ?? (next === 1 ? 'init' : 'update'))}`;
      const className = `${label}${seq}`;
      const up: string[] = [];
      for (const raw of diff.up) {
        // MikroORM forgets tenant_id's default when a relation shares the column (its join
        // column has none): keep the default, which raw-SQL inserts rely on.
        if (TENANT_DEFAULT_CHANGE.test(raw)) continue;
        const sql = raw.replace(
          '"tenant_id" uuid not null,',
          `"tenant_id" uuid not null default ${CURRENT_TENANT_SQL},`,
        );
        up.push(sql);
        const created = /^create table "([^"]+)"/.exec(sql)?.[1];
        if (created && own.has(created)) up.push(...coreKeys(created, own.get(created) ?? null));
      }
      // Only the tenant_id default quirk (a reference added to another addon's table): nothing to write.
      if (!up.some(Boolean)) return ['', ''] as [string, string];
      const down = diff.down.filter((sql) => !TENANT_DEFAULT_CHANGE.test(sql));
      const code = migrationSource(className, up, down, (sql) => this.createStatement(sql, 4));
      const fileName = `Migration${seq}${label}.ts`;
      writeFileSync(join(dir, fileName), code);
      writeIndex(dir);
      return [code, fileName] as [string, string];
    }
  };
}

/** The line width of biome.json: a generated file is already formatted (`biome check` passes on it). */
const LINE_WIDTH = 120;

/** `    this.addSql(`...`);` longer than the line width, broken as Biome breaks a call. */
function wrapCall(line: string): string {
  const m = /^( *)this\.addSql\((.*)\);$/.exec(line);
  if (!m || line.length <= LINE_WIDTH) return line;
  const [, indent, arg] = m;
  return `${indent}this.addSql(\n${indent}  ${arg},\n${indent});`;
}

/** The file, laid out as the formatter wants it (MikroORM's template leaves blank lines Biome removes). */
function migrationSource(className: string, up: string[], down: string[], stmt: (sql: string) => string): string {
  const body = (list: string[]) =>
    list
      .map(stmt)
      .join('')
      .replace(/\n{2,}/g, '\n\n')
      .replace(/^\n+|\n+$/g, '')
      .split('\n')
      .map(wrapCall)
      .join('\n');
  let code = `import { Migration } from '@elevate/sdk';\n\n// Generated by \`elevate addon migration\`; review it before committing.\nexport class ${className} extends Migration {\n  override name = '${className}';\n\n  override up(): void {\n${body(up)}\n  }\n`;
  if (down.length) code += `\n  override down(): void {\n${body(down)}\n  }\n`;
  return `${code}}\n`;
}

/** `export const migrations = [...]` on one line, or one name per line when that is too long (as Biome does). */
function listOf(names: string[]): string {
  const line = `export const migrations = [${names.join(', ')}];`;
  return line.length <= LINE_WIDTH ? line : `export const migrations = [\n${names.map((n) => `  ${n},\n`).join('')}];`;
}

/** migrations/index.ts: every migration of the addon, in order (generated; the manifest imports it). */
export function writeIndex(dir: string): void {
  const all = existingMigrations(dir);
  const lines = [
    '// Generated by `elevate addon migration`: every migration of this addon, in order. Do not edit.',
    ...all.map((m) => `import { ${m.className} } from './${m.file}';`),
    '',
    listOf(all.map((m) => m.className)),
    '',
  ];
  writeFileSync(join(dir, 'index.ts'), lines.join('\n'));
}

/**
 * Diffs an addon's models against `<dir>/.snapshot-<addon>.json` and writes the next migration
 * (and the new snapshot). A missing snapshot means a new addon: the first migration creates
 * every table.
 */
export async function generateMigration(addon: AnyAddon, dir: string, name?: string): Promise<GeneratedMigration> {
  mkdirSync(dir, { recursive: true });
  const snapshotName = `.snapshot-${addon.id}`;
  const snapshot = join(dir, `${snapshotName}.json`);
  if (!existsSync(snapshot)) writeFileSync(snapshot, JSON.stringify({ namespaces: ['public'], tables: [] }));
  // The entity schemas as this addon sees them: its models bare, the models it extends with its extensions.
  const restore = appliedModelExtensions();
  try {
    const extended = [...new Set(addon.extensions.map((e) => e.model))];
    applyModelExtensions([]);
    const base = extended.length ? await ownerTables(extended) : new Map<string, TableJson>();
    applyModelExtensions(addon.extensions);
    return await diff(addon, dir, snapshot, snapshotName, base, name);
  } finally {
    applyModelExtensions(restore);
  }
}

/** A table of a MikroORM snapshot, as stored in the JSON file. */
interface TableJson {
  name: string;
  columns: Record<string, unknown>;
  indexes: { keyName: string }[];
  checks: { name: string }[];
  foreignKeys: Record<string, unknown>;
  triggers?: { name: string }[];
  policies?: unknown[];
  rlsEnabled?: boolean;
  rlsForced?: boolean;
  [k: string]: unknown;
}

const offlineOptions = {
  // Never connected: the snapshot is the "before" and nothing is queried.
  clientUrl: 'postgres://offline@127.0.0.1:1/offline',
  discovery: { warnWhenNoEntities: false },
  allowGlobalContext: true,
  connect: false,
};

/** The extended models' tables as their owners declare them (no extension), as snapshot JSON. */
async function ownerTables(models: readonly AnyModel[]): Promise<Map<string, TableJson>> {
  const orm = await MikroORM.init({ ...offlineOptions, entities: entitySchemasOf(models) } as Parameters<
    typeof MikroORM.init
  >[0]);
  try {
    const json = JSON.parse(
      JSON.stringify((orm.schema as unknown as { getTargetSchema(): unknown }).getTargetSchema()),
    ) as { tables: TableJson[] };
    const wanted = new Set(models.map((m) => m.table));
    return new Map(json.tables.filter((t) => wanted.has(t.name)).map((t) => [t.name, t]));
  } finally {
    await orm.close(true);
  }
}

/** `owner` with the extension's own parts (`mine`) laid over it. */
function merged(owner: TableJson, mine: TableJson | undefined): TableJson {
  if (!mine) return owner;
  return {
    ...owner,
    columns: { ...owner.columns, ...mine.columns },
    indexes: [...owner.indexes, ...mine.indexes.filter((i) => !owner.indexes.some((o) => o.keyName === i.keyName))],
    checks: [...owner.checks, ...mine.checks.filter((c) => !owner.checks.some((o) => o.name === c.name))],
    foreignKeys: { ...owner.foreignKeys, ...mine.foreignKeys },
  };
}

/** What of `table` is not the owner's: the extension's columns, indexes, checks and keys. */
function extensionPart(table: TableJson, owner: TableJson): TableJson {
  const drop = <T>(o: Record<string, T>, known: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([k]) => !(k in known)));
  return {
    ...table,
    columns: drop(table.columns, owner.columns),
    indexes: table.indexes.filter((i) => !owner.indexes.some((o) => o.keyName === i.keyName)),
    checks: table.checks.filter((c) => !owner.checks.some((o) => o.name === c.name)),
    foreignKeys: drop(table.foreignKeys, owner.foreignKeys),
    triggers: [],
    policies: [],
    rlsEnabled: false,
    rlsForced: false,
  };
}

function rewriteTables(file: string, fn: (tables: TableJson[]) => TableJson[]): void {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { tables: TableJson[] };
  json.tables = fn(json.tables);
  writeFileSync(file, JSON.stringify(json, null, 2));
}

async function diff(
  addon: AnyAddon,
  dir: string,
  snapshot: string,
  snapshotName: string,
  base: ReadonlyMap<string, TableJson>,
  name: string | undefined,
): Promise<GeneratedMigration> {
  const entities = entitySchemasOf(addon.models, addon.extensions);
  // The addon's tables: its models' and the pivots of their many-to-many relations; and the
  // tables it extends, where the merged "before" limits the diff to its own columns.
  const own = new Set(addon.models.flatMap((m) => [m.table, ...pivotSchemasOf(m).map((p) => p.meta.tableName)]));
  const skipTables = ['core_*', ...entities.map((e) => e.meta.tableName).filter((t) => !own.has(t) && !base.has(t))];
  const before = existingMigrations(dir).length;
  const original = readFileSync(snapshot, 'utf8');
  if (base.size) {
    rewriteTables(snapshot, (tables) => {
      const rest = tables.filter((t) => !base.has(t.name));
      return [
        ...rest,
        ...[...base.values()].map((o) =>
          merged(
            o,
            tables.find((t) => t.name === o.name),
          ),
        ),
      ];
    });
  }
  const orm = await MikroORM.init({
    ...offlineOptions,
    entities,
    extensions: [Migrator],
    schemaGenerator: { skipTables },
    migrations: {
      path: dir,
      snapshot: true,
      snapshotName,
      emit: 'ts',
      generator: generatorFor(addon, dir),
      silent: true,
    },
  } as Parameters<typeof MikroORM.init>[0]);
  try {
    const res = await orm.migrator.create(dir, false, false, name);
    const after = existingMigrations(dir);
    const created = after.length > before ? after.at(-1) : undefined;
    if (!created) writeFileSync(snapshot, original);
    else if (base.size) {
      // Keep only this addon's part of the tables it extends; the owner's part is the owner's.
      rewriteTables(snapshot, (tables) =>
        tables.map((t) => {
          const owner = base.get(t.name);
          return owner ? extensionPart(t, owner) : t;
        }),
      );
    }
    return {
      file: created ? join(dir, created.file) : null,
      className: created?.className ?? null,
      up: res.diff.up.filter((sql) => sql && !TENANT_DEFAULT_CHANGE.test(sql)),
    };
  } catch (err) {
    writeFileSync(snapshot, original);
    throw err;
  } finally {
    await orm.close(true);
  }
}
