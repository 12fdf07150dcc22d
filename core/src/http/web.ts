import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type Koa from 'koa';
import type { State } from './state.ts';

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

/** Imports the web app's handler from a build folder; null when there is no build there. */
export async function loadWebHandler(dir: string): Promise<WebHandler | null> {
  const file = join(dir, 'handler.js');
  if (!existsSync(file)) return null;
  // CSV imports go through the web app's API proxy: allow what the API allows (25 MB).
  process.env.ELEVATE_WEB_BODY_SIZE_LIMIT ??= '26M';
  // The web app learns the request's protocol and host from the kernel (which trusts
  // X-Forwarded-* as configured), not from headers a client could send it directly.
  process.env.ELEVATE_WEB_PROTOCOL_HEADER ??= 'x-elevate-proto';
  process.env.ELEVATE_WEB_HOST_HEADER ??= 'x-elevate-host';
  const mod = (await import(pathToFileURL(file).href)) as { handler?: WebHandler };
  if (typeof mod.handler !== 'function') throw new Error(`${file} does not export a handler`);
  return mod.handler;
}

/** Hands non-API requests to the web app; API paths fall through to the JSON 404. */
export function webMiddleware(handler: WebHandler): Koa.Middleware<State> {
  return async (ctx, next) => {
    if (isApiPath(ctx.path)) return next();
    ctx.respond = false;
    ctx.req.headers['x-elevate-proto'] = ctx.protocol;
    ctx.req.headers['x-elevate-host'] = ctx.host;
    await new Promise<void>((resolve) => {
      ctx.res.once('close', resolve);
      handler(ctx.req, ctx.res, () => {
        ctx.res.statusCode = 404;
        ctx.res.end('Not found');
      });
    });
  };
}
