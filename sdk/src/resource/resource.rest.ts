import type { JsonSchema, RestRouter } from '../rest.ts';
import type { ListArgs, ResourceDef } from './resource.ts';

/** A list page of rows; `fields` may narrow each row, so no key of a row is required there. */
function pageSchema(row: JsonSchema): JsonSchema {
  const { required: _, ...item } = row;
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
  const row = res.schemas.row;
  if (ops.has('list')) {
    r.get(
      base,
      {
        permission: res.permission('list'),
        query: res.schemas.list,
        summary: `List ${name} records`,
        responses: { 200: pageSchema(row) },
      },
      ({ query, ctx }) => res.list(ctx, query as ListArgs),
    );
  }
  if (ops.has('get')) {
    r.get<{ id: string }>(
      `${base}/:id`,
      { permission: res.permission('get'), summary: `Get one ${name}`, responses: { 200: row } },
      ({ params, ctx }) => res.get(ctx, params.id),
    );
  }
  if (ops.has('create')) {
    r.post(
      base,
      {
        permission: res.permission('create'),
        body: res.schemas.create,
        summary: `Create a ${name}`,
        responses: { 201: row },
      },
      async ({ body, ctx }) => ({ status: 201, body: await res.create(ctx, body as Record<string, unknown>) }),
    );
  }
  if (ops.has('update')) {
    r.patch<{ id: string }>(
      `${base}/:id`,
      {
        permission: res.permission('update'),
        body: res.schemas.patch,
        summary: `Change a ${name}`,
        responses: { 200: row },
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
