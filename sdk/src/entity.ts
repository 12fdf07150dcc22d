import { randomUUID } from 'node:crypto';
import { EntitySchema, type EntitySchemaProperty } from '@mikro-orm/core';
import type { RecordRules } from './context.ts';
import { TENANT_SETTING } from './ddl.ts';
import {
  type AnyModel,
  columnName,
  type FieldDef,
  fieldColumn,
  type ModelExtension,
  modelColumns,
  type RelationDef,
} from './model.ts';

// A model, as declared by its addon, is the one source of its table. This turns it into a
// MikroORM entity schema: tenant_id first in the primary key, every relation's foreign key
// through (tenant_id, <column>), audit columns, the owner column of owned models. The schema
// diff of generated migrations and the request EntityManager both read it.

/** A model's entity as MikroORM sees it: plain objects, property names as the model's keys. */
export type EntityRow = Record<string, unknown>;

// biome-ignore lint/suspicious/noExplicitAny: MikroORM's property builder types are per-entity generics
type Prop = EntitySchemaProperty<any, EntityRow>;

export interface EmScope {
  tenantId: string;
  /** The user on whose behalf rows are written (created_by, default owner). */
  actorId: string | null;
  /** Record rules of the caller; absent for system work (jobs, subscribers, hooks). */
  rules?: RecordRules;
}

interface FilterParamsReader {
  getFilterParams(name: string): Record<string, unknown> | undefined;
}

/**
 * The scope of an EntityManager made by the platform. It travels as the parameters of the
 * `tenant` and `records` filters, which MikroORM copies into every fork (find with
 * disableIdentityMap forks internally), so no fork loses its tenant or its record rules.
 */
export function emScope(em: unknown): EmScope | undefined {
  const reader = em as Partial<FilterParamsReader> | null;
  const tenant = reader?.getFilterParams?.('tenant') as { id?: string; actorId?: string | null } | undefined;
  if (!tenant?.id) return undefined;
  const records = reader?.getFilterParams?.('records') as { rules?: RecordRules } | undefined;
  return { tenantId: tenant.id, actorId: tenant.actorId ?? null, ...(records?.rules ? { rules: records.rules } : {}) };
}

/** The tenant of the current transaction, as row-level security reads it. */
export const CURRENT_TENANT_SQL = `nullif(current_setting('${TENANT_SETTING}', true), '')::uuid`;

const cache = new WeakMap<AnyModel, EntitySchema<EntityRow>>();
const pivotCache = new WeakMap<AnyModel, EntitySchema<EntityRow>[]>();

const tenantPolicy = {
  // Forced row-level security with USING and WITH CHECK: the last line of defence under the ORM filter.
  rowLevelSecurity: 'force' as const,
  policies: [
    {
      name: 'tenant_isolation',
      using: `tenant_id = ${CURRENT_TENANT_SQL}`,
      check: `tenant_id = ${CURRENT_TENANT_SQL}`,
    },
  ],
};

/** `crm.contact` → `contact`: the pivot's column prefix. */
const noun = (m: AnyModel) => m.name.slice(m.name.indexOf('.') + 1);

/**
 * tenant_id, first column of every key (a fresh object per schema: MikroORM writes into them). Known before the insert, so rows created together in
 * one flush (an entry and its new topic) share their tenant through the composite foreign key.
 */
const tenantKey = (): Prop => ({
  type: 'uuid',
  columnType: 'uuid',
  primary: true,
  fieldName: 'tenant_id',
  defaultRaw: CURRENT_TENANT_SQL,
  onCreate: (_e: unknown, em: unknown) => emScope(em)?.tenantId,
});

/**
 * A many-to-one through (tenant_id, <column>): a row can never point into another tenant. Its
 * (tenant_id, <column>) index is declared by the caller, with the migration's name.
 */
function tenantRef(entity: () => EntitySchema<EntityRow>, column: string, extra: Partial<Prop>): Prop {
  return {
    kind: 'm:1',
    entity,
    joinColumns: ['tenant_id', column],
    referencedColumnNames: ['tenant_id', 'id'],
    updateRule: 'no action',
    index: false,
    ...extra,
  } as Prop;
}

/** The pivot table of a many-to-many relation, with its two tenant-keyed foreign keys. */
export function pivotTableOf(model: AnyModel, key: string, def: RelationDef): string {
  return def.table ?? `${model.table}_${columnName(key)}`;
}

function pivotSchema(model: AnyModel, key: string, def: RelationDef): EntitySchema<EntityRow> {
  const target = def.target();
  const [a, b] = [noun(model), noun(target)];
  if (a === b)
    throw new Error(`Model ${model.name}: many-to-many "${key}" to a model of the same noun needs its own model`);
  const table = pivotTableOf(model, key, def);
  const side = (entity: () => EntitySchema<EntityRow>, column: string) =>
    tenantRef(entity, column, { primary: true, deleteRule: 'cascade' });
  return new EntitySchema<EntityRow>({
    name: `${model.name}_${key}`,
    tableName: table,
    properties: {
      tenantId: tenantKey(),
      [a]: side(() => entitySchemaOf(model), `${a}_id`),
      [b]: side(() => entitySchemaOf(target), `${b}_id`),
    } as never,
    // The primary key (tenant_id, a, b) serves lookups from the owner; this one, from the target.
    indexes: [{ name: `${table}_${b}_idx`, properties: ['tenantId', b] }],
    ...tenantPolicy,
    forceConstructor: false,
  });
}

/** Pivot entities of a model's many-to-many relations. */
export function pivotSchemasOf(model: AnyModel): EntitySchema<EntityRow>[] {
  entitySchemaOf(model);
  return pivotCache.get(model) ?? [];
}

// Kinds the database normalises (scale, time zone, key order): an insert reads them back, so the
// row returned is the row stored.
const NORMALISED = new Set(['decimal', 'datetime', 'date', 'json']);

function scalar(def: FieldDef, column: string): Prop {
  const base = {
    fieldName: column,
    nullable: !def.required,
    ...(def.defaultSql ? { defaultRaw: def.defaultSql } : {}),
    ...(NORMALISED.has(def.kind) ? { returning: true } : {}),
  };
  switch (def.kind) {
    case 'string':
      return { ...base, type: 'string', columnType: `varchar(${def.max ?? 255})` };
    case 'text':
      return { ...base, type: 'text', columnType: 'text' };
    case 'integer':
      return { ...base, type: 'integer', columnType: 'int' };
    case 'decimal': {
      const [precision, scale] = def.precision ?? [18, 4];
      return { ...base, type: 'decimal', precision, scale, columnType: `numeric(${precision},${scale})` };
    }
    case 'boolean':
      return { ...base, type: 'boolean', columnType: 'boolean' };
    // Timestamps and dates stay the ISO strings the driver gives (no Date round trip).
    case 'datetime':
      return { ...base, type: 'string', runtimeType: 'string', columnType: 'timestamptz' };
    case 'date':
      return { ...base, type: 'string', runtimeType: 'string', columnType: 'date' };
    case 'json':
      return { ...base, type: 'json', columnType: 'jsonb' };
    case 'uuid':
      return { ...base, type: 'uuid', columnType: 'uuid' };
    case 'enum':
      return { ...base, enum: true, items: [...(def.values ?? [])], type: 'string', columnType: 'varchar(64)' };
    case 'ref':
      throw new Error('refs are relations');
  }
}

/** `on delete` for a tenant-keyed foreign key: `set null` must spare tenant_id (PostgreSQL 15+). */
function deleteRule(def: FieldDef, column: string): string | undefined {
  if (def.onDelete === 'set null') return `set null ("${column}")`;
  if (def.onDelete === 'cascade') return 'cascade';
  return undefined;
}

type Index = { name: string; properties: string[] };

/** Columns of fields (a model's own or an extension's), with their indexes and unique keys. */
function addFields(
  t: string,
  fields: Record<string, FieldDef>,
  properties: Record<string, Prop>,
  indexes: Index[],
  uniques: Index[],
) {
  for (const [key, def] of Object.entries(fields)) {
    const col = fieldColumn(key, def);
    if (def.kind === 'ref' && def.target) {
      const target = def.target;
      properties[key] = tenantRef(() => entitySchemaOf(target()), col, {
        nullable: !def.required,
        deleteRule: deleteRule(def, col) ?? 'no action',
      });
      indexes.push({ name: `${t}_${col}_idx`, properties: ['tenantId', key] });
    } else {
      properties[key] = scalar(def, col);
      if (def.unique) uniques.push({ name: `${t}_tenant_id_${col}_key`, properties: ['tenantId', key] });
      else if (def.index) indexes.push({ name: `${t}_${col}_idx`, properties: ['tenantId', key] });
    }
  }
}

const hasMany = (def: RelationDef): Prop =>
  ({ kind: '1:m', entity: () => entitySchemaOf(def.target()), mappedBy: def.inverse }) as Prop;

/** What each model's entity schema carries of extensions now (so they can be swapped). */
const applied = new WeakMap<AnyModel, { keys: string[]; indexes: string[] }>();
const touchedModels = new Set<AnyModel>();
let current: ModelExtension[] = [];

/** The extensions the entity schemas carry now (the last applyModelExtensions). */
export function appliedModelExtensions(): readonly ModelExtension[] {
  return current;
}

/**
 * Gives each extended model's entity schema the columns and relations of exactly these
 * extensions (those of the installed addons), replacing what an earlier call added. MikroORM
 * copies a schema when an ORM is initialised, so call this before `MikroORM.init`. A process runs
 * one set of installed addons: the platform calls it once, when it creates its ORM.
 */
export function applyModelExtensions(exts: readonly ModelExtension[]): void {
  current = [...exts];
  const byModel = new Map<AnyModel, ModelExtension[]>();
  for (const e of exts) byModel.set(e.model, [...(byModel.get(e.model) ?? []), e]);
  const touched = new Set<AnyModel>([...byModel.keys()]);
  for (const m of [...touchedModels]) if (!byModel.has(m)) touched.add(m);
  for (const model of touched) {
    const meta = entitySchemaOf(model).meta as unknown as {
      properties: Record<string, unknown>;
      indexes: Index[];
      uniques: Index[];
    };
    const prev = applied.get(model);
    for (const k of prev?.keys ?? []) delete meta.properties[k];
    meta.indexes = meta.indexes.filter((i) => !prev?.indexes.includes(i.name));
    meta.uniques = meta.uniques.filter((i) => !prev?.indexes.includes(i.name));
    const properties: Record<string, Prop> = {};
    const indexes: Index[] = [];
    const uniques: Index[] = [];
    for (const ext of byModel.get(model) ?? []) {
      addFields(model.table, ext.fields as Record<string, FieldDef>, properties, indexes, uniques);
      for (const [key, def] of Object.entries(ext.relations)) properties[key] = hasMany(def);
    }
    Object.assign(meta.properties, properties);
    meta.indexes.push(...indexes);
    meta.uniques.push(...uniques);
    applied.set(model, { keys: Object.keys(properties), indexes: [...indexes, ...uniques].map((i) => i.name) });
    if (Object.keys(properties).length) touchedModels.add(model);
    else touchedModels.delete(model);
  }
}

/** The MikroORM entity schema of a model (cached: one per model object). */
export function entitySchemaOf(model: AnyModel): EntitySchema<EntityRow> {
  const hit = cache.get(model);
  if (hit) return hit;
  const t = model.table;
  const properties: Record<string, Prop> = {
    tenantId: tenantKey(),
    // Ids are made here, not by the database default: MikroORM then knows the whole composite key
    // of a new row (with a database-made id it loses tenant_id from the key after the insert).
    id: {
      type: 'uuid',
      columnType: 'uuid',
      primary: true,
      fieldName: 'id',
      defaultRaw: 'gen_random_uuid()',
      onCreate: () => randomUUID(),
    },
  };
  const indexes: Index[] = [];
  const uniques: Index[] = [];
  addFields(t, model.fields as Record<string, FieldDef>, properties, indexes, uniques);
  properties.createdAt = {
    type: 'string',
    runtimeType: 'string',
    columnType: 'timestamptz',
    fieldName: 'created_at',
    defaultRaw: 'now()',
  };
  properties.updatedAt = {
    type: 'string',
    runtimeType: 'string',
    columnType: 'timestamptz',
    fieldName: 'updated_at',
    defaultRaw: 'now()',
    onUpdate: () => new Date().toISOString(),
  };
  const pivots: EntitySchema<EntityRow>[] = [];
  for (const [key, def] of Object.entries(model.relations ?? {})) {
    const target = def.target;
    if (def.kind === 'many') {
      const pivot = pivotSchema(model, key, def);
      pivots.push(pivot);
      properties[key] = {
        kind: 'm:n',
        entity: () => entitySchemaOf(target()),
        pivotEntity: () => pivot,
        owner: true,
      } as Prop;
    } else properties[key] = hasMany(def);
  }
  pivotCache.set(model, pivots);
  // Custom fields: one jsonb document, never a column per field (sdk/src/custom-fields.ts).
  if (model.customFields) {
    properties.custom = { type: 'json', columnType: 'jsonb', fieldName: 'custom', defaultRaw: "'{}'" };
  }
  const actor = (_e: unknown, em: unknown) => emScope(em)?.actorId ?? null;
  properties.createdBy = { type: 'uuid', columnType: 'uuid', fieldName: 'created_by', nullable: true, onCreate: actor };
  if (model.owned) {
    properties.ownerId = { type: 'uuid', columnType: 'uuid', fieldName: 'owner_id', nullable: true, onCreate: actor };
    indexes.push({ name: `${t}_owner_idx`, properties: ['tenantId', 'ownerId'] });
  }
  for (const idx of model.indexes) {
    const cols = idx.map((k) => fieldColumn(k, model.fields[k] as FieldDef));
    const name = `${t}_${cols.join('_')}_idx`;
    // A reference or an `index: true` field already has this index: declaring it again is the same index.
    if (!indexes.some((i) => i.name === name)) indexes.push({ name, properties: ['tenantId', ...idx] });
  }
  const schema = new EntitySchema<EntityRow>({
    name: model.name,
    tableName: t,
    properties: properties as never,
    indexes,
    uniques,
    ...tenantPolicy,
    forceConstructor: false,
  });
  cache.set(model, schema);
  return schema;
}

/**
 * Entity schemas for a list of models, every model they reference or relate to (MikroORM needs
 * the targets) and the pivots of their many-to-many relations.
 */
export function entitySchemasOf(
  models: readonly AnyModel[],
  exts: readonly ModelExtension[] = [],
): EntitySchema<EntityRow>[] {
  const seen = new Set<AnyModel>();
  const visit = (m: AnyModel) => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const def of Object.values(m.fields) as FieldDef[]) if (def.kind === 'ref' && def.target) visit(def.target());
    for (const def of Object.values(m.relations ?? {})) visit(def.target());
  };
  for (const m of models) visit(m);
  for (const e of exts) {
    visit(e.model);
    for (const def of Object.values(e.fields) as FieldDef[]) if (def.kind === 'ref' && def.target) visit(def.target());
    for (const def of Object.values(e.relations)) visit(def.target());
  }
  return [...seen].flatMap((m) => [entitySchemaOf(m), ...pivotSchemasOf(m)]);
}

/** An entity as the APIs return it: the model's keys only, references as ids. */
export function rowOf(
  model: AnyModel,
  e: EntityRow,
  keys?: readonly string[],
  fields: Record<string, FieldDef> = model.fields as Record<string, FieldDef>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys ?? modelColumns(model).keys()) {
    const v = e[key];
    out[key] = fields[key]?.kind === 'ref' ? ((v as { id?: string } | null | undefined)?.id ?? null) : (v ?? null);
  }
  return out;
}
