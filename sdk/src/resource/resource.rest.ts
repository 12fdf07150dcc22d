import type { JsonSchema, RestRouter } from '../rest.ts';
import type { ListArgs, ResourceDef } from './resource.ts';

/** A list page of rows; `fields` may narrow each row, so no key of a row is required there. */
function pageSchema(row: JsonSchema): JsonSchema {
  const { required: _, title, ...rest } = row;
  // A row whose keys may be missing is a schema of its own: `JournalEntryListItem`, not `JournalEntry`.
  const item = typeof title === 'string' ? { title: `${title}ListItem`, ...rest } : rest;
  return {
    type: 'object',
    required: ['data', 'total_count', 'limit', 'offset'],
    properties: {
      data: { type: 'array', items: item },
      total_count: { type: ['integer', 'null'], description: 'null when the list was asked with count=false' },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
    },
  };
}

/** The REST routes of a resource: GET/POST /<path>, GET/PATCH/DELETE /<path>/:id. */
export function resourceRoutes(res: ResourceDef, r: RestRouter): void {
  const ops = new Set(res.operations);
  const base = `/${res.path}`;
  const name = res.model.name;
  const row = (enabled: ReadonlySet<string>) => res.schemasFor(enabled).row;
  const shapes = (enabled: ReadonlySet<string>) => res.schemasFor(enabled);
  if (ops.has('list')) {
    r.get(
      base,
      {
        permission: res.permission('list'),
        query: (e) => shapes(e).list,
        summary: `List ${name} records`,
        responses: (e) => ({ 200: pageSchema(row(e)) }),
      },
      ({ query, ctx }) => res.list(ctx, query as ListArgs),
    );
  }
  if (ops.has('get')) {
    r.get<{ id: string }>(
      `${base}/:id`,
      { permission: res.permission('get'), summary: `Get one ${name}`, responses: (e) => ({ 200: row(e) }) },
      ({ params, ctx }) => res.get(ctx, params.id),
    );
  }
  if (ops.has('create')) {
    r.post(
      base,
      {
        permission: res.permission('create'),
        body: (e) => shapes(e).create,
        summary: `Create a ${name}`,
        responses: (e) => ({ 201: row(e) }),
      },
      async ({ body, ctx }) => ({ status: 201, body: await res.create(ctx, body as Record<string, unknown>) }),
    );
  }
  if (ops.has('update')) {
    r.patch<{ id: string }>(
      `${base}/:id`,
      {
        permission: res.permission('update'),
        body: (e) => shapes(e).patch,
        summary: `Change a ${name}`,
        responses: (e) => ({ 200: row(e) }),
      },
      ({ params, body, ctx }) => res.update(ctx, params.id, body as Record<string, unknown>),
    );
  }
  if (ops.has('delete')) {
    r.delete<{ id: string }>(
      `${base}/:id`,
      { permission: res.permission('delete'), summary: `Delete a ${name}`, responses: { 204: null } },
      async ({ params, ctx }) => {
        await res.remove(ctx, params.id);
        return { status: 204, body: null };
      },
    );
  }
}
