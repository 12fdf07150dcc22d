import type { FilterQuery } from '@mikro-orm/core';
import type { RequestContext } from '../context.ts';
import { type EntityRow, emScope, entitySchemaOf, rowOf } from '../entity.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { type AnyModel, type FieldDef, modelColumns, type Row } from '../model.ts';
import type { JsonSchema } from '../rest.ts';
import { createSchema, fieldSchema, patchSchema, rowSchema } from './schemas.ts';

// A resource is a model offered over the APIs: list/get/create/update/delete on REST and GraphQL,
// derived from the model's fields, validated with the same JSON Schemas, run through ctx.em (so
// the tenant and the caller's record rules apply without a line in the resource).

export type Operation = 'list' | 'get' | 'create' | 'update' | 'delete';

export interface ResourceOptions<M extends AnyModel> {
  /** REST path under /api/v1/<addon>/ (default: the model's noun + 's'). */
  path?: string;
  /** GraphQL type name (default: PascalCase of the model name, `JournalEntry`). */
  type?: string;
  /** Plural for GraphQL list fields (default: type + 's'). */
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
 * What a resource runs before its writes: `beforeWrite` sees the validated input (create) or
 * patch (update) and the stored row (null on create); what it returns is written instead (to
 * normalise values), and what it throws answers the request (a 409 for a taken name).
 */
export interface ResourceHooks<M extends AnyModel> {
  beforeWrite?(
    ctx: RequestContext,
    input: Record<string, unknown>,
    existing: Row<M> | null,
  ): Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined;
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
  readonly schemas: { row: JsonSchema; create: JsonSchema; patch: JsonSchema; list: JsonSchema };
  /** The permission each operation needs (from the model's access key). */
  permission(op: Operation): string;
  list(ctx: RequestContext, args: ListArgs): Promise<ResourcePage<M>>;
  get(ctx: RequestContext, id: string): Promise<Row<M>>;
  create(ctx: RequestContext, input: Record<string, unknown>): Promise<Row<M>>;
  update(ctx: RequestContext, id: string, patch: Record<string, unknown>): Promise<Row<M>>;
  remove(ctx: RequestContext, id: string): Promise<void>;
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

export function defineResource<M extends AnyModel>(model: M, opts: ResourceOptions<M> = {}): ResourceDef<M> {
  const entity = entitySchemaOf(model);
  const defs = model.fields as Record<string, FieldDef>;
  const noun = model.name.split('.')[1] ?? model.name;
  const type = opts.type ?? pascal(model.name);
  const filters =
    opts.filters ?? Object.keys(defs).filter((k) => ['enum', 'boolean', 'ref', 'uuid'].includes(defs[k]?.kind ?? ''));
  const sort = opts.sort ?? [
    'createdAt',
    'updatedAt',
    ...new Set([...filters, ...Object.keys(defs).filter((k) => defs[k]?.index || defs[k]?.unique)]),
  ];
  const search = opts.search ?? [];
  const readOnly = opts.readOnly ?? [];
  const keys = [...modelColumns(model).keys()];

  const listSchema: JsonSchema = {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
      offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0 },
      sort: { type: 'string', enum: [...sort] },
      order: { type: 'string', enum: ['asc', 'desc'] },
      ...(search.length ? { q: { type: 'string', maxLength: 200 } } : {}),
      fields: { type: 'string', pattern: `^(${keys.join('|')})(,(${keys.join('|')}))*$` },
      count: { type: 'boolean', default: false },
      ...Object.fromEntries(filters.map((k) => [k, fieldSchema(defs[k] as FieldDef)])),
    },
    additionalProperties: false,
  };

  const permission = (op: Operation) => {
    const kind = op === 'list' || op === 'get' ? 'read' : op === 'create' || op === 'update' ? 'write' : 'delete';
    return opts.permissions?.[kind] ?? `${model.access}.${kind}`;
  };
  const hooks = opts.hooks ?? {};
  const order = opts.defaultSort ?? { field: 'createdAt', dir: 'desc' as const };

  /** Writable input as entity data: references become references (tenant-keyed). */
  const toData = (ctx: RequestContext, input: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      const def = defs[k];
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

  const load = async (ctx: RequestContext, id: string) => {
    const e = UUID.test(id) ? await ctx.em.findOne(entity, { id }) : null;
    if (!e) throw new NotFoundError(model.name);
    return e;
  };

  return {
    kind: 'resource',
    model,
    path: opts.path ?? `${noun}s`,
    type,
    plural: opts.plural ?? `${type}s`,
    operations: opts.operations ?? ['list', 'get', 'create', 'update', 'delete'],
    filters,
    sort,
    search,
    schemas: {
      row: rowSchema(model),
      create: createSchema(model, readOnly),
      patch: patchSchema(model, readOnly),
      list: listSchema,
    },
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
      const where = and.length ? { $and: and } : {};
      const selected = args.fields ? [...new Set(['id', ...args.fields.split(',')])] : keys;
      const rows = await ctx.em.find(entity, where, {
        orderBy: [
          args.sort ? { [args.sort]: args.order ?? 'asc' } : { [order.field]: args.order ?? order.dir ?? 'asc' },
          { id: 'asc' },
        ],
        limit: args.limit,
        offset: args.offset,
        disableIdentityMap: true,
      });
      const data = rows.map((e) => rowOf(model, e, selected)) as Partial<Row<M>>[];
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
      return rowOf(model, await load(ctx, id)) as Row<M>;
    },

    async create(ctx, received) {
      ctx.require(permission('create'));
      const input = (await hooks.beforeWrite?.(ctx, received, null)) ?? received;
      await checkOwner(ctx, 'update', input.ownerId);
      // A null reference is left out: MikroORM would also null tenant_id, which the key shares.
      const given = Object.fromEntries(
        Object.entries(input).filter(([k, v]) => !(v === null && defs[k]?.kind === 'ref')),
      );
      const e = ctx.em.create(entity, toData(ctx, given));
      await ctx.em.flush();
      return rowOf(model, e) as Row<M>;
    },

    async update(ctx, id, changes) {
      ctx.require(permission('update'));
      const e = await load(ctx, id);
      const patch = (await hooks.beforeWrite?.(ctx, changes, rowOf(model, e) as Row<M>)) ?? changes;
      // The unit of work updates by key: the write scope is checked here, on the loaded row.
      await checkOwner(ctx, 'update', e.ownerId, patch.ownerId);
      ctx.em.assign(e, toData(ctx, patch));
      await ctx.em.flush();
      return rowOf(model, e) as Row<M>;
    },

    async remove(ctx, id) {
      ctx.require(permission('delete'));
      if (!UUID.test(id) || (await ctx.em.nativeDelete(entity, { id })) === 0) throw new NotFoundError(model.name);
    },
  };
}
