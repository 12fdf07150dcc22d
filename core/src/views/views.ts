import {
  type AnyAddon,
  AppError,
  CUSTOM_SORT,
  CustomFieldError,
  customFilterQueryProperties,
  type ErrorDetail,
  type JsonSchema,
  type ListDef,
  NotFoundError,
  type RequestContext,
  ValidationError,
} from '@elevate/sdk';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { isUuid } from '../db/uuid.ts';

// Saved views of addon lists (core_saved_view, core-0019): a list's filters in its own filter
// language, its columns (field paths in order, with widths), sort and density; private to their
// owner or shared with the company; one default view per user and list. Everything here runs in
// the request's transaction as the caller: RLS keeps tenants apart, and a view's count is the
// list's own count under the caller's record rules.

export const DENSITIES = ['comfortable', 'compact'] as const;
export type Density = (typeof DENSITIES)[number];

export interface ViewColumn {
  /** A field path of the list's rows (`email`, `company.name`, `custom.industry`). */
  field: string;
  /** Pixels; absent: the list's own width. */
  width?: number;
}

export interface SavedView {
  id: string;
  list: string;
  name: string;
  ownerId: string;
  shared: boolean;
  filters: Record<string, string>;
  columns: ViewColumn[];
  sort: string | null;
  density: Density;
  /** The caller's default view of this list. */
  isDefault: boolean;
  /** The caller may rename, change or delete it (its owner, or core.views.manage for a shared one). */
  canEdit: boolean;
  /** Rows of the list matching the view's filters as the caller sees them (when asked, and the list counts). */
  count: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface ViewInput {
  list?: string;
  name?: string;
  shared?: boolean;
  filters?: Record<string, string>;
  columns?: ViewColumn[];
  sort?: string | null;
  density?: Density;
}

export const SHARE = 'core.views.share';
export const MANAGE = 'core.views.manage';
const FIELD_PATH = '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*$';

/** The JSON Schema of a view's body (REST and GraphQL inputs are checked with it). */
export const viewSchema = (required: string[]): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties: {
    list: { type: 'string', minLength: 3, maxLength: 120 },
    name: { type: 'string', minLength: 1, maxLength: 120, pattern: '\\S' },
    shared: { type: 'boolean' },
    filters: {
      type: 'object',
      maxProperties: 40,
      additionalProperties: { type: 'string', maxLength: 800 },
    },
    columns: {
      type: 'array',
      maxItems: 60,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['field'],
        properties: {
          field: { type: 'string', maxLength: 200, pattern: FIELD_PATH },
          width: { type: 'integer', minimum: 40, maximum: 2000 },
        },
      },
    },
    sort: { type: ['string', 'null'], maxLength: 200, pattern: `^-?${FIELD_PATH.slice(1)}` },
    density: { enum: [...DENSITIES] },
  },
});

const bodyAjv = new Ajv({ allErrors: true });
const filterAjv = new Ajv({ allErrors: true, coerceTypes: 'array' });
addFormats.default(bodyAjv);
addFormats.default(filterAjv);
const checkCreate = bodyAjv.compile(viewSchema(['list', 'name']));
const checkPatch = bodyAjv.compile(viewSchema([]));

type Check = ReturnType<typeof bodyAjv.compile>;
function bodyDetails(v: Check, prefix = ''): ErrorDetail[] {
  return (v.errors ?? []).map((e) => {
    const at = e.instancePath.slice(1).replace(/\//g, '.');
    const extra =
      e.keyword === 'required'
        ? (e.params as { missingProperty: string }).missingProperty
        : e.keyword === 'additionalProperties'
          ? (e.params as { additionalProperty: string }).additionalProperty
          : '';
    const path = [prefix, at, extra].filter(Boolean).join('.');
    return { path, message: e.keyword === 'additionalProperties' ? 'is not allowed' : (e.message ?? 'is invalid') };
  });
}

interface KnownList {
  id: string;
  addon: string;
  def: ListDef;
  /** Validates and coerces a copy of a view's filters. */
  filters: Check;
}

interface ViewRow {
  id: string;
  list_id: string;
  name: string;
  owner_id: string;
  shared: boolean;
  filters: Record<string, string>;
  columns: ViewColumn[];
  sort: string | null;
  density: Density;
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `select v.id, v.list_id, v.name, v.owner_id, v.shared, v.filters, v.columns, v.sort, v.density,
  v.created_at, v.updated_at,
  exists (select 1 from core_saved_view_default d where d.tenant_id = v.tenant_id and d.user_id = $2
    and d.list_id = v.list_id and d.view_id = v.id) as is_default
  from core_saved_view v`;
/** The views a user sees: their own and the shared ones ($1 tenant, $2 user). */
const VISIBLE = 'v.tenant_id = $1 and (v.shared or v.owner_id = $2)';

export class SavedViews {
  private readonly lists = new Map<string, KnownList>();

  constructor(addons: readonly AnyAddon[]) {
    for (const a of addons) {
      for (const def of a.lists ?? []) {
        const id = `${a.id}.${def.name}`;
        if (this.lists.has(id)) throw new Error(`Addon ${a.id} declares the list "${def.name}" twice`);
        const filters = filterAjv.compile({
          type: 'object',
          additionalProperties: false,
          properties: def.filters,
          ...(def.customFields ? { patternProperties: customFilterQueryProperties } : {}),
        });
        this.lists.set(id, { id, addon: a.id, def, filters });
      }
    }
  }

  /** The lists of the enabled addons the caller may read, by id. */
  catalogue(
    rc: RequestContext,
    enabled: ReadonlySet<string>,
  ): { id: string; filters: string[]; sort: string[] | null }[] {
    return [...this.lists.values()]
      .filter((l) => enabled.has(l.addon) && rc.can(l.def.permission))
      .map((l) => ({ id: l.id, filters: Object.keys(l.def.filters), sort: l.def.sort ? [...l.def.sort] : null }));
  }

  /** A list of an enabled addon, or 404; the caller needs the list's read permission (403). */
  private list(rc: RequestContext, enabled: ReadonlySet<string>, id: string, path = 'list'): KnownList {
    const l = this.lists.get(id);
    if (!l || !enabled.has(l.addon)) {
      throw new AppError('LIST_NOT_FOUND', `No list "${id}" here`, {
        status: 404,
        details: [{ path, message: 'is not a list of an enabled addon' }],
      });
    }
    rc.require(l.def.permission);
    return l;
  }

  /** The list's filters of a view, checked against the list and coerced (for its count). */
  private filtersOf(l: KnownList, filters: Record<string, string>): Record<string, unknown> {
    const copy: Record<string, unknown> = { ...filters };
    if (!l.filters(copy)) throw new ValidationError('Invalid view filters', bodyDetails(l.filters, 'filters'));
    return copy;
  }

  private checkSort(l: KnownList, sort: string | null | undefined): void {
    if (!sort || !l.def.sort) return;
    if (l.def.customFields && new RegExp(CUSTOM_SORT).test(sort)) return;
    if (!l.def.sort.includes(sort.replace(/^-/, ''))) {
      throw new ValidationError('Invalid view', [
        { path: 'sort', message: `must be one of ${l.def.sort.join(', ')} (- for descending)` },
      ]);
    }
  }

  private checkColumns(columns: readonly ViewColumn[] | undefined): void {
    if (!columns) return;
    const seen = new Set<string>();
    for (const [i, c] of columns.entries()) {
      if (seen.has(c.field))
        throw new ValidationError('Invalid view', [{ path: `columns.${i}.field`, message: `names ${c.field} twice` }]);
      seen.add(c.field);
    }
  }

  private async row(rc: RequestContext, id: string): Promise<ViewRow> {
    const rows = isUuid(id)
      ? await rc.db.query<ViewRow>(`${SELECT} where ${VISIBLE} and v.id = $3`, [rc.tenant.id, rc.user.id, id])
      : [];
    if (!rows[0]) throw new NotFoundError('View', { code: 'VIEW_NOT_FOUND' });
    return rows[0];
  }

  private out(rc: RequestContext, r: ViewRow, count: number | null = null): SavedView {
    return {
      id: r.id,
      list: r.list_id,
      name: r.name,
      ownerId: r.owner_id,
      shared: r.shared,
      filters: r.filters,
      columns: r.columns,
      sort: r.sort,
      density: r.density,
      isDefault: r.is_default,
      canEdit: r.owner_id === rc.user.id || (r.shared && rc.can(MANAGE)),
      count,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  }

  /** Only the owner changes a view; a shared one also whoever holds core.views.manage. */
  private mayEdit(rc: RequestContext, r: ViewRow): void {
    if (r.owner_id === rc.user.id) return;
    if (!rc.can(MANAGE)) {
      throw new AppError('VIEW_NOT_OWNER', 'Only the owner of this shared view or an administrator can change it', {
        status: 403,
        details: [
          { message: `Changing another user's shared view needs the permission "${MANAGE}"`, permission: MANAGE },
        ],
      });
    }
  }

  /** The caller's own views of a list and the shared ones (shared first, then by name), with counts on request. */
  async listViews(
    rc: RequestContext,
    enabled: ReadonlySet<string>,
    listId: string,
    opts: { counts?: boolean } = {},
  ): Promise<SavedView[]> {
    const l = this.list(rc, enabled, listId);
    const rows = await rc.db.query<ViewRow>(
      `${SELECT} where ${VISIBLE} and v.list_id = $3 order by v.shared desc, lower(v.name), v.id`,
      [rc.tenant.id, rc.user.id, listId],
    );
    const out: SavedView[] = [];
    for (const r of rows) out.push(this.out(rc, r, opts.counts ? await this.count(rc, l, r.filters) : null));
    return out;
  }

  private async count(rc: RequestContext, l: KnownList, filters: Record<string, string>): Promise<number | null> {
    if (!l.def.count) return null;
    let coerced: Record<string, unknown>;
    try {
      coerced = this.filtersOf(l, filters);
    } catch {
      // A filter the list no longer takes (an addon changed): the view is shown without a count.
      return null;
    }
    try {
      return await l.def.count(rc, coerced);
    } catch (err) {
      // A custom field the view filters on was archived, or is hidden from this user: no count.
      if (err instanceof CustomFieldError) return null;
      throw err;
    }
  }

  async get(
    rc: RequestContext,
    enabled: ReadonlySet<string>,
    id: string,
    opts: { counts?: boolean } = {},
  ): Promise<SavedView> {
    const r = await this.row(rc, id);
    const l = this.list(rc, enabled, r.list_id);
    return this.out(rc, r, opts.counts ? await this.count(rc, l, r.filters) : null);
  }

  async create(rc: RequestContext, enabled: ReadonlySet<string>, body: unknown): Promise<SavedView> {
    const input = (body ?? {}) as ViewInput;
    if (!checkCreate(input)) throw new ValidationError('Invalid view', bodyDetails(checkCreate));
    const l = this.list(rc, enabled, input.list as string);
    if (input.shared) rc.require(SHARE);
    this.filtersOf(l, input.filters ?? {});
    this.checkSort(l, input.sort);
    this.checkColumns(input.columns);
    const rows = await rc.db.query<{ id: string }>(
      `insert into core_saved_view (tenant_id, id, list_id, name, owner_id, shared, filters, columns, sort, density)
       values ($1, gen_random_uuid(), $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
      [
        rc.tenant.id,
        l.id,
        (input.name as string).trim(),
        rc.user.id,
        input.shared ?? false,
        JSON.stringify(input.filters ?? {}),
        JSON.stringify(input.columns ?? []),
        input.sort ?? null,
        input.density ?? 'comfortable',
      ],
    );
    return this.out(rc, await this.row(rc, rows[0]?.id as string));
  }

  async update(rc: RequestContext, enabled: ReadonlySet<string>, id: string, body: unknown): Promise<SavedView> {
    const input = (body ?? {}) as ViewInput;
    if (!checkPatch(input)) throw new ValidationError('Invalid view', bodyDetails(checkPatch));
    if (input.list !== undefined)
      throw new ValidationError('Invalid view', [{ path: 'list', message: 'cannot change; save a new view' }]);
    const r = await this.row(rc, id);
    const l = this.list(rc, enabled, r.list_id);
    this.mayEdit(rc, r);
    if (input.shared && !r.shared) rc.require(SHARE);
    if (input.filters) this.filtersOf(l, input.filters);
    this.checkSort(l, input.sort);
    this.checkColumns(input.columns);
    await rc.db.query(
      `update core_saved_view set
         name = coalesce($3, name), shared = coalesce($4, shared), filters = coalesce($5, filters),
         columns = coalesce($6, columns), sort = case when $7 then $8 else sort end,
         density = coalesce($9, density), updated_at = now()
       where tenant_id = $1 and id = $2`,
      [
        rc.tenant.id,
        r.id,
        input.name?.trim() ?? null,
        input.shared ?? null,
        input.filters ? JSON.stringify(input.filters) : null,
        input.columns ? JSON.stringify(input.columns) : null,
        input.sort !== undefined,
        input.sort ?? null,
        input.density ?? null,
      ],
    );
    // Made private by an administrator who is not its owner: the owner keeps it, the others lose it.
    if (input.shared === false) {
      await rc.db.query('delete from core_saved_view_default where tenant_id = $1 and view_id = $2 and user_id <> $3', [
        rc.tenant.id,
        r.id,
        r.owner_id,
      ]);
    }
    if (input.shared === false && r.owner_id !== rc.user.id)
      return { ...this.out(rc, r), shared: false, canEdit: false };
    return this.out(rc, await this.row(rc, r.id));
  }

  async remove(rc: RequestContext, enabled: ReadonlySet<string>, id: string): Promise<void> {
    const r = await this.row(rc, id);
    this.list(rc, enabled, r.list_id);
    this.mayEdit(rc, r);
    await rc.db.query('delete from core_saved_view where tenant_id = $1 and id = $2', [rc.tenant.id, r.id]);
  }

  /** Makes a view the caller's default for its list (null: the list's own default again). */
  async setDefault(
    rc: RequestContext,
    enabled: ReadonlySet<string>,
    body: unknown,
  ): Promise<{ list: string; viewId: string | null }> {
    const b = (body ?? {}) as { list?: unknown; viewId?: unknown };
    const details: ErrorDetail[] = [];
    if (typeof b.list !== 'string' || !b.list)
      details.push({ path: 'list', message: 'must be a list id like "crm.contacts"' });
    if (b.viewId !== null && typeof b.viewId !== 'string')
      details.push({ path: 'viewId', message: 'must be a view id or null' });
    for (const k of Object.keys(b))
      if (k !== 'list' && k !== 'viewId') details.push({ path: k, message: 'is not allowed' });
    if (details.length) throw new ValidationError('Invalid default view', details);
    const l = this.list(rc, enabled, b.list as string);
    await rc.db.query('delete from core_saved_view_default where tenant_id = $1 and user_id = $2 and list_id = $3', [
      rc.tenant.id,
      rc.user.id,
      l.id,
    ]);
    if (b.viewId === null) return { list: l.id, viewId: null };
    const r = await this.row(rc, b.viewId as string);
    if (r.list_id !== l.id) {
      throw new ValidationError('Invalid default view', [
        { path: 'viewId', message: `is a view of ${r.list_id}, not ${l.id}` },
      ]);
    }
    await rc.db.query(
      'insert into core_saved_view_default (tenant_id, user_id, list_id, view_id) values ($1, $2, $3, $4)',
      [rc.tenant.id, rc.user.id, l.id, r.id],
    );
    return { list: l.id, viewId: r.id };
  }
}
