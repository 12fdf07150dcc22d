import {
  type AnyAddon,
  AppError,
  type JsonSchema,
  NotFoundError,
  type RestHandler,
  type RestRequest,
  type RestRouter,
  type RouteDef,
  type RouteOptions,
  type Shaped,
  shapedFor,
} from '@elevate/sdk';
import Router from '@koa/router';
import type Koa from 'koa';
import { checkTextBody } from './input.ts';
import type { State } from './state.ts';
import { compileBody, compileQuery } from './validate.ts';

/** Collects an addon's route declarations. */
export function collectRoutes(addon: AnyAddon): RouteDef[] {
  const routes: RouteDef[] = [];
  const add =
    (method: RouteDef['method']) =>
    (path: string, options: RouteOptions, handler: RouteDef['handler']): void => {
      if (!path.startsWith('/')) throw new Error(`Addon ${addon.id}: route path "${path}" must start with /`);
      routes.push({ method, path, options, handler });
    };
  const addPublic =
    (method: 'GET' | 'POST') =>
    (path: string, options: RouteOptions, handler: RouteDef['handler']): void => {
      if (!/(^|\/):tenant(\/|$)/.test(path)) {
        throw new Error(`Addon ${addon.id}: public route path "${path}" must contain a :tenant segment`);
      }
      add(method)(path, options, handler);
      (routes[routes.length - 1] as RouteDef).public = true;
    };
  const router: RestRouter = {
    get: add('GET'),
    post: add('POST'),
    put: add('PUT'),
    patch: add('PATCH'),
    delete: add('DELETE'),
    public: { get: addPublic('GET'), post: addPublic('POST') },
  };
  addon.rest?.(router);
  return routes;
}

function isResult(v: unknown): v is { status: number; body: unknown; headers?: Record<string, string> } {
  if (typeof v !== 'object' || v === null || !('status' in v) || !('body' in v)) return false;
  const keys = Object.keys(v);
  return keys.length === 2 || (keys.length === 3 && 'headers' in v);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Path parameters named `id` or `…Id` are record ids: anything but a uuid names no record. */
export const isIdParam = (name: string) => name === 'id' || name.endsWith('Id');

/** A validator for a schema that may depend on the enabled addons, compiled once per distinct schema. */
export function perShape<F>(
  schema: Shaped<JsonSchema> | undefined,
  compile: (s: JsonSchema | undefined) => F,
  lazy = false,
): (enabled: ReadonlySet<string>) => F {
  if (typeof schema !== 'function') {
    if (lazy) {
      let once: F | undefined;
      return () => (once ??= compile(schema));
    }
    const fixed = compile(schema);
    return () => fixed;
  }
  const compiled = new WeakMap<JsonSchema, F>();
  return (enabled) => {
    const s = shapedFor(schema, enabled);
    let f = compiled.get(s);
    if (!f) {
      f = compile(s);
      compiled.set(s, f);
    }
    return f;
  };
}

/**
 * A Koa router for one addon, mounted at /api/v1/<id>. Validation and permission run first.
 * `lazy`: each validator is compiled on its route's first request, not here (`elevate dev`).
 */
export function addonRouter(addon: AnyAddon, lazy = false): Router<State> {
  const router = new Router<State>({ prefix: `/api/v1/${addon.id}` });
  for (const route of collectRoutes(addon)) {
    if (route.public) continue; // mounted without authentication (public-routes.ts)
    // A resource's schemas may depend on the tenant's enabled addons (extended models): compiled once per shape.
    const checkQuery = perShape(route.options.query, compileQuery, lazy);
    const checkBody = perShape(route.options.body, compileBody, lazy);
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    router[method](route.path, async (ctx: Koa.ParameterizedContext<State>) => {
      const rc = ctx.state.rc;
      if (!rc) throw new Error('REST route reached without a request context');
      if (route.options.permission) rc.require(route.options.permission);
      for (const [name, value] of Object.entries(ctx.params as Record<string, string>)) {
        if (isIdParam(name) && !UUID.test(value)) throw new NotFoundError('Record');
      }
      const query = checkQuery(rc.enabledAddons)({ ...ctx.query });
      let body: unknown;
      if (route.method !== 'GET' && route.method !== 'DELETE') {
        body = routeBody(route, ctx.request.body, checkBody(rc.enabledAddons));
      }
      const req: RestRequest = { params: { ...ctx.params } as Record<string, string>, query, body, ctx: rc };
      respond(ctx, await (route.handler as RestHandler<unknown, unknown, unknown>)(req));
    });
  }
  return router;
}

/** Writes a handler's result: a body (200), or `{ status, body, headers? }`. */
export function respond(ctx: Koa.ParameterizedContext<State>, out: unknown): void {
  if (isResult(out)) {
    if (out.headers) ctx.set(out.headers);
    ctx.status = out.status;
    ctx.body = out.body ?? null;
    if (out.status === 204) ctx.body = null;
  } else {
    ctx.status = 200;
    ctx.body = out ?? null;
  }
}

/** The body of a non-GET route, checked against its options (JSON or text). */
export function routeBody(route: RouteDef, raw: unknown, check: (b: unknown) => unknown): unknown {
  const isText = typeof raw === 'string';
  if ((route.options.bodyType ?? 'json') === 'text') {
    if (!isText) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as text/csv or text/plain', { status: 415 });
    }
    checkTextBody(raw);
    return raw;
  }
  if (isText && raw !== '') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', { status: 415 });
  }
  return check(isText ? undefined : raw);
}

/**
 * Boot-time check: every permission a route of an installed addon names is declared (by an
 * installed addon's `definePermissions`, or the core's). A misspelt one would otherwise refuse every
 * user but the owner (whose `*` matches anything) without anyone noticing.
 */
export function checkRoutePermissions(addons: readonly AnyAddon[], core: readonly string[]): void {
  const known = new Set([...core, ...addons.flatMap((a) => Object.keys(a.permissions))]);
  for (const addon of addons) {
    if (!addon.rest) continue;
    for (const route of collectRoutes(addon)) {
      const p = route.options.permission;
      if (!p || known.has(p)) continue;
      const near = [...known].filter((k) => k.startsWith(`${addon.id}.`)).sort();
      throw new AppError(
        'ADDON_UNKNOWN_PERMISSION',
        `Addon "${addon.id}": route ${route.method} ${route.path} needs the permission "${p}", which no installed addon declares${near.length ? ` (${addon.id} declares ${near.join(', ')})` : ''}`,
        { status: 500 },
      );
    }
  }
}
