import { UnauthenticatedError } from '@elevate/sdk';
import type Koa from 'koa';
import { type AccessClaims, verifyAccessToken } from '../auth/jwt.ts';
import { openWithPrincipal } from '../auth/sessions.ts';
import { requestContext, systemContext } from '../context/context.ts';
import { TenantTx } from '../db/tenant-tx.ts';
import type { Runtime } from '../runtime.ts';
import type { State } from './state.ts';
import { RateLimitedError, setRateLimitHeaders, type Throttle } from './throttle.ts';

function bearer(ctx: Koa.Context, allowQuery: boolean): string | null {
  const h = ctx.get('authorization');
  if (h.toLowerCase().startsWith('bearer ')) return h.slice(7).trim();
  // EventSource cannot send headers: the live channel accepts the token as a query parameter.
  if (allowQuery && typeof ctx.query.access_token === 'string') return ctx.query.access_token;
  return null;
}

/** Verified access tokens kept (a client sends the same token on every request until it expires). */
const VERIFIED_MAX = 10_000;

/**
 * verifyAccessToken with the verdict on each token string remembered: the same string under the
 * same secret always verifies the same way, so only the expiry is checked again. (An access token
 * cannot be revoked; whether its user is still active is read on every request, as before.)
 */
function tokenVerifier(secret: string): (token: string) => AccessClaims | null {
  const verified = new Map<string, AccessClaims>();
  return (token) => {
    const hit = verified.get(token);
    if (hit) {
      if (hit.exp > Math.floor(Date.now() / 1000)) return hit;
      verified.delete(token);
      return null;
    }
    const claims = verifyAccessToken(token, secret);
    if (claims) {
      if (verified.size >= VERIFIED_MAX) verified.clear();
      verified.set(token, claims);
    }
    return claims;
  };
}

/**
 * Resolves the caller (JWT → tenant → user → permissions) and wraps the rest of the
 * request in one tenant transaction: committed on success, rolled back on any error.
 */
export function authenticate(rt: Runtime, apiLimit?: Throttle): Koa.Middleware<State> {
  const verify = tokenVerifier(rt.config.jwtSecret);
  return async (ctx, next) => {
    const token = bearer(ctx, ctx.path === '/api/v1/core/live');
    if (!token) throw new UnauthenticatedError();
    const claims = verify(token);
    if (!claims) throw new UnauthenticatedError('Invalid or expired access token');
    const tenant = await rt.tenantById(claims.tid);
    if (!tenant) throw new UnauthenticatedError('Invalid or expired access token');
    // The tenant's request budget is counted in Redis while the database is asked (no added wait).
    const budget = apiLimit?.consume(tenant.id);
    budget?.catch(() => {});
    const enabled = await rt.enabledAddons(tenant.id);
    const tx = new TenantTx(rt.pools.app, tenant.id);
    try {
      // Reads (GET, a GraphQL document without mutation) run in a read-only transaction: a write
      // there fails loudly.
      const readOnly = ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.state.readOnly === true;
      const principal = await openWithPrincipal(tx, claims.sub, claims.fid, readOnly);
      if (!principal) throw new UnauthenticatedError('Invalid or expired access token');
      if (budget && apiLimit) {
        try {
          setRateLimitHeaders(ctx, await budget);
        } catch (err) {
          if (err instanceof RateLimitedError) {
            setRateLimitHeaders(ctx, { limit: apiLimit.rate.points, remaining: 0, resetSec: err.retryAfterSec });
          }
          throw err;
        }
      }
      const log = ctx.state.log.child({ tenant: tenant.slug, user: principal.user.id });
      ctx.state.log = log;
      const base = systemContext(rt, tx, tenant, log, principal.user.id);
      ctx.state.rc = requestContext(base, {
        requestId: ctx.state.requestId,
        user: principal.user,
        patterns: principal.patterns,
        enabled,
        addons: rt.addons,
      });
      ctx.state.tx = tx;
      ctx.state.enabled = enabled;
      ctx.state.patterns = principal.patterns;
      ctx.state.tokenExp = claims.exp;
      await next();
      // Outside production, expose the round-trip count so tests can catch N+1 queries.
      if (rt.config.env !== 'production' && !ctx.headerSent) ctx.set('x-db-statements', String(tx.statements));
      if (readOnly) {
        // Nothing to keep: end it without holding the response back for the round trip.
        tx.rollback().catch((err) => ctx.state.log.warn({ err: String(err) }, 'rollback of read-only request failed'));
      } else if (ctx.state.failed || ctx.status >= 400) await tx.rollback();
      else await tx.commit();
    } catch (err) {
      await tx.rollback();
      throw err;
    }
  };
}
