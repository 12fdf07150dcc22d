import type Router from '@koa/router';
import { readBranding, validateBranding, writeBranding } from '../tenancy/branding.ts';
import type { State } from './state.ts';

/** GET/PUT /api/v1/core/branding: the tenant's logo and primary colour (white label). */
export function brandingRoutes(r: Router<State>): void {
  const tx = (s: State) => {
    if (!s.rc || !s.tx) throw new Error('branding route without request context');
    return { rc: s.rc, tx: s.tx };
  };
  // Every user of the tenant sees the branding (the web app's shell shows it).
  r.get('/branding', async (ctx) => {
    ctx.body = await readBranding(tx(ctx.state).tx);
  });
  r.put('/branding', async (ctx) => {
    const { rc, tx: t } = tx(ctx.state);
    rc.require('core.settings.manage');
    ctx.body = await writeBranding(t, validateBranding(ctx.request.body));
  });
}
