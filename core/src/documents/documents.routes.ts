import { DOCUMENT_KINDS, type JsonSchema, NotFoundError } from '@elevate/sdk';
import Router from '@koa/router';
import { withTenant } from '../db/tenant-tx.ts';
import type { KernelRouteDoc } from '../http/kernel-routes.docs.ts';
import type { State } from '../http/state.ts';
import type { Runtime } from '../runtime.ts';
import { documentContent, renderFor } from './documents.ts';
import { verifyLink } from './links.ts';
import { sampleDocument } from './sample.ts';
import { kindOrThrow, readProfile, readTemplates, writeProfile, writeTemplate } from './templates.ts';

const req = (s: State) => {
  if (!s.rc || !s.tx) throw new Error('documents route without request context');
  return { rc: s.rc, tx: s.tx };
};

/** Under /api/v1/core: the templates per kind and the company profile (admins change them). */
export function documentRoutes(r: Router<State>): void {
  r.get('/documents/templates', async (ctx) => {
    const data = await readTemplates(req(ctx.state).tx);
    ctx.body = { data, total_count: data.length, limit: data.length, offset: 0 };
  });
  r.put('/documents/templates/:kind', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require('core.settings.manage');
    ctx.body = await writeTemplate(tx, kindOrThrow(String(ctx.params.kind)), ctx.request.body);
  });
  r.get('/documents/profile', async (ctx) => {
    ctx.body = await readProfile(req(ctx.state).tx);
  });
  r.put('/documents/profile', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require('core.settings.manage');
    ctx.body = await writeProfile(tx, ctx.request.body);
  });
  // A sample document of the kind with the company's current template: what the settings page previews.
  r.get('/documents/templates/:kind/preview', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    const kind = kindOrThrow(String(ctx.params.kind));
    const pdf = await renderFor(tx, rc.tenant, sampleDocument(kind));
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `inline; filename="${kind}-preview.pdf"`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = pdf;
  });
}

/** GET /api/v1/core/documents/file/:token: a signed, expiring link; no sign-in. */
export function documentFileRoutes(rt: Runtime): Router<State> {
  const r = new Router<State>();
  r.get('/api/v1/core/documents/file/:token', async (ctx) => {
    const { tenantId, documentId } = verifyLink(rt.config.jwtSecret, String(ctx.params.token));
    const file = await withTenant(rt.pools.app, tenantId, (tx) => documentContent(tx, documentId));
    if (!file) throw new NotFoundError('Document');
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `attachment; filename="${file.filename}"`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = file.content;
  });
  return r;
}

const TEMPLATE: JsonSchema = {
  type: 'object',
  properties: {
    kind: { enum: [...DOCUMENT_KINDS] },
    title: { type: ['string', 'null'], maxLength: 80 },
    accentColor: { type: ['string', 'null'], pattern: '^#[0-9a-fA-F]{6}$' },
    logo: { type: ['string', 'null'], description: 'PNG or JPEG data URL; null: the branding logo' },
    showLogo: { type: 'boolean' },
    columns: {
      type: ['array', 'null'],
      items: { enum: ['quantity', 'unit', 'unitPrice', 'discount', 'taxes', 'total'] },
    },
    footerText: { type: ['string', 'null'], maxLength: 2000 },
    defaultNotes: { type: ['string', 'null'], maxLength: 4000 },
  },
};
const PROFILE: JsonSchema = {
  type: 'object',
  properties: {
    legalName: { type: ['string', 'null'], maxLength: 200 },
    address: { type: 'array', maxItems: 8, items: { type: 'string', maxLength: 200 } },
    email: { type: ['string', 'null'], maxLength: 320 },
    phone: { type: ['string', 'null'], maxLength: 50 },
    taxId: { type: ['string', 'null'], maxLength: 50 },
    legalFooter: { type: ['string', 'null'], maxLength: 2000 },
  },
};
const { kind: _k, ...templateInput } = TEMPLATE.properties as Record<string, JsonSchema>;

export const documentRouteDocs: Record<string, KernelRouteDoc> = {
  'GET /api/v1/core/documents/templates': {
    summary: "The company's document template per kind (quote, invoice, delivery); null fields use the defaults",
    responses: { 200: { type: 'object', properties: { data: { type: 'array', items: TEMPLATE } } } },
  },
  'PUT /api/v1/core/documents/templates/:kind': {
    summary: 'Change the template of a kind: title, accent colour, logo, columns, footer, default notes',
    permission: 'core.settings.manage',
    body: { type: 'object', additionalProperties: false, properties: templateInput },
    responses: { 200: TEMPLATE },
  },
  'GET /api/v1/core/documents/templates/:kind/preview': {
    summary: 'A sample document of the kind rendered with the current template (application/pdf)',
    responses: { 200: { type: 'string', format: 'binary' } },
  },
  'GET /api/v1/core/documents/profile': {
    summary: 'The company block and legal footer printed on documents',
    responses: { 200: PROFILE },
  },
  'PUT /api/v1/core/documents/profile': {
    summary: 'Change the company block and legal footer printed on documents',
    permission: 'core.settings.manage',
    body: { ...PROFILE, additionalProperties: false },
    responses: { 200: PROFILE },
  },
  'GET /api/v1/core/documents/file/:token': {
    summary: 'Download a document through its signed, expiring link (403 LINK_INVALID, 410 LINK_EXPIRED)',
    public: true,
    responses: { 200: { type: 'string', format: 'binary' } },
  },
};
