import type Koa from 'koa';
import type { State } from './state.ts';
import { isApiPath } from './web.ts';

/** The policy of API answers (JSON, text): nothing may load or frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Headers on every answer (docs/security.md): no MIME sniffing, no framing, no referrer across
 * origins, HSTS when the request came over TLS (directly, or as a trusted proxy says). API paths also
 * get a Content-Security-Policy that allows nothing (pages set their own: the web app through
 * SvelteKit's `csp`, the API reference pages theirs), and `Cache-Control: no-store`.
 */
export function securityHeaders(): Koa.Middleware<State> {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'same-origin');
    if (ctx.protocol === 'https') ctx.set('Strict-Transport-Security', HSTS);
    if (isApiPath(ctx.path)) {
      ctx.set('Content-Security-Policy', API_CSP);
      // Tokens, identities and records: kept by no browser or shared cache (a route may say otherwise).
      ctx.set('Cache-Control', 'no-store');
    }
    await next();
  };
}

const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'authorization, content-type, accept, x-request-id';

/**
 * CORS for the API: only the configured origins (CORS_ORIGINS) get `Access-Control-Allow-Origin`;
 * a preflight from any other origin is refused (403) before authentication. Credentials are bearer
 * tokens, never cookies, so `Allow-Credentials` is not sent. Same-origin callers need none of this.
 */
export function cors(origins: readonly string[]): Koa.Middleware<State> {
  const allowed = new Set(origins);
  return async (ctx, next) => {
    if (!isApiPath(ctx.path)) return next();
    const origin = ctx.get('origin');
    ctx.vary('Origin');
    const ok = origin !== '' && allowed.has(origin);
    const preflight = ctx.method === 'OPTIONS' && ctx.get('access-control-request-method') !== '';
    if (preflight) {
      if (!ok) {
        ctx.status = 403;
        ctx.body = {
          code: 'CORS_ORIGIN_REFUSED',
          message: `Origin ${origin || '(none)'} may not call this API`,
          details: [],
        };
        return;
      }
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Allow-Methods', ALLOW_METHODS);
      ctx.set('Access-Control-Allow-Headers', ALLOW_HEADERS);
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    if (ok) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set(
        'Access-Control-Expose-Headers',
        'x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset',
      );
    }
    await next();
  };
}
