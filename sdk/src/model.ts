// Models are plain declarations. The SDK adds tenant_id, id, audit columns, the composite
// keys and row-level security; authors never write them.

export type FieldKind =
  | 'string'
  | 'text'
  | 'integer'
  | 'decimal'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'json'
  | 'uuid'
  | 'enum'
  | 'ref';

export interface FieldOptions {
  required?: boolean;
  /** Marks personal data (privacy export/erase). */
  personal?: boolean;
  unique?: boolean;
  index?: boolean;
}

export interface FieldDef<T = unknown, R extends boolean = boolean, D extends boolean = boolean> {
  readonly kind: FieldKind;
  readonly required: R;
  readonly personal: boolean;
  readonly unique: boolean;
  readonly index: boolean;
  readonly max?: number;
  readonly values?: readonly string[];
  readonly precision?: readonly [number, number];
  readonly defaultSql?: string;
  /** For `ref`: the target model, resolved lazily so models may reference each other. */
  readonly target?: () => AnyModel;
  readonly onDelete?: 'restrict' | 'cascade' | 'set null';
  /** Phantom: the TypeScript type of the value. */
  readonly __type?: T;
  /** Phantom: whether the database supplies a default (then inserts may omit it). */
  readonly __default?: D;
}

type Req<O> = O extends { required: true } ? true : false;
type HasDefault<O> = O extends { default: unknown } ? true : false;

function field<T, R extends boolean, D extends boolean = false>(
  kind: FieldKind,
  opts: FieldOptions | undefined,
  extra: Partial<FieldDef> = {},
): FieldDef<T, R, D> {
  return {
    kind,
    required: (opts?.required ?? false) as R,
    personal: opts?.personal ?? false,
    unique: opts?.unique ?? false,
    index: opts?.index ?? false,
    ...extra,
  } as FieldDef<T, R, D>;
}

const sqlLiteral = (v: string) => `'${v.replace(/'/g, "''")}'`;

/**
 * Field builders. `required: true` makes the column NOT NULL and the TypeScript type
 * non-null. Decimals travel as strings so amounts stay exact; timestamps as ISO strings.
 */
export const f = {
  string: <const O extends FieldOptions & { max?: number; default?: string }>(opts?: O) =>
    field<string, Req<O>, HasDefault<O>>('string', opts, {
      max: opts?.max ?? 255,
      ...(opts?.default === undefined ? {} : { defaultSql: sqlLiteral(opts.default) }),
    }),
  text: <const O extends FieldOptions>(opts?: O) => field<string, Req<O>>('text', opts),
  integer: <const O extends FieldOptions & { default?: number }>(opts?: O) =>
    field<number, Req<O>, HasDefault<O>>(
      'integer',
      opts,
      opts?.default === undefined ? {} : { defaultSql: String(Math.trunc(opts.default)) },
    ),
  decimal: <const O extends FieldOptions & { precision?: [number, number] }>(opts?: O) =>
    field<string, Req<O>>('decimal', opts, { precision: opts?.precision ?? [18, 4] }),
  boolean: <const O extends FieldOptions & { default?: boolean }>(opts?: O) =>
    field<boolean, Req<O>, HasDefault<O>>(
      'boolean',
      opts,
      opts?.default === undefined ? {} : { defaultSql: String(opts.default) },
    ),
  datetime: <const O extends FieldOptions & { defaultNow?: boolean }>(opts?: O) =>
    field<string, Req<O>, O extends { defaultNow: true } ? true : false>(
      'datetime',
      opts,
      opts?.defaultNow ? { defaultSql: 'now()' } : {},
    ),
  date: <const O extends FieldOptions>(opts?: O) => field<string, Req<O>>('date', opts),
  /** `f.json<MyShape, true>({ required: true })`: the value type first, then whether it is required. */
  json: <T = unknown, R extends boolean = false>(opts?: FieldOptions & { required?: R }) => field<T, R>('json', opts),
  uuid: <const O extends FieldOptions>(opts?: O) => field<string, Req<O>>('uuid', opts),
  enum: <const V extends readonly string[], const O extends FieldOptions & { default?: V[number] }>(
    values: V,
    opts?: O,
  ) =>
    field<V[number], Req<O>, HasDefault<O>>('enum', opts, {
      values,
      ...(opts?.default === undefined ? {} : { defaultSql: sqlLiteral(opts.default) }),
    }),
  /** A reference to another tenant-owned model; the foreign key includes tenant_id. */
  ref: <const O extends FieldOptions & { onDelete?: 'restrict' | 'cascade' | 'set null' }>(
    target: () => AnyModel,
    opts?: O,
  ) => field<string, Req<O>>('ref', opts, { target, onDelete: opts?.onDelete ?? 'restrict' }),
};

// biome-ignore lint/suspicious/noExplicitAny: fields of any value type
export type Fields = Record<string, FieldDef<any, boolean, boolean>>;

/**
 * A relation that is not a column of the model's table: many-to-many through a tenant-keyed
 * pivot table, or the one-to-many inverse of another model's `ref` field.
 */
export interface RelationDef {
  readonly kind: 'many' | 'hasMany';
  readonly target: () => AnyModel;
  /** many: the pivot table (default `<model table>_<snake key>`). */
  readonly table?: string;
  /** hasMany: the `ref` field of the target model that points here. */
  readonly inverse?: string;
}

export const rel = {
  /**
   * Many-to-many: a pivot table (tenant_id, <model>_id, <target>_id) with both foreign keys
   * through tenant_id, deleted with either side, under the same forced row-level security.
   */
  many: (target: () => AnyModel, opts?: { table?: string }): RelationDef => ({
    kind: 'many',
    target,
    ...(opts?.table ? { table: opts.table } : {}),
  }),
  /** One-to-many: the rows of `target` whose `ref` field `inverse` points at this row. */
  hasMany: (target: () => AnyModel, inverse: string): RelationDef => ({ kind: 'hasMany', target, inverse }),
};

export interface ModelDef<N extends string = string, F extends Fields = Fields, O extends boolean = boolean> {
  readonly kind: 'model';
  /**
   * Owned records carry `owner_id` (a user; the creator by default), which record rules
   * (`member@own`, `manager@team`) filter on.
   */
  readonly owned: O;
  /** `addon.noun`, e.g. `crm.contact`. Stable: it names the table. */
  readonly name: N;
  readonly table: string;
  /**
   * The permission prefix guarding the rows: `<access>.read` to see them, `.write` to change,
   * `.delete` to delete. Record rules (`@own`, `@team`) on those grants filter owned models'
   * rows in the data layer. Defaults to the model name (`crm.contact`).
   */
  readonly access: string;
  readonly fields: F;
  /** Relations that are not columns (many-to-many, one-to-many); see `rel`. */
  readonly relations: Readonly<Record<string, RelationDef>>;
  readonly indexes: readonly (readonly string[])[];
  /** Where the model keeps personal data and how a person is erased (see ModelPrivacy); null: no personal fields. */
  readonly privacy: (Required<Pick<ModelPrivacy, 'subject' | 'erase'>> & Pick<ModelPrivacy, 'hold'>) | null;
  /** Tenant admins may add custom fields (stored in the table's `custom jsonb` column). */
  readonly customFields: boolean;
  /** Changes are written to the audit log (default); false for bookkeeping derived from audited rows. */
  readonly audited: boolean;
}

/**
 * A model's privacy rule (GDPR/CCPA export and erasure). The fields marked `personal: true` are
 * what is exported and erased; this says how a person's rows are found and what erasing does.
 */
export interface ModelPrivacy {
  /** The field holding the person's email, matched case-insensitively. Default: `email` when it is personal. */
  subject?: string;
  /** `anonymise` (default): personal fields become null (required strings "[erased]"); `delete`: the row goes. */
  erase?: 'anonymise' | 'delete';
  /**
   * A reason the row must be kept (erasure is then refused, nothing changes), or null. `row` is
   * the stored row (snake_case column names); `db.query` runs in the erasure's transaction,
   * under the tenant's row-level security.
   */
  hold?: (
    db: { query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> },
    row: Record<string, unknown> & { id: string },
  ) => Promise<string | null> | string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: variance escape hatch for heterogeneous model lists
export type AnyModel = ModelDef<string, any, boolean>;

type ValueOf<D> = D extends FieldDef<infer T, infer R, boolean> ? (R extends true ? T : T | null) : never;

/** A row as the repository returns it: audit fields plus the declared fields (camelCase). */
export type Row<M extends AnyModel> = {
  id: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
} & (M['owned'] extends true ? { ownerId: string | null } : unknown) & {
    [K in keyof M['fields']]: ValueOf<M['fields'][K]>;
  };

type RequiredKeys<F extends Fields> = {
  [K in keyof F]: F[K] extends FieldDef<unknown, true, false> ? K : never;
}[keyof F];

/** What `insert` accepts: required fields must be given, the rest may be. */
export type NewRow<M extends AnyModel> = { id?: string } & CustomWrite &
  (M['owned'] extends true ? { ownerId?: string | null } : unknown) & {
    [K in RequiredKeys<M['fields']>]: Exclude<ValueOf<M['fields'][K]>, null>;
  } & { [K in keyof M['fields']]?: ValueOf<M['fields'][K]> };

/** A write's custom-field document (models with `customFields: true`; validated by ctx.customFields.prepare). */
type CustomWrite = { custom?: Record<string, unknown> };

export type Patch<M extends AnyModel> = CustomWrite &
  (M['owned'] extends true ? { ownerId?: string | null } : unknown) & {
    [K in keyof M['fields']]?: ValueOf<M['fields'][K]>;
  };

const MODEL_NAME = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

export function defineModel<const N extends string, const F extends Fields, const O extends boolean = false>(def: {
  name: N;
  fields: F;
  /** Extra indexes, as lists of field names. */
  indexes?: (keyof F & string)[][];
  /** Adds `ownerId` for record rules (see ModelDef.owned). */
  owned?: O;
  /** Permission prefix guarding the rows (see ModelDef.access); defaults to `name`. */
  access?: string;
  /** Many-to-many and one-to-many relations (`rel.many`, `rel.hasMany`). */
  relations?: Record<string, RelationDef>;
  /** How a person's rows are found and erased (see ModelPrivacy). */
  privacy?: ModelPrivacy;
  /**
   * Opts the model in to custom fields: its table gets `custom jsonb not null default '{}'`
   * (your migration adds it), and tenant admins define fields on it without code.
   */
  customFields?: boolean;
  /**
   * `false`: the table's changes are not written to the audit log, and its audit triggers are
   * removed at the next migrate. Only for rows derived from rows that are audited (inventory's
   * cost layers follow its audited moves), where a row-by-row log entry costs without telling
   * anything new. Default true.
   */
  audited?: boolean;
}): ModelDef<N, F, O> {
  if (!MODEL_NAME.test(def.name)) {
    throw new Error(`Model name "${def.name}" must look like "addon.noun" (lowercase, one dot)`);
  }
  for (const key of [...Object.keys(def.fields), ...Object.keys(def.relations ?? {})]) {
    if (['id', 'tenantId', 'createdAt', 'updatedAt', 'createdBy', 'ownerId', 'custom'].includes(key)) {
      throw new Error(`Model ${def.name}: field "${key}" is reserved (the SDK adds it)`);
    }
    if (key in def.fields && key in (def.relations ?? {})) {
      throw new Error(`Model ${def.name}: "${key}" is both a field and a relation`);
    }
  }
  return {
    kind: 'model',
    owned: (def.owned ?? false) as O,
    name: def.name,
    table: def.name.replace('.', '_'),
    access: def.access ?? def.name,
    fields: def.fields,
    relations: def.relations ?? {},
    indexes: def.indexes ?? [],
    privacy: privacyRule(def.name, def.fields, def.privacy),
    customFields: def.customFields ?? false,
    audited: def.audited ?? true,
  };
}

function privacyRule(name: string, fields: Fields, p: ModelPrivacy | undefined): ModelDef['privacy'] {
  const personal = Object.keys(fields).filter((k) => (fields[k] as FieldDef).personal);
  if (!personal.length) {
    if (p) throw new Error(`Model ${name}: a privacy rule needs fields marked personal`);
    return null;
  }
  const subject = p?.subject ?? 'email';
  if (!personal.includes(subject)) {
    if (p?.subject) throw new Error(`Model ${name}: privacy subject "${subject}" must be a personal field`);
    // Personal data but no email to find the person by: nothing is exported or erased.
    return null;
  }
  return { subject, erase: p?.erase ?? 'anonymise', ...(p?.hold ? { hold: p.hold } : {}) };
}

/** camelCase field name → snake_case column name. */
export function columnName(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The column a field is stored in (`ref` fields get an `_id` suffix). */
export function fieldColumn(key: string, def: FieldDef): string {
  return def.kind === 'ref' ? `${columnName(key)}_id` : columnName(key);
}

const columnCache = new WeakMap<AnyModel, ReadonlyMap<string, string>>();

/** A model's fields plus those of the given extensions (the shape a tenant with them enabled sees). */
export function fieldsWith(model: AnyModel, exts: readonly ModelExtension[]): Record<string, FieldDef> {
  if (!exts.length) return model.fields as Record<string, FieldDef>;
  return Object.assign({}, model.fields, ...exts.map((e) => e.fields)) as Record<string, FieldDef>;
}

/** Every column of a model's rows, field key → column: audit fields, owner, declared fields. */
export function modelColumns(model: AnyModel): ReadonlyMap<string, string> {
  let cols = columnCache.get(model);
  if (!cols) {
    const map = new Map<string, string>([
      ['id', 'id'],
      ['createdAt', 'created_at'],
      ['updatedAt', 'updated_at'],
      ['createdBy', 'created_by'],
    ]);
    if (model.owned) map.set('ownerId', 'owner_id');
    for (const [key, def] of Object.entries(model.fields) as [string, FieldDef][]) map.set(key, fieldColumn(key, def));
    cols = map;
    columnCache.set(model, cols);
  }
  return cols;
}

/**
 * A select list giving rows the repository's shape (`t."stage_id" as "stage", ...`), for
 * hand-written SQL. `alias: ''` leaves columns unqualified; `omit` drops field keys.
 */
export function selectList(model: AnyModel, opts: { alias?: string; omit?: readonly string[] } = {}): string {
  const alias = opts.alias ?? 't';
  const prefix = alias ? `${alias}.` : '';
  return [...modelColumns(model)]
    .filter(([key]) => !opts.omit?.includes(key))
    .map(([key, col]) => `${prefix}"${col}" as "${key}"`)
    .join(', ');
}

/**
 * Fields and relations that another addon adds to a model it does not own (Odoo's `_inherit`,
 * without a second class): listed in the extending addon's `extends`, which must depend on the
 * model's addon. The columns live in the owner's table (its row-level security covers them) and are
 * created by the extending addon's own migrations; the APIs show them only to tenants that have the
 * extending addon enabled. Disabling it hides them; the data stays.
 */
export interface ModelExtension<M extends AnyModel = AnyModel, F extends Fields = Fields> {
  readonly kind: 'model-extension';
  readonly model: M;
  readonly fields: F;
  /** One-to-many only (`rel.hasMany`): the inverse of a `ref` in the extending addon's model. */
  readonly relations: Readonly<Record<string, RelationDef>>;
}

/**
 * The fields an extension adds, as a row of the extended model carries them for a tenant with the
 * extending addon enabled: `Row<typeof Entry> & ExtensionRow<typeof entryExtras>`.
 */
export type ExtensionRow<E extends ModelExtension> = { [K in keyof E['fields']]: ValueOf<E['fields'][K]> };

// Which addon declares an extension: set once by defineAddon (`extends`), read by the resource
// layer to show the extension only to tenants that have that addon enabled.
const extensionOwner = new WeakMap<ModelExtension, string>();
const extensionsByModel = new WeakMap<AnyModel, ModelExtension[]>();

export function extendModel<M extends AnyModel, const F extends Fields = Record<never, never>>(
  model: M,
  def: { fields?: F; relations?: Record<string, RelationDef> },
): ModelExtension<M, F> {
  const fields = (def.fields ?? {}) as F;
  const relations = def.relations ?? {};
  const own = new Set([...modelColumns(model).keys(), ...Object.keys(model.relations), 'tenantId']);
  for (const key of [...Object.keys(fields), ...Object.keys(relations)]) {
    if (own.has(key)) throw new Error(`Extension of ${model.name}: "${key}" is already a field of the model`);
    if (key in fields && key in relations)
      throw new Error(`Extension of ${model.name}: "${key}" is both a field and a relation`);
  }
  for (const [key, r] of Object.entries(relations)) {
    // A pivot table would belong to neither addon cleanly; declare the many-to-many on your own model.
    if (r.kind !== 'hasMany') throw new Error(`Extension of ${model.name}: relation "${key}" must be rel.hasMany`);
  }
  for (const [key, d] of Object.entries(fields) as [string, FieldDef][]) {
    // Existing rows get no value: a required column needs a default.
    if (d.required && d.defaultSql === undefined) {
      throw new Error(`Extension of ${model.name}: required field "${key}" needs a default (existing rows have none)`);
    }
  }
  return { kind: 'model-extension', model, fields, relations };
}

/** Records the addon that declares an extension (defineAddon's `extends`). */
export function claimExtension(ext: ModelExtension, addonId: string): void {
  const prev = extensionOwner.get(ext);
  if (prev && prev !== addonId)
    throw new Error(`Extension of ${ext.model.name} is listed by "${prev}" and "${addonId}"`);
  if (prev) return;
  extensionOwner.set(ext, addonId);
  const list = extensionsByModel.get(ext.model) ?? [];
  list.push(ext);
  extensionsByModel.set(ext.model, list);
}

/** The addon that declares an extension, or undefined before defineAddon listed it. */
export function extensionOwnerOf(ext: ModelExtension): string | undefined {
  return extensionOwner.get(ext);
}

/** The extensions of a model declared by addons in `enabled` (all declared ones without it). */
export function extensionsOf(model: AnyModel, enabled?: ReadonlySet<string>): ModelExtension[] {
  const all = extensionsByModel.get(model) ?? [];
  return enabled ? all.filter((e) => enabled.has(extensionOwner.get(e) ?? '')) : [...all];
}
