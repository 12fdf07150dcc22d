import {
  CUSTOM_FILTER_OPS,
  CUSTOM_SORT,
  type CustomFieldFilter,
  customFilterQueryProperties,
  customFiltersOf,
  type JsonSchema,
  type RequestContext,
} from '@elevate/sdk';
import { crmErrors } from '../errors.ts';

/**
 * The one filter language of crm lists. REST query strings, GraphQL arguments, saved
 * segments and CSV export all become a ListFilter and run through `listSql`, so a segment or
 * an export shows exactly what the list shows, under the same record rules.
 */
export type ListTarget = 'contact' | 'lead' | 'opportunity';

export interface ListFilter {
  /** Full-text search, prefix-matched and ranked. */
  q?: string;
  kind?: 'person' | 'company';
  companyId?: string;
  /** Contacts carrying all of these tag ids. */
  tagIds?: string[];
  ownerId?: string;
  status?: string;
  pipelineId?: string;
  stageId?: string;
  source?: string;
  city?: string;
  country?: string;
  email?: string;
  minScore?: number;
  minValue?: string;
  createdAfter?: string;
  createdBefore?: string;
  /** Filters on the tenant's custom fields (`custom.<key>[.op]=` in query strings). */
  custom?: CustomFieldFilter[];
}

export interface ListOptions {
  filter: ListFilter;
  /** A sortable column, `-` prefix for descending (e.g. `-createdAt`). */
  sort?: string;
  limit: number;
  offset: number;
}

interface TargetDef {
  table: string;
  /** The model (its custom fields filter and sort the list). */
  model: string;
  permission: string;
  /** filter key → SQL column (only keys valid for the target). */
  columns: Record<string, string>;
  sortable: Record<string, string>;
  defaultSort: string;
}

const common = { ownerId: 'owner_id', source: 'source' };
export const TARGETS: Record<ListTarget, TargetDef> = {
  contact: {
    table: 'crm_contact',
    model: 'crm.contact',
    permission: 'crm.contact.read',
    columns: { ...common, kind: 'kind', companyId: 'company_id', city: 'city', country: 'country' },
    sortable: { name: 'name', createdAt: 'created_at', updatedAt: 'updated_at', city: 'city', email: 'email' },
    defaultSort: 'name',
  },
  lead: {
    table: 'crm_lead',
    model: 'crm.lead',
    permission: 'crm.lead.read',
    columns: { ...common, status: 'status' },
    sortable: { title: 'title', createdAt: 'created_at', updatedAt: 'updated_at', score: 'score', status: 'status' },
    defaultSort: '-createdAt',
  },
  opportunity: {
    table: 'crm_opportunity',
    model: 'crm.opportunity',
    permission: 'crm.opportunity.read',
    columns: { ownerId: 'owner_id', status: 'status', pipelineId: 'pipeline_id', stageId: 'stage_id' },
    sortable: {
      title: 'title',
      createdAt: 'created_at',
      updatedAt: 'updated_at',
      value: 'value',
      expectedCloseDate: 'expected_close_date',
      position: 'position',
    },
    defaultSort: '-createdAt',
  },
};

/** Filter keys that mean something for each target; any other key is refused, naming it. */
export const FILTER_KEYS: Record<ListTarget, readonly (keyof ListFilter)[]> = {
  contact: ['kind', 'companyId', 'tagIds', 'source', 'city', 'country', 'email'],
  lead: ['status', 'source', 'email', 'minScore', 'minValue'],
  opportunity: ['status', 'pipelineId', 'stageId', 'minValue'],
};
export const COMMON_FILTER_KEYS: readonly (keyof ListFilter)[] = [
  'q',
  'ownerId',
  'createdAfter',
  'createdBefore',
  'custom',
];
export const filterKeys = (target: ListTarget) => new Set<string>([...COMMON_FILTER_KEYS, ...FILTER_KEYS[target]]);

const uuid = { type: 'string', format: 'uuid' };
const UUID_SRC = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** JSON schema of a ListFilter (segments store it; REST validates query strings with it). */
export const listFilterSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: 200 },
    kind: { enum: ['person', 'company'] },
    companyId: uuid,
    tagIds: { type: 'array', items: uuid, maxItems: 20 },
    ownerId: uuid,
    status: { type: 'string', maxLength: 40 },
    pipelineId: uuid,
    stageId: uuid,
    source: { type: 'string', maxLength: 60 },
    city: { type: 'string', maxLength: 100 },
    country: { type: 'string', maxLength: 2 },
    email: { type: 'string', maxLength: 320 },
    minScore: { type: 'integer', minimum: -2_147_483_648, maximum: 2_147_483_647 },
    minValue: { type: 'string', pattern: '^-?\\d{1,14}(\\.\\d{1,4})?$' },
    createdAfter: { type: 'string', format: 'date-time' },
    createdBefore: { type: 'string', format: 'date-time' },
    custom: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'op', 'value'],
        properties: {
          key: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
          op: { enum: [...CUSTOM_FILTER_OPS] },
          value: { type: 'string', maxLength: 500 },
        },
      },
    },
  },
};

/** Query-string schema for list endpoints: the filter keys plus paging and sort. */
export function listQuerySchema(target: ListTarget): JsonSchema {
  const keys = filterKeys(target);
  const filters = Object.entries(listFilterSchema.properties as Record<string, JsonSchema>).filter(
    // Query strings carry custom filters as `custom.<key>[.op]=value` (patternProperties below).
    ([k]) => keys.has(k) && k !== 'custom',
  );
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...Object.fromEntries(filters),
      // Query strings carry one tag id or a comma-separated list.
      ...(keys.has('tagIds')
        ? { tagIds: { type: 'string', maxLength: 800, pattern: `^${UUID_SRC}(,${UUID_SRC})*$` } }
        : {}),
      limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
      offset: { type: 'integer', minimum: 0, default: 0 },
      sort: {
        anyOf: [
          { enum: Object.keys(TARGETS[target].sortable).flatMap((k) => [k, `-${k}`]) },
          { type: 'string', pattern: CUSTOM_SORT },
        ],
      },
      segmentId: uuid,
    },
    patternProperties: customFilterQueryProperties,
  };
}

/** Turns words into a prefix tsquery: `ada lov` → `ada:* & lov:*`. Returns null for no words. */
export function prefixQuery(q: string): string | null {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

export interface BuiltQuery {
  /** `from <table> t where ...` (alias `t`), ready for a select list. */
  from: string;
  orderBy: string;
  params: unknown[];
}

/**
 * Builds the WHERE and ORDER BY of a list under the caller's record rules. The caller picks
 * the columns: `select t.* ... ${from} order by ${orderBy} limit ... offset ...`.
 */
export async function listSql(ctx: RequestContext, target: ListTarget, opts: Omit<ListOptions, 'limit' | 'offset'>) {
  const def = TARGETS[target];
  const params: unknown[] = [ctx.tenant.id];
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = ['t.tenant_id = $1'];
  const owners = await ctx.ownerIds(def.permission);
  if (owners) where.push(`t.owner_id = any(${add(owners)}::uuid[])`);
  const f = opts.filter;
  // GraphQL arguments and stored segments arrive here too: a key the target lacks is the caller's mistake.
  const allowed = filterKeys(target);
  for (const [key, v] of Object.entries(f)) {
    if (v !== undefined && v !== null && !allowed.has(key))
      throw crmErrors.badFilter(`${key} does not apply to ${target}s`, key);
  }
  for (const [key, column] of Object.entries(def.columns)) {
    const v = f[key as keyof ListFilter];
    if (v !== undefined && v !== null && v !== '') where.push(`t.${column} = ${add(v)}`);
  }
  if (f.email) where.push(`lower(t.email) = lower(${add(f.email)})`);
  if (f.tagIds?.length) {
    where.push(
      `(select count(*) from crm_contact_tag ct where ct.tenant_id = t.tenant_id and ct.contact_id = t.id and ct.tag_id = any(${add(f.tagIds)}::uuid[])) = ${add(new Set(f.tagIds).size)}`,
    );
  }
  if (f.minScore !== undefined) {
    where.push(`t.score >= ${add(f.minScore)}`);
  }
  if (f.minValue !== undefined) {
    where.push(`t.value >= ${add(f.minValue)}::numeric`);
  }
  if (f.createdAfter) where.push(`t.created_at >= ${add(f.createdAfter)}`);
  if (f.createdBefore) where.push(`t.created_at < ${add(f.createdBefore)}`);
  const sortKey0 = opts.sort ?? '';
  const customSort = /^-?custom\./.test(sortKey0);
  const cf = f.custom?.length || customSort ? await ctx.customFields.sql(def.model, add) : null;
  if (cf && f.custom?.length) where.push(...cf.where(f.custom));
  let rank: string | null = null;
  if (f.q) {
    const tsq = prefixQuery(f.q);
    if (tsq) {
      const p = add(tsq);
      where.push(`t.search @@ to_tsquery('simple', ${p})`);
      rank = `ts_rank(t.search, to_tsquery('simple', ${p}))`;
    }
  }
  const sortKey = opts.sort ?? (rank ? null : def.defaultSort);
  let orderBy: string;
  if (cf && customSort) {
    orderBy = `${cf.orderBy(sortKey0)}, t.id`;
  } else if (sortKey) {
    const desc = sortKey.startsWith('-');
    const column = def.sortable[desc ? sortKey.slice(1) : sortKey];
    if (!column) throw crmErrors.badFilter(`cannot sort by "${sortKey}"`);
    orderBy = `t.${column} ${desc ? 'desc nulls last' : 'asc nulls last'}, t.id`;
  } else {
    orderBy = `${rank} desc, t.id`;
  }
  return { from: `from ${def.table} t where ${where.join(' and ')}`, orderBy, params } satisfies BuiltQuery;
}

/** Parses a REST query (strings) into ListOptions. */
export function fromQuery(q: Record<string, unknown>): ListOptions {
  const {
    limit,
    offset,
    sort,
    segmentId: _s,
    // The shape of the answer, not a filter (see the contacts list).
    fields: _f,
    include: _i,
    count: _c,
    tagIds,
    ...rest
  } = q as Record<string, unknown> & {
    limit: number;
    offset: number;
    sort?: string;
    tagIds?: string;
  };
  const { filters: custom, rest: own } = customFiltersOf(rest);
  const filter: ListFilter = { ...(own as ListFilter), ...(custom.length ? { custom } : {}) };
  if (typeof tagIds === 'string' && tagIds) filter.tagIds = tagIds.split(',').map((s) => s.trim());
  return { filter, ...(sort ? { sort } : {}), limit, offset };
}

/**
 * One page and the total in one statement. The page is cut first (an index can serve the
 * order), the total is a separate count: cheaper than `count(*) over ()`, which sorts every
 * matching row. `select` names columns of the alias `t`.
 */
export function pagedSql(
  select: string,
  q: { from: string; orderBy: string; params: readonly unknown[] },
  limit: number,
  offset: number,
): { sql: string; params: unknown[] } {
  const n = q.params.length;
  return {
    sql: `with page as (select t.* ${q.from} order by ${q.orderBy} limit $${n + 1} offset $${n + 2})
      select ${select}, (select count(*)::int ${q.from}) as "__total" from page t order by ${q.orderBy}`,
    params: [...q.params, limit, offset],
  };
}

/**
 * Ends a page read with `pagedSql`: takes the total off the rows, and past the last page
 * (no rows, so no total) counts separately.
 */
export async function finishPage<T>(
  ctx: RequestContext,
  rows: (T & { __total?: number })[],
  q: { from: string; params: readonly unknown[] },
  offset: number,
): Promise<{ rows: T[]; total: number }> {
  let total = rows[0]?.__total ?? 0;
  if (rows.length === 0 && offset > 0) {
    // Raw SQL, kept: counts with the page's own listSql WHERE (record rules included).
    total = (await ctx.db.query<{ n: number }>(`select count(*)::int as n ${q.from}`, q.params))[0]?.n ?? 0;
  }
  // Rebuilt rather than `delete`d: a deleted key turns each row into a slow dictionary object.
  return { rows: rows.map(({ __total: _, ...r }) => r as T), total };
}
