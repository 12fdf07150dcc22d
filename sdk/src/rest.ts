import type { RequestContext, SystemContext } from './context.ts';
import type { PermissionOf, Permissions } from './permissions.ts';

/** JSON schema (validated with ajv). */
export type JsonSchema = Record<string, unknown>;

export interface RestRequest<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  params: P;
  query: Q;
  body: B;
  ctx: RequestContext;
}

/** What a handler returns: a body (200), or an explicit status and body (and headers). */
export type RestResult = unknown | { status: number; body: unknown; headers?: Record<string, string> };

/**
 * A schema that may depend on the tenant's enabled addons (a resource whose model other addons
 * extend): a function of the enabled set, called per set and cached by the platform.
 */
export type Shaped<T> = T | ((enabled: ReadonlySet<string>) => T);

/** The value of a Shaped for a set of enabled addons. */
export function shapedFor<T>(s: Shaped<T>, enabled: ReadonlySet<string>): T {
  return typeof s === 'function' ? (s as (e: ReadonlySet<string>) => T)(enabled) : s;
}

export interface RouteOptions<Perm extends string = string> {
  /**
   * Permission required before the handler runs. Typed from the router's grant table
   * (`RestRouter<typeof permissions>`): a misspelt one fails to compile; the kernel checks again at boot.
   */
  permission?: Perm;
  query?: Shaped<JsonSchema>;
  body?: Shaped<JsonSchema>;
  /** `text` routes receive the raw body as a string (CSV uploads); JSON is the default. */
  bodyType?: 'json' | 'text';
  /** One line, published as the operation's summary in the OpenAPI document. */
  summary?: string;
  /**
   * Response bodies by status code, published in the OpenAPI document (`null`: no body, as a 204).
   * Not enforced at run time; undeclared, the document says only "200 OK".
   */
  responses?: Shaped<Readonly<Record<number, JsonSchema | null>>>;
}

export type RestHandler<P, Q, B> = (req: RestRequest<P, Q, B>) => Promise<RestResult> | RestResult;

/** What a public route's handler works in: the tenant named by the URL, no user. */
export interface PublicContext extends SystemContext {
  requestId: string;
}

/** A request to a public route (a vendor's webhook): no access token, the tenant from the path. */
export interface PublicRequest<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  /** Includes `tenant`, the tenant's id from the path. */
  params: P & { tenant: string };
  query: Q;
  body: B;
  /** The body exactly as received (for signature checks), '' when there was none. */
  rawBody: string;
  /** Request headers, lower-case names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The client's address (behind TRUST_PROXY proxies: the forwarded one). */
  ip: string;
  ctx: PublicContext;
}

export type PublicHandler<P, Q, B> = (req: PublicRequest<P, Q, B>) => Promise<RestResult> | RestResult;

/** Options of a public route: no permission (nobody is signed in). */
export type PublicRouteOptions = Omit<RouteOptions, 'permission'>;

/**
 * Routes that need no access token, for callers that are not users: a payment provider's
 * webhook, a public page's data. The path must contain `:tenant` (the tenant's id); the platform
 * resolves it, answers 404 NOT_FOUND when no such tenant has the addon enabled, and runs the
 * handler in that tenant's transaction (committed when the answer is below 400). Authenticate
 * the caller yourself (a signature, an unguessable token).
 */
export interface PublicRouter {
  get<P = Record<string, string>, Q = Record<string, unknown>>(
    path: string,
    opts: PublicRouteOptions,
    handler: PublicHandler<P, Q, undefined>,
  ): void;
  post<P = Record<string, string>, B = unknown>(
    path: string,
    opts: PublicRouteOptions,
    handler: PublicHandler<P, Record<string, unknown>, B>,
  ): void;
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  options: RouteOptions;
  /** Needs no access token (`r.public.post(...)`): the handler gets a `PublicRequest`. */
  public?: true;
  // biome-ignore lint/suspicious/noExplicitAny: handlers are typed at the call site
  handler: RestHandler<any, any, any> | PublicHandler<any, any, any>;
}

/** Routes are mounted under /api/v1/<addon id>/. */
/**
 * Where an addon declares its routes. `RestRouter<typeof permissions>` (the addon's
 * `definePermissions` table; `&` another addon's, or `| 'crm.contact.read'`) types each route's
 * `permission` as those keys plus the core's; plain `RestRouter` takes any string.
 */
export type RestRouter<Perms = Permissions> = RestRouterOf<PermissionOf<Perms>>;

/** A router whose routes may name these permission strings (see RestRouter). */
export interface RestRouterOf<Perm extends string = string> {
  get<P = Record<string, string>, Q = Record<string, unknown>>(
    path: string,
    opts: RouteOptions<Perm>,
    handler: RestHandler<P, Q, undefined>,
  ): void;
  post<P = Record<string, string>, B = unknown>(
    path: string,
    opts: RouteOptions<Perm>,
    handler: RestHandler<P, Record<string, unknown>, B>,
  ): void;
  put<P = Record<string, string>, B = unknown>(
    path: string,
    opts: RouteOptions<Perm>,
    handler: RestHandler<P, Record<string, unknown>, B>,
  ): void;
  patch<P = Record<string, string>, B = unknown>(
    path: string,
    opts: RouteOptions<Perm>,
    handler: RestHandler<P, Record<string, unknown>, B>,
  ): void;
  delete<P = Record<string, string>>(
    path: string,
    opts: RouteOptions<Perm>,
    handler: RestHandler<P, Record<string, unknown>, undefined>,
  ): void;
  /** Routes without an access token (webhooks): see `PublicRouter`. */
  readonly public: PublicRouter;
}

export type RestFragment<Perms = Permissions> = RestFragmentOf<PermissionOf<Perms>>;
type RestFragmentOf<Perm extends string> = (router: RestRouterOf<Perm>) => void;

/** Standard list query: limit/offset with sane bounds. */
export const paginationQuery: JsonSchema = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
};

export interface Page<T> {
  data: T[];
  total_count: number;
  limit: number;
  offset: number;
}
