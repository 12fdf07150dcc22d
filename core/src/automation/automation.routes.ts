import { createHash } from 'node:crypto';
import { type JsonSchema, NotFoundError } from '@elevate/sdk';
import Router from '@koa/router';
import { withTenantAs } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import type { KernelRouteDoc } from '../http/kernel-routes.docs.ts';
import type { State } from '../http/state.ts';
import { clientIp, setRateLimitHeaders, type Throttle } from '../http/throttle.ts';
import type { Runtime } from '../runtime.ts';
import { dryRun } from './dry-run.ts';
import type { AutomationEngine } from './engine.ts';
import { inboundHooks } from './inbound.ts';
import { AUTOMATION_MANAGE, checkRunFilter, ruleStore } from './rules.ts';
import { ruleTemplates } from './templates.ts';

/** Rules, runs and the catalog under /api/v1/core/automation (permission core.automation.manage). */
export function automationRoutes(r: Router<State>, rt: Runtime, engine: AutomationEngine): void {
  const store = ruleStore(rt, engine);
  const inbound = inboundHooks(rt, engine);
  const req = (s: State) => {
    if (!s.rc || !s.tx) throw new Error('automation route without request context');
    s.rc.require(AUTOMATION_MANAGE);
    return { rc: s.rc, tx: s.tx, enabled: s.rc.enabledAddons };
  };

  r.get('/automation/catalog', (ctx) => {
    const { enabled, rc } = req(ctx.state);
    ctx.body = engine.catalog.forTenant(enabled, rc.user.language);
  });
  r.get('/automation/directory', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.body = await store.directory(tx);
  });
  r.get('/automation/templates', (ctx) => {
    const { enabled, rc } = req(ctx.state);
    const data = ruleTemplates(engine, enabled, rc.user.language);
    ctx.body = { data, total_count: data.length, limit: data.length, offset: 0 };
  });
  r.post('/automation/test-run', async (ctx) => {
    const { rc } = req(ctx.state);
    ctx.body = await dryRun(engine, rc, ctx.request.body);
  });
  r.get('/automation/rules', async (ctx) => {
    const { tx, enabled } = req(ctx.state);
    const data = await store.list(tx, enabled);
    ctx.body = { data, total_count: data.length, limit: data.length, offset: 0 };
  });
  r.post('/automation/rules', async (ctx) => {
    const { rc, tx, enabled } = req(ctx.state);
    ctx.status = 201;
    ctx.body = await store.create(tx, enabled, rc.user.id, ctx.request.body);
  });
  r.get('/automation/rules/:id', async (ctx) => {
    const { tx, enabled } = req(ctx.state);
    ctx.body = await store.get(tx, enabled, ctx.params.id as string);
  });
  r.patch('/automation/rules/:id', async (ctx) => {
    const { tx, enabled } = req(ctx.state);
    ctx.body = await store.update(tx, enabled, ctx.params.id as string, ctx.request.body);
  });
  r.delete('/automation/rules/:id', async (ctx) => {
    const { tx } = req(ctx.state);
    await store.remove(tx, ctx.params.id as string);
    ctx.status = 204;
  });
  r.get('/automation/rules/:id/inbound', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.body = await inbound.get(tx, ctx.params.id as string);
  });
  r.post('/automation/rules/:id/inbound', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    ctx.status = 201;
    ctx.body = await inbound.create(tx, ctx.params.id as string, rc.user.id, ctx.request.body);
  });
  r.post('/automation/rules/:id/inbound/rotate', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.body = await inbound.rotate(tx, ctx.params.id as string, ctx.request.body);
  });
  r.delete('/automation/rules/:id/inbound', async (ctx) => {
    const { tx } = req(ctx.state);
    await inbound.revoke(tx, ctx.params.id as string);
    ctx.status = 204;
  });
  r.get('/automation/runs', async (ctx) => {
    const { tx } = req(ctx.state);
    const q = checkRunFilter({ ...ctx.query });
    ctx.body = await store.runs(tx, q);
  });
  r.get('/automation/runs/:id', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.body = await store.run(tx, ctx.params.id as string);
  });
  r.post('/automation/runs/:id/retry', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.status = 202;
    ctx.body = await store.retry(tx, ctx.params.id as string);
  });
  r.get('/automation/settings', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.body = await store.settings(tx);
  });
  r.put('/automation/settings', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.body = await store.putSettings(tx, ctx.request.body);
  });
}

/**
 * The public side of inbound webhooks: POST /api/v1/core/automation/inbound/:tenant/:token, no
 * session. Counted per token (THROTTLE_INBOUND_TOKEN) before anything is looked up; then the
 * tenant's transaction as the app role (row-level security), actor `inbound:<rule>`.
 */
export function automationInboundRoutes(rt: Runtime, engine: AutomationEngine, limit: Throttle): Router<State> {
  const inbound = inboundHooks(rt, engine);
  const r = new Router<State>();
  r.post('/api/v1/core/automation/inbound/:tenant/:token', async (ctx) => {
    const token = String(ctx.params.token);
    const key = createHash('sha256').update(token).digest('hex').slice(0, 32);
    try {
      setRateLimitHeaders(ctx, await limit.consume(key));
    } catch (err) {
      setRateLimitHeaders(ctx, {
        limit: limit.rate.points,
        remaining: 0,
        resetSec: (err as { retryAfterSec?: number }).retryAfterSec ?? limit.rate.durationSec,
      });
      throw err;
    }
    const tenantId = String(ctx.params.tenant);
    const tenant = isUuid(tenantId) && /^inb_[\w-]{43}$/.test(token) ? await rt.tenantById(tenantId) : null;
    if (!tenant) throw new NotFoundError('Inbound URL');
    const raw = (ctx.request as { rawBody?: unknown }).rawBody;
    const out = await withTenantAs({ actor: 'inbound' }, rt.pools.app, tenant.id, (tx) =>
      inbound.receive(tx, token, {
        headers: ctx.headers,
        contentType: ctx.get('content-type'),
        rawBody: typeof raw === 'string' ? raw : '',
        body: ctx.request.body,
      }),
    );
    ctx.status = out.status;
    ctx.body = out.body;
    ctx.state.log.info(
      { ip: clientIp(ctx), tenant: tenant.slug, runId: out.body.runId },
      'automation inbound delivery',
    );
  });
  return r;
}

const RULE: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    description: { type: 'string' },
    enabled: { type: 'boolean' },
    status: { enum: ['active', 'disabled', 'paused'] },
    pausedReason: { type: ['string', 'null'] },
    trigger: { type: 'object' },
    conditions: { type: ['object', 'null'] },
    actions: { type: 'array', items: { type: 'object' } },
    ownerId: { type: 'string', format: 'uuid' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
};
const RULE_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'trigger', 'actions'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 2000 },
    enabled: { type: 'boolean' },
    trigger: { type: 'object', description: '{ type: event | record | schedule | date, ... } (docs/automation.md)' },
    conditions: {
      type: ['object', 'null'],
      description: 'a condition tree: { field, op, value } or { all | any | not }',
    },
    actions: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'object' } },
  },
};
const PAGE = (item: JsonSchema): JsonSchema => ({
  type: 'object',
  required: ['data', 'total_count', 'limit', 'offset'],
  properties: {
    data: { type: 'array', items: item },
    total_count: { type: 'integer' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
  },
});
const SETTINGS: JsonSchema = {
  type: 'object',
  required: ['retentionDays'],
  additionalProperties: false,
  properties: { retentionDays: { type: 'integer', minimum: 1, maximum: 3650 } },
};
const INBOUND: JsonSchema = {
  type: 'object',
  properties: {
    ruleId: { type: 'string', format: 'uuid' },
    tokenHint: { type: 'string' },
    signed: { type: 'boolean' },
    createdAt: { type: 'string' },
    rotatedAt: { type: ['string', 'null'] },
    lastUsedAt: { type: ['string', 'null'] },
  },
};
const INBOUND_CREATED: JsonSchema = {
  ...INBOUND,
  properties: {
    ...(INBOUND.properties as Record<string, JsonSchema>),
    url: { type: 'string' },
    secret: { type: ['string', 'null'] },
  },
};
const INBOUND_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { signed: { type: 'boolean', description: 'deliveries must carry an HMAC-SHA256 signature' } },
};
const INBOUND_RESULT: JsonSchema = {
  type: 'object',
  properties: {
    runId: { type: ['string', 'null'], format: 'uuid' },
    matched: { type: 'boolean', description: 'the rule’s conditions held (else no run)' },
    duplicate: { type: 'boolean', description: 'this webhook-id was delivered before: its run, not a new one' },
  },
};
const p = AUTOMATION_MANAGE;

/** What the OpenAPI document says about these routes. */
export const automationRouteDocs: Record<string, KernelRouteDoc> = {
  'GET /api/v1/core/automation/catalog': {
    summary: 'Triggers, actions (with their parameter schemas) and models the enabled addons offer to rules',
    permission: p,
    responses: { 200: { type: 'object' } },
  },
  'GET /api/v1/core/automation/directory': {
    summary: 'The company’s active users and its teams, for the builder’s user and team pickers',
    permission: p,
    responses: {
      200: {
        type: 'object',
        required: ['users', 'teams'],
        properties: {
          users: { type: 'array', items: { type: 'object' } },
          teams: { type: 'array', items: { type: 'object' } },
        },
      },
    },
  },
  'GET /api/v1/core/automation/templates': {
    summary: 'Ready-made rules (the common ones) for the enabled addons, to start a rule from',
    permission: p,
    responses: { 200: PAGE({ type: 'object' }) },
  },
  'POST /api/v1/core/automation/test-run': {
    summary:
      'A test run: a rule (not saved) against a sample record or payload; whether its conditions hold and what each step would do, with no side effects',
    permission: p,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['rule'],
      properties: {
        rule: RULE_BODY,
        sample: {
          type: 'object',
          additionalProperties: false,
          properties: { recordId: { type: 'string', format: 'uuid' }, payload: { type: 'object' } },
        },
      },
    },
    responses: { 200: { type: 'object' } },
  },
  'GET /api/v1/core/automation/rules': {
    summary: 'Automation rules, with their status',
    permission: p,
    responses: { 200: PAGE(RULE) },
  },
  'POST /api/v1/core/automation/rules': {
    summary: 'Add a rule (trigger, conditions, ordered actions); the caller becomes its owner',
    permission: p,
    body: RULE_BODY,
    responses: { 201: RULE },
  },
  'GET /api/v1/core/automation/rules/:id': { summary: 'One rule', permission: p, responses: { 200: RULE } },
  'PATCH /api/v1/core/automation/rules/:id': {
    summary: 'Change a rule (enable or disable it)',
    permission: p,
    body: { ...RULE_BODY, required: [] },
    responses: { 200: RULE },
  },
  'DELETE /api/v1/core/automation/rules/:id': {
    summary: 'Remove a rule and its run history',
    permission: p,
    responses: { 204: null },
  },
  'GET /api/v1/core/automation/rules/:id/inbound': {
    summary:
      'The rule’s inbound webhook URL: its token’s first characters, whether it is signed, when it was last used',
    permission: p,
    responses: { 200: INBOUND },
  },
  'POST /api/v1/core/automation/rules/:id/inbound': {
    summary:
      'Make the inbound webhook URL of a rule with an inbound trigger; the URL (with its token) and the secret are shown in this answer only',
    permission: p,
    body: INBOUND_BODY,
    responses: { 201: INBOUND_CREATED },
  },
  'POST /api/v1/core/automation/rules/:id/inbound/rotate': {
    summary: 'A new token (the old URL stops at once) and, when signed, a new secret; shown in this answer only',
    permission: p,
    body: INBOUND_BODY,
    responses: { 200: INBOUND_CREATED },
  },
  'DELETE /api/v1/core/automation/rules/:id/inbound': {
    summary: 'Revoke the rule’s inbound webhook URL',
    permission: p,
    responses: { 204: null },
  },
  'POST /api/v1/core/automation/inbound/:tenant/:token': {
    summary:
      'An inbound webhook delivery (no sign-in): a JSON object that starts one run of the rule, once per webhook-id; signed URLs verify webhook-signature (Standard Webhooks)',
    public: true,
    body: { type: 'object', description: 'any JSON object (the rule’s trigger may give its schema)' },
    responses: {
      200: INBOUND_RESULT,
      202: INBOUND_RESULT,
    },
  },
  'GET /api/v1/core/automation/runs': {
    summary: 'Run history, newest first (filters: rule, status, from/to: created at, from inclusive, to exclusive)',
    permission: p,
    responses: { 200: PAGE({ type: 'object' }) },
  },
  'GET /api/v1/core/automation/runs/:id': {
    summary: 'One run with every step (status, input, output, error, duration)',
    permission: p,
    responses: { 200: { type: 'object' } },
  },
  'POST /api/v1/core/automation/runs/:id/retry': {
    summary: 'Run a failed run again from the step that failed',
    permission: p,
    responses: { 202: { type: 'object' } },
  },
  'GET /api/v1/core/automation/settings': {
    summary: 'How many days run history is kept',
    permission: p,
    responses: { 200: SETTINGS },
  },
  'PUT /api/v1/core/automation/settings': {
    summary: 'Change how many days run history is kept (older runs are purged by the engine)',
    permission: p,
    body: SETTINGS,
    responses: { 200: SETTINGS },
  },
};
