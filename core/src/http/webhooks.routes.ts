import type Router from '@koa/router';
import type { Runtime } from '../runtime.ts';
import { availableEventTypes, WEBHOOKS_MANAGE, webhookStore } from '../webhooks/webhooks.ts';
import type { State } from './state.ts';
import { compileQuery } from './validate.ts';

const page = compileQuery({
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
});

/** Outgoing webhooks under /api/v1/core/webhooks (permission core.webhooks.manage). */
export function webhookRoutes(r: Router<State>, rt: Runtime): void {
  const req = (s: State) => {
    if (!s.rc || !s.tx) throw new Error('webhook route without request context');
    s.rc.require(WEBHOOKS_MANAGE);
    return { rc: s.rc, tx: s.tx };
  };

  r.get('/webhooks/event-types', async (ctx) => {
    const { rc } = req(ctx.state);
    const data = await availableEventTypes(rt, rc.tenant.id);
    ctx.body = { data, total_count: data.length, limit: data.length, offset: 0 };
  });

  r.get('/webhooks', async (ctx) => {
    const { tx } = req(ctx.state);
    const data = await webhookStore.list(tx);
    ctx.body = { data, total_count: data.length, limit: data.length, offset: 0 };
  });

  r.post('/webhooks', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.status = 201;
    ctx.body = await webhookStore.create(rt, tx, ctx.request.body);
  });

  r.get('/webhooks/:id', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.body = await webhookStore.get(tx, ctx.params.id as string);
  });

  r.patch('/webhooks/:id', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.body = await webhookStore.update(rt, tx, ctx.params.id as string, ctx.request.body);
  });

  r.delete('/webhooks/:id', async (ctx) => {
    const { tx } = req(ctx.state);
    await webhookStore.remove(tx, ctx.params.id as string);
    ctx.status = 204;
  });

  r.post('/webhooks/:id/rotate-secret', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.body = await webhookStore.rotate(tx, ctx.params.id as string);
  });

  r.get('/webhooks/:id/deliveries', async (ctx) => {
    const { tx } = req(ctx.state);
    const q = page({ ...ctx.query }) as { limit: number; offset: number };
    ctx.body = await webhookStore.deliveries(tx, ctx.params.id as string, q.limit, q.offset);
  });

  r.post('/webhooks/:id/deliveries/:deliveryId/redeliver', async (ctx) => {
    const { tx } = req(ctx.state);
    ctx.status = 202;
    ctx.body = await webhookStore.redeliver(rt, tx, ctx.params.id as string, ctx.params.deliveryId as string);
  });
}
