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

export interface FieldDef<T = unknown, R extends boolean = boolean> {
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
}

type Opt<R extends boolean> = FieldOptions & { required?: R };

function field<T, R extends boolean>(
  kind: FieldKind,
  opts: (FieldOptions & { required?: R }) | undefined,
  extra: Partial<FieldDef> = {},
): FieldDef<T, R> {
  return {
    kind,
    required: (opts?.required ?? false) as R,
    personal: opts?.personal ?? false,
    unique: opts?.unique ?? false,
    index: opts?.index ?? false,
    ...extra,
  } as FieldDef<T, R>;
}

/** Field builders. Decimals travel as strings so amounts stay exact. */
export const f = {
  string: <R extends boolean = false>(opts?: Opt<R> & { max?: number }) =>
    field<string, R>('string', opts, { max: opts?.max ?? 255 }),
  text: <R extends boolean = false>(opts?: Opt<R>) => field<string, R>('text', opts),
  integer: <R extends boolean = false>(opts?: Opt<R> & { default?: number }) =>
    field<number, R>(
      'integer',
      opts,
      opts?.default === undefined ? {} : { defaultSql: String(Math.trunc(opts.default)) },
    ),
  decimal: <R extends boolean = false>(opts?: Opt<R> & { precision?: [number, number] }) =>
    field<string, R>('decimal', opts, { precision: opts?.precision ?? [18, 4] }),
  boolean: <R extends boolean = false>(opts?: Opt<R> & { default?: boolean }) =>
    field<boolean, R>(
      'boolean',
      opts,
      opts?.default === undefined ? {} : { defaultSql: String(opts.default) },
    ),
  datetime: <R extends boolean = false>(opts?: Opt<R>) => field<string, R>('datetime', opts),
  date: <R extends boolean = false>(opts?: Opt<R>) => field<string, R>('date', opts),
  json: <T = unknown, R extends boolean = false>(opts?: Opt<R>) => field<T, R>('json', opts),
  uuid: <R extends boolean = false>(opts?: Opt<R>) => field<string, R>('uuid', opts),
  enum: <const V extends readonly string[], R extends boolean = false>(
    values: V,
    opts?: Opt<R> & { default?: V[number] },
  ) =>
    field<V[number], R>('enum', opts, {
      values,
      ...(opts?.default === undefined ? {} : { defaultSql: `'${opts.default}'` }),
    }),
  /** A reference to another tenant-owned model; the foreign key includes tenant_id. */
  ref: <R extends boolean = false>(
    target: () => AnyModel,
    opts?: Opt<R> & { onDelete?: 'restrict' | 'cascade' | 'set null' },
  ) => field<string, R>('ref', opts, { target, onDelete: opts?.onDelete ?? 'restrict' }),
};

export type Fields = Record<string, FieldDef>;

export interface ModelDef<N extends string = string, F extends Fields = Fields> {
  readonly kind: 'model';
  /** `addon.noun`, e.g. `crm.contact`. Stable: it names the table. */
  readonly name: N;
  readonly table: string;
  readonly fields: F;
  readonly indexes: readonly (readonly string[])[];
}

// biome-ignore lint/suspicious/noExplicitAny: variance escape hatch for heterogeneous model lists
export type AnyModel = ModelDef<string, any>;

type ValueOf<D> = D extends FieldDef<infer T, infer R> ? (R extends true ? T : T | null) : never;

/** A row as the repository returns it: audit fields plus the declared fields (camelCase). */
export type Row<M extends AnyModel> = {
  id: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
} & { [K in keyof M['fields']]: ValueOf<M['fields'][K]> };

type RequiredKeys<F extends Fields> = {
  [K in keyof F]: F[K] extends FieldDef<unknown, true> ? (F[K]['defaultSql'] extends string ? never : K) : never;
}[keyof F];

/** What `insert` accepts: required fields must be given, the rest may be. */
export type NewRow<M extends AnyModel> = { id?: string } & {
  [K in RequiredKeys<M['fields']>]: Exclude<ValueOf<M['fields'][K]>, null>;
} & { [K in keyof M['fields']]?: ValueOf<M['fields'][K]> };

export type Patch<M extends AnyModel> = { [K in keyof M['fields']]?: ValueOf<M['fields'][K]> };

const MODEL_NAME = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

export function defineModel<const N extends string, const F extends Fields>(def: {
  name: N;
  fields: F;
  /** Extra indexes, as lists of field names. */
  indexes?: (keyof F & string)[][];
}): ModelDef<N, F> {
  if (!MODEL_NAME.test(def.name)) {
    throw new Error(`Model name "${def.name}" must look like "addon.noun" (lowercase, one dot)`);
  }
  for (const key of Object.keys(def.fields)) {
    if (['id', 'tenantId', 'createdAt', 'updatedAt', 'createdBy'].includes(key)) {
      throw new Error(`Model ${def.name}: field "${key}" is reserved (the SDK adds it)`);
    }
  }
  return {
    kind: 'model',
    name: def.name,
    table: def.name.replace('.', '_'),
    fields: def.fields,
    indexes: def.indexes ?? [],
  };
}

/** camelCase field name → snake_case column name. */
export function columnName(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The column a field is stored in (`ref` fields get an `_id` suffix). */
export function fieldColumn(key: string, def: FieldDef): string {
  return def.kind === 'ref' ? `${columnName(key)}_id` : columnName(key);
}
