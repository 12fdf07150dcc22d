import type Router from '@koa/router';
import type { Runtime } from '../runtime.ts';
import { chooseService, listServices } from '../services/tenant-services.ts';
import type { State } from './state.ts';

/** GET /api/v1/core/services and PUT /api/v1/core/services/:id: which addon implements a service. */
export function servicesRoutes(r: Router<State>, rt: Runtime): void {
  const req = (s: State) => {
    if (!s.rc || !s.tx) throw new Error('services route without request context');
    return { rc: s.rc, tx: s.tx, enabled: s.enabled ?? new Set<string>() };
  };
  r.get('/services', async (ctx) => {
    const { tx, enabled } = req(ctx.state);
    const data = await listServices(rt.services, tx, enabled);
    ctx.body = { data, total_count: data.length, limit: data.length, offset: 0 };
  });
  r.put('/services/:id', async (ctx) => {
    const { rc, tx, enabled } = req(ctx.state);
    rc.require('core.addons.manage');
    const id = ctx.params.id as string;
    await chooseService(rt.services, tx, enabled, id, ctx.request.body);
    ctx.body = (await listServices(rt.services, tx, enabled)).find((s) => s.id === id);
  });
}
