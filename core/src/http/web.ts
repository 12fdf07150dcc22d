import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants } from 'node:zlib';
import compression from 'compression';
import type Koa from 'koa';
import type { State } from './state.ts';
import { FORWARD_HEADERS } from './throttle.ts';

/** The request handler of a SvelteKit adapter-node build (build/handler.js). */
export type WebHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Paths the kernel answers itself; everything else belongs to the web app. */
export function isApiPath(path: string): boolean {
  return (
    path === '/api' ||
    path.startsWith('/api/') ||
    path === '/graphql' ||
    path.startsWith('/graphql/') ||
    path === '/healthz' ||
    path === '/readyz'
  );
}

/** What the kernel tells the web app's handler (adapter-node's settings). */
export interface WebHandlerOptions {
  /** Largest request body the web app accepts (adapter-node syntax: '26M'). */
  bodySizeLimit: string;
  /** The header carrying the request's protocol, as the kernel saw it. */
  protocolHeader: string;
  /** The header carrying the request's host, as the kernel saw it. */
  hostHeader: string;
}

export const WEB_HANDLER_OPTIONS: WebHandlerOptions = {
  // CSV imports go through the web app's API proxy: allow what the API allows (25 MB).
  bodySizeLimit: '26M',
  // The web app learns the request's protocol and host from the kernel (which trusts
  // X-Forwarded-* as configured), not from headers a client could send it directly.
  protocolHeader: 'x-elevate-proto',
  hostHeader: 'x-elevate-host',
};

const ENV_PREFIX = 'ELEVATE_WEB_'; // web/vite.config.ts: adapter({ envPrefix })

/**
 * adapter-node has no options at run time: its handler reads `<prefix>BODY_SIZE_LIMIT` etc. from
 * process.env once, while its module is evaluated. So the options go into the environment only for
 * that import, and the environment is put back afterwards; nothing else sees them. An operator's
 * own ELEVATE_WEB_* variables win, as adapter-node documents.
 */
async function importWithEnv<T>(url: string, vars: Record<string, string>): Promise<T> {
  const set = Object.keys(vars).filter((k) => process.env[k] === undefined);
  for (const k of set) process.env[k] = vars[k];
  try {
    return (await import(url)) as T;
  } finally {
    for (const k of set) delete process.env[k];
  }
}

/** Imports the web app's handler from a build folder; null when there is no build there. */
export async function loadWebHandler(
  dir: string,
  options: WebHandlerOptions = WEB_HANDLER_OPTIONS,
): Promise<WebHandler | null> {
  const file = join(dir, 'handler.js');
  if (!existsSync(file)) return null;
  const mod = await importWithEnv<{ handler?: WebHandler }>(pathToFileURL(file).href, {
    [`${ENV_PREFIX}BODY_SIZE_LIMIT`]: options.bodySizeLimit,
    [`${ENV_PREFIX}PROTOCOL_HEADER`]: options.protocolHeader,
    [`${ENV_PREFIX}HOST_HEADER`]: options.hostHeader,
  });
  if (typeof mod.handler !== 'function') throw new Error(`${file} does not export a handler`);
  return mod.handler;
}

/**
 * gzip or brotli (per Accept-Encoding) for what the web app renders: pages, page data, the API
 * proxy's answers. The web app writes to Node's response itself (`ctx.respond = false`), which
 * Koa middleware such as koa-compress never sees, so this wraps the raw response (the `compression`
 * package). Hashed assets come precompressed from the build and are left alone (already encoded);
 * server-sent events are not compressed (a compressor would hold them back). Every write is
 * flushed, so a streamed page still arrives as it is rendered.
 */
const compress = compression({
  filter: (req, res) =>
    !String(res.getHeader('content-type') ?? '').startsWith('text/event-stream') && compression.filter(req, res),
  flush: constants.Z_SYNC_FLUSH,
  brotli: { flush: constants.BROTLI_OPERATION_FLUSH },
  // The types speak of Express's request and response; it only uses Node's.
}) as unknown as WebHandler;

/** Hands non-API requests to the web app; API paths fall through to the JSON 404. */
export function webMiddleware(
  handler: WebHandler,
  options: WebHandlerOptions = WEB_HANDLER_OPTIONS,
): Koa.Middleware<State> {
  return async (ctx, next) => {
    if (isApiPath(ctx.path)) return next();
    ctx.respond = false;
    ctx.req.headers[options.protocolHeader] = ctx.protocol;
    ctx.req.headers[options.hostHeader] = ctx.host;
    // The browser's address as the kernel sees it (TRUST_PROXY), for the limits per address of
    // the API calls the web app makes for it (http/throttle.ts clientIp); a client's own value is replaced.
    ctx.req.headers[FORWARD_HEADERS.ip] = ctx.ip;
    await new Promise<void>((resolve) => {
      ctx.res.once('close', resolve);
      compress(ctx.req, ctx.res, () =>
        handler(ctx.req, ctx.res, () => {
          ctx.res.statusCode = 404;
          ctx.res.end('Not found');
        }),
      );
    });
  };
}
