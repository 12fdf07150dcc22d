import type { JsonSchema } from '@elevate/sdk';
import type Router from '@koa/router';
import type { KernelRouteDoc } from '../http/kernel-routes.docs.ts';
import type { State } from '../http/state.ts';
import { compileQuery } from '../http/validate.ts';
import { MONEY_MANAGE, type RateListQuery, rateStore } from './rates.ts';

const CODE: JsonSchema = { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' };
const DAY: JsonSchema = { type: 'string', format: 'date' };
const RATE: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    from: CODE,
    to: CODE,
    rate: { type: 'string', description: '1 `from` = `rate` `to`, a decimal string' },
    validOn: DAY,
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
const RATE_BODY: JsonSchema = {
  type: 'object',
  required: ['from', 'to', 'rate', 'validOn'],
  additionalProperties: false,
  properties: {
    from: CODE,
    to: CODE,
    rate: { type: 'string', pattern: '^\\d{1,12}(\\.\\d{1,12})?$', description: 'greater than 0, e.g. "1.0825"' },
    validOn: DAY,
  },
};
const SETTINGS: JsonSchema = {
  type: 'object',
  required: ['currency'],
  additionalProperties: false,
  properties: { currency: CODE },
};
const LOOKUP: JsonSchema = {
  type: 'object',
  properties: { from: CODE, to: CODE, rate: { type: 'string' }, validOn: DAY, inverse: { type: 'boolean' } },
};
const PAGE = (item: JsonSchema): JsonSchema => ({
  type: 'object',
  properties: {
    data: { type: 'array', items: item },
    total_count: { type: 'integer' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
  },
});

const listQuery = compileQuery({
  type: 'object',
  additionalProperties: false,
  properties: {
    from: CODE,
    to: CODE,
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
});
const lookupQuery = compileQuery({
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: { from: CODE, to: CODE, date: DAY },
});

export const moneyRouteDocs: Record<string, KernelRouteDoc> = {
  'GET /api/v1/core/money/settings': {
    summary: 'The company currency (USD until it is set)',
    responses: { 200: SETTINGS },
  },
  'PUT /api/v1/core/money/settings': {
    summary: 'Set the company currency (totals are converted into it where rates exist)',
    permission: MONEY_MANAGE,
    body: SETTINGS,
    responses: { 200: SETTINGS },
  },
  'GET /api/v1/core/exchange-rates': {
    summary: 'Exchange rates, newest valid date first (filter by from, to)',
    responses: { 200: PAGE(RATE) },
  },
  'GET /api/v1/core/exchange-rates/lookup': {
    summary:
      'The rate from → to in force on a date (default today): the latest on or before it, else the inverse of the opposite one; 422 NO_EXCHANGE_RATE when neither exists',
    responses: { 200: LOOKUP },
  },
  'POST /api/v1/core/exchange-rates': {
    summary: 'Add a dated exchange rate (one per pair and day)',
    permission: MONEY_MANAGE,
    body: RATE_BODY,
    responses: { 201: RATE },
  },
  'GET /api/v1/core/exchange-rates/:id': { summary: 'One exchange rate', responses: { 200: RATE } },
  'PATCH /api/v1/core/exchange-rates/:id': {
    summary: 'Change an exchange rate',
    permission: MONEY_MANAGE,
    body: { ...RATE_BODY, required: [] },
    responses: { 200: RATE },
  },
  'DELETE /api/v1/core/exchange-rates/:id': {
    summary: 'Delete an exchange rate',
    permission: MONEY_MANAGE,
    responses: { 204: null },
  },
};

/** Company currency and exchange rates under /api/v1/core: every user reads, core.money.manage writes. */
export function moneyRoutes(r: Router<State>): void {
  const req = (s: State, write = false) => {
    if (!s.rc || !s.tx) throw new Error('money route without request context');
    if (write) s.rc.require(MONEY_MANAGE);
    return { rc: s.rc, tx: s.tx };
  };

  r.get('/money/settings', async (ctx) => {
    const { rc } = req(ctx.state);
    ctx.body = { currency: await rc.money.companyCurrency() };
  });

  r.put('/money/settings', async (ctx) => {
    const { tx } = req(ctx.state, true);
    ctx.body = await rateStore.setCompanyCurrency(tx, ctx.request.body);
  });

  r.get('/exchange-rates', async (ctx) => {
    const { tx } = req(ctx.state);
    const q = listQuery({ ...ctx.query }) as unknown as RateListQuery;
    const page = await rateStore.list(tx, q);
    ctx.body = { data: page.rows, total_count: page.total, limit: q.limit, offset: q.offset };
  });

  r.get('/exchange-rates/lookup', async (ctx) => {
    const { rc } = req(ctx.state);
    const q = lookupQuery({ ...ctx.query }) as { from: string; to: string; date?: string };
    ctx.body = await rc.money.rate(q.from, q.to, q.date);
  });

  r.post('/exchange-rates', async (ctx) => {
    const { tx } = req(ctx.state, true);
    ctx.status = 201;
    ctx.body = await rateStore.create(tx, ctx.request.body);
  });

  r.get('/exchange-rates/:id', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.body = await rateStore.get(tx, ctx.params.id as string);
  });

  r.patch('/exchange-rates/:id', async (ctx) => {
    const { tx } = req(ctx.state, true);
    ctx.body = await rateStore.update(tx, ctx.params.id as string, ctx.request.body);
  });

  r.delete('/exchange-rates/:id', async (ctx) => {
    const { tx } = req(ctx.state, true);
    await rateStore.remove(tx, ctx.params.id as string);
    ctx.status = 204;
  });
}
