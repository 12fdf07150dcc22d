import type { RequestContext } from './context.ts';
import { hasCustomFields } from './custom-fields.ts';
import type { ResourceDef } from './resource/resource.ts';
import type { JsonSchema } from './rest.ts';

// Lists an addon offers for saved views. A saved view (kernel: core_saved_view, /api/v1/core/views)
// stores a list's filters in the list's own filter language (its query-string parameters), the
// columns shown (field paths, in order, with widths), the sort and the density. The kernel
// validates a view against its list's declaration and counts the list's rows for it with `count`,
// run as the caller (row-level security and record rules apply).

/** A list saved views can be made of. */
export interface ListDef {
  /** The list's name within its addon (`contacts`); the full id is `<addon>.<name>` (`crm.contacts`). */
  name: string;
  /** Needed to see and save the list's views (the list's own read permission). */
  permission: string;
  /**
   * The filters a view may store, by query-string parameter: each a JSON Schema of its value
   * (strings are coerced as in a query string: `"true"`, `"3"`).
   */
  filters: Record<string, JsonSchema>;
  /** Keys a view may sort by (`name`; `-name` descending). Absent: any `-?field` path. */
  sort?: readonly string[];
  /**
   * The list's rows carry custom fields (its model opted in) and its query takes `custom.<key>[.gte|
   * .lte|.contains|.empty]` filters and `custom.<key>` sorts: a view may store those too.
   */
  customFields?: boolean;
  /**
   * How many rows of the list match these filters, as the caller sees them. Filters arrive
   * validated and coerced. Absent: views of this list carry no count.
   */
  count?(ctx: RequestContext, filters: Record<string, unknown>): Promise<number>;
}

export const defineList = (def: ListDef): ListDef => def;

/** Filters a resource list takes (`q` and its equality filters), as a view stores them. */
const RESOURCE_PAGING = new Set(['limit', 'offset', 'sort', 'order', 'fields', 'count']);

/**
 * A resource's list as a ListDef: its filters and `q`, its sort keys (`-key` for descending,
 * sent as `sort` + `order`), and a count through the resource's own list (record rules apply).
 */
export function resourceList(resource: ResourceDef, name: string = resource.path): ListDef {
  const props = (resource.schemas.list as { properties?: Record<string, JsonSchema> }).properties ?? {};
  return {
    name,
    permission: resource.permission('list'),
    filters: Object.fromEntries(Object.entries(props).filter(([k]) => !RESOURCE_PAGING.has(k))),
    sort: resource.sort,
    customFields: hasCustomFields(resource.model),
    async count(ctx, filters) {
      const page = await resource.list(ctx, { ...filters, limit: 1, offset: 0, count: true });
      return page.total_count ?? 0;
    },
  };
}
