import type { JsonSchema } from '@elevate/sdk';
import type Router from '@koa/router';
import type { SavedViews } from '../views/views.ts';
import type { KernelRouteDoc } from './kernel-routes.docs.ts';
import type { State } from './state.ts';
import { compileQuery } from './validate.ts';

const VIEW: JsonSchema = {
  type: 'object',
  title: 'SavedView',
  properties: {
    id: { type: 'string', format: 'uuid' },
    list: { type: 'string', description: 'the list: `<addon>.<list>`, e.g. crm.contacts' },
    name: { type: 'string' },
    ownerId: { type: 'string', format: 'uuid' },
    shared: { type: 'boolean' },
    filters: { type: 'object', additionalProperties: { type: 'string' }, description: "the list's filter parameters" },
    columns: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, width: { type: 'integer' } } },
    },
    sort: { type: ['string', 'null'] },
    density: { enum: ['comfortable', 'compact'] },
    isDefault: { type: 'boolean' },
    canEdit: { type: 'boolean' },
    count: { type: ['integer', 'null'], description: 'rows the caller sees (with `counts=true`)' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
const listQuery = compileQuery({
  type: 'object',
  additionalProperties: false,
  required: ['list'],
  properties: { list: { type: 'string', minLength: 1, maxLength: 120 }, counts: { type: 'boolean', default: false } },
});
const getQuery = compileQuery({
  type: 'object',
  additionalProperties: false,
  properties: { counts: { type: 'boolean', default: false } },
});

export const viewsRouteDocs: Record<string, KernelRouteDoc> = {
  'GET /api/v1/core/views': {
    summary:
      "Saved views of a list (`list=crm.contacts`): the caller's own and the shared ones; `counts=true` adds each view's row count as the caller sees it. Needs the list's read permission",
    responses: { 200: { type: 'object', properties: { data: { type: 'array', items: VIEW } } } },
  },
  'GET /api/v1/core/views/lists': {
    summary: 'The lists of the enabled addons that the caller may make views of, with their filter keys',
    responses: { 200: { type: 'object', properties: { data: { type: 'array', items: { type: 'object' } } } } },
  },
  'POST /api/v1/core/views': {
    summary: 'Save a view of a list (shared: needs core.views.share)',
    body: { type: 'object', required: ['list', 'name'], properties: (VIEW as { properties: object }).properties },
    responses: { 201: VIEW },
  },
  'GET /api/v1/core/views/:id': { summary: 'One saved view the caller sees', responses: { 200: VIEW } },
  'PATCH /api/v1/core/views/:id': {
    summary: "Rename or change a view (its owner; another user's shared view needs core.views.manage)",
    responses: { 200: VIEW },
  },
  'DELETE /api/v1/core/views/:id': {
    summary: "Delete a view (its owner; another user's shared view needs core.views.manage)",
    responses: { 204: null },
  },
  'PUT /api/v1/core/views/default': {
    summary: "Set the caller's default view of a list (`{ list, viewId }`; viewId null: none)",
    body: {
      type: 'object',
      required: ['list', 'viewId'],
      properties: { list: { type: 'string' }, viewId: { type: ['string', 'null'], format: 'uuid' } },
    },
    responses: {
      200: { type: 'object', properties: { list: { type: 'string' }, viewId: { type: ['string', 'null'] } } },
    },
  },
};

/** Saved views (views/views.ts): every signed-in user has their own; the list's permission guards each. */
export function viewRoutes(r: Router<State>, views: SavedViews): void {
  const req = (s: State) => {
    if (!s.rc) throw new Error('views route without request context');
    return { rc: s.rc, enabled: s.enabled ?? new Set<string>() };
  };
  r.get('/views', async (ctx) => {
    const { rc, enabled } = req(ctx.state);
    const q = listQuery({ ...ctx.query }) as { list: string; counts: boolean };
    ctx.body = { data: await views.listViews(rc, enabled, q.list, { counts: q.counts }) };
  });
  r.get('/views/lists', (ctx) => {
    const { rc, enabled } = req(ctx.state);
    ctx.body = { data: views.catalogue(rc, enabled) };
  });
  r.put('/views/default', async (ctx) => {
    const { rc, enabled } = req(ctx.state);
    ctx.body = await views.setDefault(rc, enabled, ctx.request.body);
  });
  r.post('/views', async (ctx) => {
    const { rc, enabled } = req(ctx.state);
    ctx.status = 201;
    ctx.body = await views.create(rc, enabled, ctx.request.body);
  });
  r.get('/views/:id', async (ctx) => {
    const { rc, enabled } = req(ctx.state);
    const q = getQuery({ ...ctx.query }) as { counts: boolean };
    ctx.body = await views.get(rc, enabled, ctx.params.id as string, q);
  });
  r.patch('/views/:id', async (ctx) => {
    const { rc, enabled } = req(ctx.state);
    ctx.body = await views.update(rc, enabled, ctx.params.id as string, ctx.request.body);
  });
  r.delete('/views/:id', async (ctx) => {
    const { rc, enabled } = req(ctx.state);
    await views.remove(rc, enabled, ctx.params.id as string);
    ctx.status = 204;
  });
}
