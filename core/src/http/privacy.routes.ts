import type { JsonSchema } from '@elevate/sdk';
import type Router from '@koa/router';
import { PRIVACY_MANAGE, type PrivacyKind, PrivacyRequests } from '../privacy/privacy.ts';
import type { Runtime } from '../runtime.ts';
import type { KernelRouteDoc } from './kernel-routes.docs.ts';
import type { State } from './state.ts';
import { compileBody } from './validate.ts';

export const privacyRequestBody: JsonSchema = {
  type: 'object',
  required: ['kind', 'email'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['export', 'erase'] },
    email: { type: 'string', minLength: 3, maxLength: 320, description: "the person's email address" },
  },
};
const body = compileBody(privacyRequestBody);

const REQUEST: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['export', 'erase'] },
    email: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['pending', 'running', 'done', 'refused', 'failed'] },
    progress: { type: 'integer' },
    reason: { type: ['string', 'null'] },
    result: { type: ['object', 'null'] },
    downloadable: { type: 'boolean' },
    expiresAt: { type: ['string', 'null'] },
    downloadedAt: { type: ['string', 'null'] },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
  },
};

/** The privacy routes, for the route table and the OpenAPI document. */
export const privacyRouteDocs: Record<string, KernelRouteDoc> = {
  'POST /api/v1/core/privacy/requests': {
    summary: 'Start a privacy request: export or erase everything the enabled addons keep about a person (by email)',
    permission: PRIVACY_MANAGE,
    body: privacyRequestBody,
    responses: { 202: REQUEST },
  },
  'GET /api/v1/core/privacy/requests': {
    summary: 'Privacy requests, newest first, with status and progress',
    permission: PRIVACY_MANAGE,
    responses: { 200: { type: 'object', properties: { data: { type: 'array', items: REQUEST } } } },
  },
  'GET /api/v1/core/privacy/requests/:id': {
    summary: 'One privacy request',
    permission: PRIVACY_MANAGE,
    responses: { 200: REQUEST },
  },
  'GET /api/v1/core/privacy/requests/:id/download': {
    summary: "An export's JSON file: once (it is deleted on download), within 24 hours",
    permission: PRIVACY_MANAGE,
  },
};

/** /privacy/requests under /api/v1/core; every route needs `core.privacy.manage`. */
export function privacyRoutes(r: Router<State>, rt: Runtime): void {
  const svc = new PrivacyRequests(rt);
  const req = (s: State) => {
    if (!s.rc || !s.tx) throw new Error('privacy route without request context');
    s.rc.require(PRIVACY_MANAGE);
    return { tx: s.tx, userId: s.rc.user.id };
  };
  r.post('/privacy/requests', async (ctx) => {
    const { tx, userId } = req(ctx.state);
    const b = body(ctx.request.body) as { kind: PrivacyKind; email: string };
    ctx.status = 202;
    ctx.body = await svc.create(tx, userId, b.kind, b.email);
  });
  r.get('/privacy/requests', async (ctx) => {
    ctx.body = { data: await svc.list(req(ctx.state).tx) };
  });
  r.get('/privacy/requests/:id', async (ctx) => {
    ctx.body = await svc.get(req(ctx.state).tx, ctx.params.id ?? '');
  });
  r.get('/privacy/requests/:id/download', async (ctx) => {
    const { tx } = req(ctx.state);
    const id = ctx.params.id ?? '';
    const doc = await svc.download(tx, id);
    ctx.set('content-disposition', `attachment; filename="privacy-export-${id}.json"`);
    ctx.set('cache-control', 'no-store');
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = JSON.stringify(doc, null, 2);
  });
}
