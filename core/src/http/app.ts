import { randomUUID } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import Koa from 'koa';
import { readGraphqlBody } from '../graphql/yoga.ts';
import type { Log } from '../logger.ts';
import { graphiqlPage } from './api-docs.routes.ts';
import { errorMiddleware } from './errors.ts';
import { guardInput } from './input-guard.ts';
import { cors, securityHeaders } from './security-headers.ts';
import type { State } from './state.ts';
import { type WebHandler, webMiddleware } from './web.ts';

export interface AppParts {
  log: Log;
  health: Router<State>;
  auth: Router<State>;
  authenticate: Koa.Middleware<State>;
  core: Router<State>;
  /** /api/v1/openapi.json and /api/v1/graphql.sdl (authenticated). */
  api: Router<State>;
  /** The API reference pages (public; the data behind them is not). */
  docs: Router<State>;
  /** Addon route middleware by addon id, mounted at /api/v1/<id>. */
  addonRouters: ReadonlyMap<string, Koa.Middleware<State>>;
  /** Signed document downloads (no sign-in): /api/v1/core/documents/file/:token. */
  documentFiles?: Router<State>;
  /** Automation inbound webhooks (no sign-in): /api/v1/core/automation/inbound/:tenant/:token. */
  automationInbound?: Router<State>;
  /** Addon public routes (`r.public.*`: webhooks) by addon id, tried before authentication. */
  addonPublicRouters?: ReadonlyMap<string, Router<State>>;
  graphql: Koa.Middleware<State>;
  /** Password reset, email verification, invitations (account.routes.ts). */
  account?: { public: Router<State>; core: Router<State>; afterSignup: Koa.Middleware<State> };
  /** The web app (SvelteKit build): serves every path that is not an API path. */
  web?: WebHandler | null;
  /** Proxies to believe (X-Forwarded-For/-Proto/-Host), origins allowed by CORS. Default: none. */
  security?: { trustProxy: number; corsOrigins: readonly string[] };
}

const REQUEST_ID = /^[\w.-]{1,128}$/;

/**
 * request id + log → security headers → error format → CORS → health → public auth →
 * authenticated APIs → web app.
 */
export function createApp(parts: AppParts): Koa<State> {
  const app = new Koa<State>();
  const trustProxy = parts.security?.trustProxy ?? 0;
  // X-Forwarded-* only from as many proxies as configured: with 1, the address the nearest proxy
  // appended, not whatever a client wrote further left.
  app.proxy = trustProxy > 0;
  app.maxIpsCount = trustProxy;
  app.silent = true;
  app.use(async (ctx, next) => {
    const given = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(given) ? given : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = parts.log.child({ requestId });
    ctx.set('x-request-id', requestId);
    const t0 = performance.now();
    try {
      await next();
    } finally {
      if (ctx.path !== '/healthz' && ctx.path !== '/readyz') {
        ctx.state.log.info(
          {
            method: ctx.method,
            path: ctx.path,
            status: ctx.status,
            ms: Math.round((performance.now() - t0) * 10) / 10,
          },
          'request',
        );
      }
    }
  });
  app.use(securityHeaders());
  app.use(errorMiddleware());
  app.use(cors(parts.security?.corsOrigins ?? []));
  app.use(parts.health.routes());
  // JSON everywhere; text (CSV uploads) for routes that ask for it, up to 25 MB.
  const json = bodyParser({
    enableTypes: ['json', 'text'],
    jsonLimit: '1mb',
    textLimit: '25mb',
    extendTypes: { text: ['text/csv', 'text/plain'] },
  });
  // Only the REST API's bodies: /graphql (Yoga) and the web app read their own.
  app.use(async (ctx, next) => (ctx.path.startsWith('/api/') ? json(ctx, next) : next()));
  app.use(guardInput());
  if (parts.account) {
    app.use(parts.account.afterSignup);
    app.use(parts.account.public.routes());
  }
  app.use(parts.auth.routes());
  app.use(parts.docs.routes());
  if (parts.documentFiles) app.use(parts.documentFiles.routes());
  if (parts.automationInbound) app.use(parts.automationInbound.routes());
  const kernelRoutes = parts.core.routes() as unknown as Koa.Middleware<State>;
  const accountRoutes = parts.account?.core.routes() as unknown as Koa.Middleware<State> | undefined;
  const coreRoutes: Koa.Middleware<State> = accountRoutes
    ? (ctx, next) => kernelRoutes(ctx, () => accountRoutes(ctx, next))
    : kernelRoutes;
  const apiRoutes = parts.api.routes() as unknown as Koa.Middleware<State>;
  const publicRoutes = new Map(
    [...(parts.addonPublicRouters ?? [])].map(
      ([id, r]) => [id, { router: r, routes: r.routes() as unknown as Koa.Middleware<State> }] as const,
    ),
  );
  app.use(async (ctx, next) => {
    const p = ctx.path;
    // A browser opening /graphql gets GraphiQL; the queries it sends carry the token (its headers pane).
    if (
      p === '/graphql' &&
      ctx.method === 'GET' &&
      !ctx.get('authorization') &&
      ctx.accepts('json', 'html') === 'html'
    ) {
      const page = graphiqlPage();
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Content-Security-Policy', page.csp);
      ctx.body = page.html;
      return;
    }
    if (p === '/graphql') {
      await readGraphqlBody(ctx);
      await parts.authenticate(ctx, () => parts.graphql(ctx, next));
      return;
    }
    if (!p.startsWith('/api/v1/')) return next();
    const id = p.split('/')[3] ?? '';
    if (p === '/api/v1/openapi.json' || p === '/api/v1/graphql.sdl') {
      await parts.authenticate(ctx, () => apiRoutes(ctx, next));
      return;
    }
    if (id === 'core') {
      await parts.authenticate(ctx, () => coreRoutes(ctx, next));
      return;
    }
    const pub = publicRoutes.get(id);
    if (pub?.router.match(p, ctx.method).route) {
      await pub.routes(ctx, async () => {});
      return;
    }
    const router = parts.addonRouters.get(id);
    if (!router) return next();
    await parts.authenticate(ctx, async () => {
      // A disabled addon's API answers as if it did not exist for this tenant.
      if (!ctx.state.enabled?.has(id)) return;
      await router(ctx, async () => {});
    });
  });
  if (parts.web) app.use(webMiddleware(parts.web));
  return app;
}
