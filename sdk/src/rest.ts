import type { RequestContext } from './context.ts';

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

export interface RouteOptions {
  /** Permission required before the handler runs. */
  permission?: string;
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

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  options: RouteOptions;
  // biome-ignore lint/suspicious/noExplicitAny: handlers are typed at the call site
  handler: RestHandler<any, any, any>;
}

/** Routes are mounted under /api/v1/<addon id>/. */
export interface RestRouter {
  get<P = Record<string, string>, Q = Record<string, unknown>>(
    path: string,
    opts: RouteOptions,
    handler: RestHandler<P, Q, undefined>,
  ): void;
  post<P = Record<string, string>, B = unknown>(
    path: string,
    opts: RouteOptions,
    handler: RestHandler<P, Record<string, unknown>, B>,
  ): void;
  put<P = Record<string, string>, B = unknown>(
    path: string,
    opts: RouteOptions,
    handler: RestHandler<P, Record<string, unknown>, B>,
  ): void;
  patch<P = Record<string, string>, B = unknown>(
    path: string,
    opts: RouteOptions,
    handler: RestHandler<P, Record<string, unknown>, B>,
  ): void;
  delete<P = Record<string, string>>(
    path: string,
    opts: RouteOptions,
    handler: RestHandler<P, Record<string, unknown>, undefined>,
  ): void;
}

export type RestFragment = (router: RestRouter) => void;

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
