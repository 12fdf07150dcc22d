import { type AnyAddon, NotFoundError, type PublicContext, type PublicHandler, type PublicRequest } from '@elevate/sdk';
import Router from '@koa/router';
import type Koa from 'koa';
import { systemContext } from '../context/context.ts';
import { TenantTx } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import type { Runtime } from '../runtime.ts';
import { collectRoutes, isIdParam, perShape, respond, routeBody, UUID } from './rest-router.ts';
import type { State } from './state.ts';
import { clientIp, setRateLimitHeaders, type Throttle } from './throttle.ts';
import { compileBody, compileQuery } from './validate.ts';

/**
 * An addon's public routes (`r.public.get/post`), mounted at /api/v1/<id> before authentication.
 * The `:tenant` segment names the tenant by id; a tenant that does not exist or has not enabled
 * the addon gets the same 404 as a missing route. The handler runs in the tenant's transaction
 * (actor `public:<addon>`), committed when the answer is below 400, else rolled back.
 * With `limit` (THROTTLE_PUBLIC_IP), every call counts against the client address per addon before
 * anything is looked up: past the limit, 429 RATE_LIMITED with `Retry-After`, so nobody can probe
 * tokens or tenants at speed.
 */
export function addonPublicRouter(addon: AnyAddon, rt: Runtime, limit?: Throttle): Router<State> | null {
  const routes = collectRoutes(addon).filter((r) => r.public);
  if (!routes.length) return null;
  const router = new Router<State>({ prefix: `/api/v1/${addon.id}` });
  for (const route of routes) {
    const checkQuery = perShape(route.options.query, compileQuery);
    const checkBody = perShape(route.options.body, compileBody);
    const method = route.method === 'GET' ? 'get' : 'post';
    router[method](route.path, async (ctx: Koa.ParameterizedContext<State>) => {
      if (limit) {
        try {
          setRateLimitHeaders(ctx, await limit.consume(`${addon.id}:${clientIp(ctx)}`));
        } catch (err) {
          setRateLimitHeaders(ctx, {
            limit: limit.rate.points,
            remaining: 0,
            resetSec: (err as { retryAfterSec?: number }).retryAfterSec ?? limit.rate.durationSec,
          });
          throw err;
        }
      }
      const params = { ...ctx.params } as Record<string, string>;
      const tenantId = params.tenant ?? '';
      const tenant = isUuid(tenantId) ? await rt.tenantById(tenantId) : null;
      if (!tenant || !(await rt.enabledAddons(tenant.id)).has(addon.id)) throw new NotFoundError('Tenant');
      for (const [name, value] of Object.entries(params)) {
        if (isIdParam(name) && !UUID.test(value)) throw new NotFoundError('Record');
      }
      const enabled = await rt.enabledAddons(tenant.id);
      const query = checkQuery(enabled)({ ...ctx.query });
      const body = route.method === 'GET' ? undefined : routeBody(route, ctx.request.body, checkBody(enabled));
      const raw = (ctx.request as { rawBody?: unknown }).rawBody;
      const tx = new TenantTx(rt.pools.app, tenant.id, {
        actor: `public:${addon.id}`,
        requestId: ctx.state.requestId,
      });
      try {
        const base = systemContext(rt, tx, tenant, ctx.state.log);
        const pctx = Object.assign(base, { requestId: ctx.state.requestId }) as PublicContext;
        const req: PublicRequest = {
          params: params as PublicRequest['params'],
          query,
          body,
          rawBody: typeof raw === 'string' ? raw : '',
          headers: ctx.headers as Record<string, string | undefined>,
          ip: clientIp(ctx),
          ctx: pctx,
        };
        respond(ctx, await (route.handler as PublicHandler<unknown, unknown, unknown>)(req));
        if (ctx.status < 400) await tx.commit();
        else await tx.rollback();
      } catch (err) {
        await tx.rollback();
        throw err;
      }
    });
  }
  return router;
}
