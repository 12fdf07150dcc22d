// Saved views in list pages: the kernel's /v1/core/views for one list, the view in force (from
// `?view=<id>`, or the user's default on a plain visit) and the list's parameters with that view's
// filters and sort laid under what the URL says. The page's load calls `loadListView`; the
// `SavedViews` bar above the list switches, saves and edits views; `DataTable` shows the columns.
import type { Api } from './client.ts';

export type Density = 'comfortable' | 'compact';

/** A column of a view: a field path of the rows, with a width in pixels (absent: the list's own). */
export interface ViewColumn {
  field: string;
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
  isDefault: boolean;
  canEdit: boolean;
  count: number | null;
}

export interface ListView<P extends Record<string, string>> {
  /** The list's id (`crm.contacts`). */
  list: string;
  views: SavedView[];
  /** The view in force, or null (the list as it comes). */
  active: SavedView | null;
  /** The list's parameters: the URL's, over the active view's filters and sort, over the defaults. */
  params: P;
  /** The defaults the page gave (to tell a changed filter from the view's). */
  defaults: P;
  /**
   * Custom-field filters in force (`custom.<key>[.gte|.lte|.contains|.empty]`: the URL's, or the
   * view's), also in `params` (so a saved view stores them); pass them on to the list's API.
   */
  custom: Record<string, string>;
}

/** A custom-field filter's query-string key (`custom.industry`, `custom.size.gte`). */
export const CUSTOM_FILTER_KEY = /^custom\.[a-z][a-z0-9_]{0,39}(\.(gte|lte|contains|empty))?$/;

/** Keys of the list's state that are not filters (paging). */
const NOT_FILTERS = new Set(['offset', 'limit', 'view']);

/**
 * The views of `list` and the list's parameters under the view in force. A URL that names a
 * view (`?view=<id>`) gets that view; a URL with no filter of its own gets the user's default view;
 * any filter in the URL wins over the view's. Without permission to see views: none.
 */
export async function loadListView<P extends Record<string, string>>(
  api: Api,
  list: string,
  url: URL,
  defaults: P,
): Promise<ListView<P>> {
  let views: SavedView[] = [];
  try {
    views = (await api.get<{ data: SavedView[] }>('/v1/core/views', { list, counts: true })).data;
  } catch {
    // No views for this list here (e.g. the kernel answers 403 for a role without the list):
    // the list works as before.
  }
  const id = url.searchParams.get('view');
  const explicit =
    Object.keys(defaults).some((k) => !NOT_FILTERS.has(k) && url.searchParams.has(k)) ||
    [...url.searchParams.keys()].some((k) => CUSTOM_FILTER_KEY.test(k));
  // `?view=` (empty) is "All": neither a view nor the default.
  const active =
    (id ? views.find((v) => v.id === id) : explicit || id === '' ? undefined : views.find((v) => v.isDefault)) ?? null;
  const params = { ...defaults } as Record<string, string>;
  // A URL naming the view carries its filters (viewHref), and what the user changed since: it is
  // read as it is. The default view, opened by a plain visit, brings its own.
  if (active && !id) {
    for (const [k, v] of Object.entries(active.filters)) if (k in defaults) params[k] = v;
    if (active.sort && 'sort' in defaults) params.sort = active.sort;
  }
  for (const k of Object.keys(defaults)) {
    const v = url.searchParams.get(k);
    if (v !== null) params[k] = v;
  }
  const custom: Record<string, string> = {};
  if (active && !id)
    for (const [k, v] of Object.entries(active.filters)) if (CUSTOM_FILTER_KEY.test(k) && v) custom[k] = v;
  for (const [k, v] of url.searchParams) {
    if (!CUSTOM_FILTER_KEY.test(k)) continue;
    if (v) custom[k] = v;
    else delete custom[k];
  }
  Object.assign(params, custom);
  return { list, views, active, params: params as P, defaults, custom };
}

/** The filters and sort of the list's parameters as a view stores them (defaults left out). */
export function viewFiltersOf(params: Record<string, string>, defaults: Record<string, string>) {
  const filters: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (NOT_FILTERS.has(k) || k === 'sort' || !v) continue;
    filters[k] = v;
  }
  const sort = params.sort && params.sort !== defaults.sort ? params.sort : null;
  return { filters, sort };
}

/** The link that opens a view: its filters and sort in the query string, with `view=<id>`. */
export function viewHref(path: string, view: SavedView | null): string {
  const q = new URLSearchParams();
  if (view) {
    q.set('view', view.id);
    for (const [k, v] of Object.entries(view.filters)) q.set(k, v);
    if (view.sort) q.set('sort', view.sort);
  } else {
    // "All": no view, and no default view either (an explicit empty filter).
    q.set('view', '');
  }
  return `${path}?${q}`;
}
