import { NotFoundError } from '@elevate/sdk';
import type Router from '@koa/router';
import { withTenant } from '../db/tenant-tx.ts';
import { verifyLink } from '../documents/links.ts';
import type { Exports } from '../exports/exports.ts';
import type { Runtime } from '../runtime.ts';
import type { KernelRouteDoc } from './kernel-routes.docs.ts';
import type { State } from './state.ts';
import { compileBody } from './validate.ts';

const startBody = compileBody({
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 80 },
    params: { type: 'object' },
  },
});

const EXPORT = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    status: { enum: ['queued', 'running', 'done', 'failed'] },
    rows: { type: ['integer', 'null'] },
    filename: { type: ['string', 'null'] },
    size: { type: ['integer', 'null'] },
    error: { type: ['string', 'null'] },
    url: { type: 'string', description: 'while downloadable: a signed link valid until expiresAt' },
  },
} as const;

export const exportRouteDocs: Record<string, KernelRouteDoc> = {
  'POST /api/v1/core/exports': {
    summary:
      'Start a background export of an enabled addon (`name`, e.g. `crm.contacts`; `params`: its filters): 202 with its status; the caller is notified when the file is ready',
    body: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, params: { type: 'object' } } },
    responses: { 202: EXPORT },
  },
  'GET /api/v1/core/exports': {
    summary: "The caller's own exports, newest first (50)",
    responses: { 200: { type: 'object' } },
  },
  'GET /api/v1/core/exports/:id': {
    summary: "One of the caller's exports: status, rows, and `url` (signed, 24 hours) once done",
    responses: { 200: EXPORT },
  },
  'GET /api/v1/core/exports/:id/download': { summary: "Download one of the caller's finished exports" },
  'GET /api/v1/core/export-files/:token': {
    summary: 'Download an export through its signed, expiring link (403 LINK_INVALID, 410 LINK_EXPIRED)',
    public: true,
  },
};

/** /api/v1/core/exports: the caller's own background exports (no permission of their own; each export's is checked). */
export function exportRoutes(r: Router<State>, exports: Exports): void {
  const req = (s: State) => {
    if (!s.rc || !s.tx) throw new Error('export route without request context');
    return { rc: s.rc, tx: s.tx };
  };
  r.post('/exports', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    const body = startBody(ctx.request.body) as { name: string; params?: Record<string, unknown> };
    const { def } = exports.find(body.name, rc.enabledAddons);
    rc.require(def.permission);
    ctx.status = 202;
    ctx.body = await exports.start(tx, rc.user.id, def, body.params ?? {});
  });
  r.get('/exports', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    const data = await exports.list(tx, rc.user.id);
    ctx.body = { data, total_count: data.length, limit: 50, offset: 0 };
  });
  r.get('/exports/:id', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    ctx.body = await exports.get(tx, rc.user.id, String(ctx.params.id));
  });
  r.get('/exports/:id/download', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    const view = await exports.get(tx, rc.user.id, String(ctx.params.id));
    const file = view.status === 'done' ? await exports.content(tx, view.id) : null;
    if (!file) throw new NotFoundError('Export file');
    send(ctx, file);
  });
}

/** GET /api/v1/core/export-files/:token: a signed, expiring link; no sign-in (on the documents' public router). */
export function exportFileRoutes(rt: Runtime, exports: Exports, r: Router<State>): Router<State> {
  r.get('/api/v1/core/export-files/:token', async (ctx) => {
    const { tenantId, documentId } = verifyLink(rt.config.jwtSecret, String(ctx.params.token), undefined, 'export');
    const file = await withTenant(rt.pools.app, tenantId, (tx) => exports.content(tx, documentId));
    if (!file) throw new NotFoundError('Export');
    send(ctx, file);
  });
  return r;
}

function send(
  ctx: { type: string; set(k: string, v: string): void; body: unknown },
  file: { filename: string; content_type: string; content: Buffer },
) {
  ctx.type = file.content_type;
  ctx.set('Content-Disposition', `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`);
  ctx.set('Cache-Control', 'private, no-store');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = file.content;
}
