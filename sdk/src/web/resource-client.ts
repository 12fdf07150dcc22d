// A typed client for a resource's REST routes (`defineResource(Model)` on the server), so a page
// uses the model's own row shape instead of a hand copy:
//
//   import type { Ticket } from '../../src/ticket.model.ts';   // a type-only import: no server code ships
//   const tickets = resourceClient<typeof Ticket>(kit.api, '/v1/helpdesk/tickets');
//   const page = await tickets.list({ status: 'open', fields: 'subject,status' });
//
// The types are those the server validates with (Row, NewRow, Patch of the model); references
// travel as ids, as on the REST API.
import type { AnyModel, Row as ModelRow, NewRow, Patch } from '../model.ts';
import type { Api } from './api.ts';

/** A model's row as the API returns it (the page's own copy: its fields may be changed in place). */
export type Row<M extends AnyModel> = { -readonly [K in keyof ModelRow<M>]: ModelRow<M>[K] };

/** A page of a resource list, as `GET /<path>` answers it. */
export interface ResourcePage<T> {
  data: T[];
  /** Null unless the list asked `count: true` (counting is a second statement). */
  total_count: number | null;
  limit: number;
  offset: number;
}

/** List arguments: paging, sort, `q`, `fields`, `count` and the resource's equality filters. */
export type ResourceQuery<M extends AnyModel> = {
  limit?: number;
  offset?: number;
  sort?: string;
  order?: 'asc' | 'desc';
  q?: string;
  fields?: string;
  count?: boolean;
} & { [K in keyof Row<M>]?: string | number | boolean | null };

export interface ResourceClient<M extends AnyModel> {
  list(query?: ResourceQuery<M>): Promise<ResourcePage<Row<M>>>;
  get(id: string): Promise<Row<M>>;
  create(input: NewRow<M>): Promise<Row<M>>;
  update(id: string, patch: Patch<M>): Promise<Row<M>>;
  remove(id: string): Promise<void>;
}

/** The REST routes of a resource at `path` (the API's own path: '/v1/<addon>/<resource path>'). */
export function resourceClient<M extends AnyModel>(api: Api, path: string): ResourceClient<M> {
  const one = (id: string) => `${path}/${encodeURIComponent(id)}`;
  return {
    list: (query) => api.get(path, query as Record<string, string | number | boolean | null | undefined>),
    get: (id) => api.get(one(id)),
    create: (input) => api.post(path, input),
    update: (id, patch) => api.patch(one(id), patch),
    remove: (id) => api.delete(one(id)),
  };
}
