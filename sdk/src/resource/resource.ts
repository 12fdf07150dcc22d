import { type FilterQuery, raw } from '@mikro-orm/core';
import type { RequestContext } from '../context.ts';
import { CUSTOM_SORT, customFilterQueryProperties, customFiltersOf } from '../custom-fields.ts';
import { type EntityRow, emScope, entitySchemaOf, rowOf } from '../entity.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { AnyModel, FieldDef, Row } from '../model.ts';
import type { JsonSchema } from '../rest.ts';
import { loadManyIds, setManyIds, shapeOf } from './relations.ts';
import { createSchema, fieldSchema, manyKeys, patchSchema, rowSchema } from './schemas.ts';

// A resource is a model offered over the APIs: list/get/create/update/delete on REST and GraphQL,
// derived from the model's fields, validated with the same JSON Schemas, run through ctx.em (so
// the tenant and the caller's record rules apply without a line in the resource).

export type Operation = 'list' | 'get' | 'create' | 'update' | 'delete';

export interface ResourceOptions<M extends AnyModel> {
  /** REST path under /api/v1/<addon>/ (default: the model's noun in the plural, `entries`). */
  path?: string;
  /** GraphQL type name (default: PascalCase of the model name, `JournalEntry`). */
  type?: string;
  /** Plural for GraphQL list fields (default: the type in the plural, `GuestbookEntries`). */
  plural?: string;
  /** Fields a list may filter on by equality (default: enums, booleans, references, uuids). */
  filters?: readonly (keyof M['fields'] & string)[];
  /** Keys a list may sort by (default: createdAt, updatedAt and the filterable/indexed fields). */
  sort?: readonly ((keyof M['fields'] & string) | 'createdAt' | 'updatedAt')[];
  /** Text fields `q` searches (case-insensitive substring). */
  search?: readonly (keyof M['fields'] & string)[];
  /** Fields clients may not write (set by the addon's own logic). */
  readOnly?: readonly (keyof M['fields'] & string)[];
  /** Operations offered (default: all five). */
  operations?: readonly Operation[];
  /** The order of a list that names no `sort` (default: newest first). */
  defaultSort?: { field: (keyof M['fields'] & string) | 'createdAt' | 'updatedAt'; dir?: 'asc' | 'desc' };
  /**
   * Permissions per kind of operation, where the model's access key does not fit (default
   * `<access>.read`, `<access>.write`, `<access>.delete`).
   */
  permissions?: Partial<Record<'read' | 'write' | 'delete', string>>;
  /** Business rules around writes, run in the request's transaction (same ctx.em). */
  hooks?: ResourceHooks<M>;
}

/**
 * What a resource runs around its writes: `beforeWrite` sees the validated input (create) or
 * patch (update) and the stored row (null on create); what it returns is written instead (to
 * normalise values), and what it throws answers the request (a 409 for a taken name).
 * `afterWrite` sees the written row (with its id) and the row before (null on create), in the same
 * transaction: the place to publish an event or enqueue a job, which then exist only if the write
 * commits; what it throws rolls the write back.
 */
export interface ResourceHooks<M extends AnyModel> {
  beforeWrite?(
    ctx: RequestContext,
    input: Record<string, unknown>,
    existing: Row<M> | null,
  ): Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined;
  afterWrite?(ctx: RequestContext, row: Row<M>, before: Row<M> | null): Promise<void> | void;
}

export interface ListArgs {
  limit: number;
  offset: number;
  sort?: string;
  order?: 'asc' | 'desc';
  q?: string;
  /** Comma-separated keys to return (lean responses); all by default. */
  fields?: string;
  /** Counting costs a second statement: only `count=true` asks for it (total_count is null otherwise). */
  count?: boolean;
  [filter: string]: unknown;
}

export interface ResourcePage<M extends AnyModel> {
  data: Partial<Row<M>>[];
  total_count: number | null;
  limit: number;
  offset: number;
}

export interface ResourceDef<M extends AnyModel = AnyModel> {
  readonly kind: 'resource';
  readonly model: M;
  readonly path: string;
  readonly type: string;
  readonly plural: string;
  readonly operations: readonly Operation[];
  readonly filters: readonly string[];
  readonly sort: readonly string[];
  readonly search: readonly string[];
  /** The shapes of the model's own fields (what a tenant without extensions of the model sees). */
  readonly schemas: ResourceSchemas;
  /**
   * The shapes a tenant with these addons enabled sees: the model's fields plus the fields other
   * enabled addons add to it (`extendModel`). Cached per set of extensions.
   */
  schemasFor(enabled: ReadonlySet<string>): ResourceSchemas;
  /** The permission each operation needs (from the model's access key). */
  permission(op: Operation): string;
  list(ctx: RequestContext, args: ListArgs): Promise<ResourcePage<M>>;
  get(ctx: RequestContext, id: string): Promise<Row<M>>;
  create(ctx: RequestContext, input: Record<string, unknown>): Promise<Row<M>>;
  update(ctx: RequestContext, id: string, patch: Record<string, unknown>): Promise<Row<M>>;
  remove(ctx: RequestContext, id: string): Promise<void>;
}

export interface ResourceSchemas {
  row: JsonSchema;
  create: JsonSchema;
  patch: JsonSchema;
  list: JsonSchema;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function pascal(s: string): string {
  return s
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** English plural of a noun for default paths and list names: entry → entries, box → boxes, tax → taxes. */
export function pluralOf(noun: string): string {
  if (/[^aeiou]y$/i.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

/** A list's own parameters (REST query and GraphQL arguments): no filter may take one of these names. */
export const LIST_PARAMETERS = ['limit', 'offset', 'sort', 'order', 'q', 'fields', 'count'] as const;

export function defineResource<M extends AnyModel>(model: M, opts: ResourceOptions<M> = {}): ResourceDef<M> {
  const entity = entitySchemaOf(model);
  const defs = model.fields as Record<string, FieldDef>;
  const noun = model.name.split('.')[1] ?? model.name;
  const type = opts.type ?? pascal(model.name);
  const filters =
    opts.filters ?? Object.keys(defs).filter((k) => ['enum', 'boolean', 'ref', 'uuid'].includes(defs[k]?.kind ?? ''));
  // A filter named like a list parameter would be read as that parameter (`count=true` compared
  // to a uuid column): refused where it is declared, not answered 500 on the first list.
  const clash = filters.find((k) => (LIST_PARAMETERS as readonly string[]).includes(k));
  if (clash) {
    throw new Error(
      `Resource ${model.name}: field "${clash}" cannot be a list filter, "${clash}" is a list parameter ` +
        `(${LIST_PARAMETERS.join(', ')}); rename the field, or leave it out of \`filters\``,
    );
  }
  const sort = opts.sort ?? [
    'createdAt',
    'updatedAt',
    ...new Set([...filters, ...Object.keys(defs).filter((k) => defs[k]?.index || defs[k]?.unique)]),
  ];
  const search = opts.search ?? [];
  const readOnly = opts.readOnly ?? [];
  const many = manyKeys(model);
  const listSchemaOf = (keys: readonly string[]): JsonSchema => ({
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
      offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0 },
      sort: model.customFields
        ? {
            anyOf: [
              { type: 'string', enum: [...sort] },
              { type: 'string', pattern: CUSTOM_SORT },
            ],
          }
        : { type: 'string', enum: [...sort] },
      order: { type: 'string', enum: ['asc', 'desc'] },
      ...(search.length ? { q: { type: 'string', maxLength: 200 } } : {}),
      fields: { type: 'string', pattern: `^(${keys.join('|')})(,(${keys.join('|')}))*$` },
      count: { type: 'boolean', default: false },
      ...Object.fromEntries(filters.map((k) => [k, fieldSchema(defs[k] as FieldDef)])),
    },
    // `custom.<key>[.op]=` filters on the tenant's custom fields.
    ...(model.customFields ? { patternProperties: customFilterQueryProperties } : {}),
    additionalProperties: false,
  });
  // One set of shapes per set of extensions a tenant has enabled (usually one or two per model).
  const shapes = new Map<string, ResourceSchemas & { shape: ReturnType<typeof shapeOf> }>();
  const shapesFor = (enabled: ReadonlySet<string> | null) => {
    const shape = shapeOf(model, enabled ?? new Set());
    const key = shape.exts.length ? shape.keys.join(',') : '';
    let hit = shapes.get(key);
    if (!hit) {
      const fields = shape.exts.length ? shape.fields : undefined;
      hit = {
        shape,
        row: rowSchema(model, fields),
        create: createSchema(model, readOnly, fields),
        patch: patchSchema(model, readOnly, fields),
        list: listSchemaOf([...shape.keys, ...many.map(([k]) => k), ...(model.customFields ? ['custom'] : [])]),
      };
      shapes.set(key, hit);
    }
    return hit;
  };
  const base = shapesFor(null);

  const permission = (op: Operation) => {
    const kind = op === 'list' || op === 'get' ? 'read' : op === 'create' || op === 'update' ? 'write' : 'delete';
    return opts.permissions?.[kind] ?? `${model.access}.${kind}`;
  };
  const hooks = opts.hooks ?? {};
  const order = opts.defaultSort ?? { field: 'createdAt', dir: 'desc' as const };

  /** Writable input as entity data: references become references (tenant-keyed); id lists are set apart. */
  const toData = (ctx: RequestContext, input: Record<string, unknown>, fields: Record<string, FieldDef>) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      if (many.some(([ids]) => ids === k)) continue;
      const def = fields[k];
      out[k] =
        def?.kind === 'ref' && def.target && v !== null
          ? ctx.em.getReference(entitySchemaOf(def.target()), [ctx.tenant.id, v])
          : v;
    }
    return out;
  };

  /** Owned models: a new or changed owner must stay inside the caller's record rule for the operation. */
  const checkOwner = async (ctx: RequestContext, op: 'update' | 'delete', ...owners: unknown[]) => {
    const rules = emScope(ctx.em)?.rules;
    if (!model.owned || !rules) return;
    const ids = await rules.ownerIds(model, op);
    if (ids && owners.some((o) => o !== undefined && (o === null || !ids.includes(o as string)))) {
      throw new ForbiddenError(permission(op === 'update' ? 'update' : 'delete'));
    }
  };

  /** A row with every key the caller's tenant sees, id lists included. */
  const fullRow = async (ctx: RequestContext, e: EntityRow) => {
    const { shape } = shapesFor(ctx.enabledAddons);
    const out = rowOf(model, e, shape.keys, shape.fields);
    if (model.customFields) out.custom = (await ctx.customFields.reader(model))(e.custom);
    for (const [ids, rel] of many) {
      const coll = e[rel] as { isInitialized(): boolean; getItems(): EntityRow[] } | undefined;
      // Just written: the collection knows; otherwise one batched statement.
      out[ids] = coll?.isInitialized()
        ? coll
            .getItems()
            .map((i) => i.id as string)
            .sort()
        : await loadManyIds(ctx, model, rel, e.id as string);
    }
    return out as Row<M>;
  };

  /** Id lists in the input replace the relation's set. */
  const writeMany = async (ctx: RequestContext, e: EntityRow, input: Record<string, unknown>) => {
    for (const [ids, rel] of many) {
      if (Array.isArray(input[ids])) await setManyIds(ctx, model, e, rel, input[ids] as string[]);
    }
  };

  const load = async (ctx: RequestContext, id: string) => {
    const e = UUID.test(id) ? await ctx.em.findOne(entity, { id }) : null;
    if (!e) throw new NotFoundError(model.name);
    return e;
  };

  return {
    kind: 'resource',
    model,
    path: opts.path ?? pluralOf(noun),
    type,
    plural: opts.plural ?? pluralOf(type),
    operations: opts.operations ?? ['list', 'get', 'create', 'update', 'delete'],
    filters,
    sort,
    search,
    schemas: { row: base.row, create: base.create, patch: base.patch, list: base.list },
    schemasFor: (enabled) => shapesFor(enabled),
    permission,

    async list(ctx, args) {
      ctx.require(permission('list'));
      const and: FilterQuery<EntityRow>[] = [];
      for (const k of filters) {
        const v = args[k];
        if (v === undefined) continue;
        and.push({ [k]: defs[k]?.kind === 'ref' ? [ctx.tenant.id, v] : v });
      }
      if (args.q && search.length) {
        const like = `%${likeEscape(args.q)}%`;
        and.push({ $or: search.map((k) => ({ [k]: { $ilike: like } })) });
      }
      // Custom fields: the platform's SQL (the expression the filterable index holds), as raw
      // conditions with their own parameters; unknown or hidden keys are a 422.
      const customFilters = model.customFields ? customFiltersOf(args).filters : [];
      const customSort = model.customFields && args.sort?.startsWith('custom.') ? args.sort : null;
      let sortTerm: Record<string, string> | null = null;
      if (customFilters.length || customSort) {
        let params: unknown[] = [];
        const cf = await ctx.customFields.sql(
          model,
          (v) => {
            params.push(v);
            return '?';
          },
          '',
        );
        for (const f of customFilters) {
          params = [];
          const [cond] = cf.where([f]);
          and.push({ [raw(`(${cond})`, params)]: true });
        }
        if (customSort) {
          const term = cf.orderBy(args.order === 'desc' ? `-${customSort}` : customSort) as string;
          const [expr, dir] = term.split(/ (?=(?:asc|desc) nulls last$)/) as [string, string];
          sortTerm = { [raw(expr)]: dir };
        }
      }
      const where = and.length ? { $and: and } : {};
      const { shape } = shapesFor(ctx.enabledAddons);
      const selected = args.fields
        ? [...new Set(['id', ...args.fields.split(',')])]
        : [...shape.keys, ...(model.customFields ? ['custom'] : [])];
      const rows = await ctx.em.find(entity, where, {
        orderBy: [
          sortTerm ??
            (args.sort ? { [args.sort]: args.order ?? 'asc' } : { [order.field]: args.order ?? order.dir ?? 'asc' }),
          { id: 'asc' },
        ] as never,
        limit: args.limit,
        offset: args.offset,
        disableIdentityMap: true,
      });
      const read = model.customFields && selected.includes('custom') ? await ctx.customFields.reader(model) : null;
      const data = rows.map((e) => {
        const r = rowOf(
          model,
          e,
          selected.filter((k) => !many.some(([ids]) => ids === k) && k !== 'custom'),
          shape.fields,
        );
        if (read) r.custom = read(e.custom);
        return r;
      }) as Partial<Row<M>>[];
      // Id lists only when `fields` names them: one batched statement per relation for the page.
      for (const [ids, rel] of many) {
        if (!selected.includes(ids)) continue;
        const lists = await Promise.all(rows.map((e) => loadManyIds(ctx, model, rel, e.id as string)));
        for (const [i, r] of data.entries()) Object.assign(r, { [ids]: lists[i] });
      }
      let total: number | null = null;
      if (args.count === true) {
        // The page tells the total when it is the last one; otherwise count (a second statement).
        total =
          data.length > 0 && data.length < args.limit
            ? args.offset + data.length
            : data.length === 0 && args.offset === 0
              ? 0
              : await ctx.em.count(entity, where);
      }
      return { data, total_count: total, limit: args.limit, offset: args.offset };
    },

    async get(ctx, id) {
      ctx.require(permission('get'));
      return fullRow(ctx, await load(ctx, id));
    },

    async create(ctx, received) {
      ctx.require(permission('create'));
      const input = (await hooks.beforeWrite?.(ctx, received, null)) ?? received;
      await checkOwner(ctx, 'update', input.ownerId);
      // A null reference is left out: MikroORM would also null tenant_id, which the key shares.
      const { shape } = shapesFor(ctx.enabledAddons);
      const given = Object.fromEntries(
        Object.entries(input).filter(([k, v]) => !(v === null && shape.fields[k]?.kind === 'ref')),
      );
      if (model.customFields) given.custom = await ctx.customFields.prepare(model, input.custom, null);
      const e = ctx.em.create(entity, toData(ctx, given, shape.fields));
      await writeMany(ctx, e, input);
      await ctx.em.flush();
      const row = await fullRow(ctx, e);
      await hooks.afterWrite?.(ctx, row as Row<M>, null);
      return row;
    },

    async update(ctx, id, changes) {
      ctx.require(permission('update'));
      const e = await load(ctx, id);
      const before = rowOf(model, e) as Row<M>;
      const patch = (await hooks.beforeWrite?.(ctx, changes, before)) ?? changes;
      // The unit of work updates by key: the write scope is checked here, on the loaded row.
      await checkOwner(ctx, 'update', e.ownerId, patch.ownerId);
      const data = toData(ctx, patch, shapesFor(ctx.enabledAddons).shape.fields);
      if (model.customFields && patch.custom !== undefined) {
        data.custom = await ctx.customFields.prepare(model, patch.custom, (e.custom as Record<string, unknown>) ?? {});
      }
      ctx.em.assign(e, data);
      await writeMany(ctx, e, patch);
      await ctx.em.flush();
      const row = await fullRow(ctx, e);
      await hooks.afterWrite?.(ctx, row as Row<M>, before);
      return row;
    },

    async remove(ctx, id) {
      ctx.require(permission('delete'));
      if (!UUID.test(id) || (await ctx.em.nativeDelete(entity, { id })) === 0) throw new NotFoundError(model.name);
    },
  };
}
