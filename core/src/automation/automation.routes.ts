import type { JsonSchema } from '@elevate/sdk';
import type Router from '@koa/router';
import type { KernelRouteDoc } from '../http/kernel-routes.docs.ts';
import type { State } from '../http/state.ts';
import type { Runtime } from '../runtime.ts';
import { dryRun } from './dry-run.ts';
import type { AutomationEngine } from './engine.ts';
import { AUTOMATION_MANAGE, checkRunFilter, ruleStore } from './rules.ts';
import { ruleTemplates } from './templates.ts';

/** Rules, runs and the catalog under /api/v1/core/automation (permission core.automation.manage). */
export function automationRoutes(r: Router<State>, rt: Runtime, engine: AutomationEngine): void {
  const store = ruleStore(rt, engine);
  const req = (s: State) => {
    if (!s.rc || !s.tx) throw new Error('automation route without request context');
    s.rc.require(AUTOMATION_MANAGE);
    return { rc: s.rc, tx: s.tx, enabled: s.rc.enabledAddons };
  };

  r.get('/automation/catalog', (ctx) => {
    const { enabled } = req(ctx.state);
    ctx.body = engine.catalog.forTenant(enabled);
  });
  r.get('/automation/templates', (ctx) => {
    const { enabled } = req(ctx.state);
    const data = ruleTemplates(engine, enabled);
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
const p = AUTOMATION_MANAGE;

/** What the OpenAPI document says about these routes. */
export const automationRouteDocs: Record<string, KernelRouteDoc> = {
  'GET /api/v1/core/automation/catalog': {
    summary: 'Triggers, actions (with their parameter schemas) and models the enabled addons offer to rules',
    permission: p,
    responses: { 200: { type: 'object' } },
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
