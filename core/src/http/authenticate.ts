import { UnauthenticatedError, type UserInfo } from '@elevate/sdk';
import type Koa from 'koa';
import { isApiKey, openWithApiKey, parseApiKey } from '../auth/api-keys.ts';
import { type AccessClaims, verifyAccessToken } from '../auth/jwt.ts';
import { allowedWhileGated, mfaEnrolmentRequired } from '../auth/mfa-gate.ts';
import { openWithPrincipal } from '../auth/sessions.ts';
import { requestContext, systemContext } from '../context/context.ts';
import { TenantTx, withTenant } from '../db/tenant-tx.ts';
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

/** Who presented the credential: a JWT (user + session family) or an API key (docs/security.md#api-keys). */
type Credential =
  | { kind: 'user'; tenantId: string; userId: string; familyId: string; exp: number }
  | { kind: 'apiKey'; tenantId: string; keyId: string; secretHash: string };

const refused = () => new UnauthenticatedError('Invalid or expired access token');

function credential(token: string, verify: (token: string) => AccessClaims | null): Credential {
  if (isApiKey(token)) {
    const k = parseApiKey(token);
    if (!k) throw new UnauthenticatedError('Invalid, revoked or expired API key');
    return { kind: 'apiKey', ...k };
  }
  const claims = verify(token);
  if (!claims) throw refused();
  return { kind: 'user', tenantId: claims.tid, userId: claims.sub, familyId: claims.fid, exp: claims.exp };
}

/**
 * Resolves the caller (JWT or API key → tenant → user → permissions) and wraps the rest of the
 * request in one tenant transaction: committed on success, rolled back on any error.
 */
export function authenticate(rt: Runtime, apiLimit?: Throttle): Koa.Middleware<State> {
  const verify = tokenVerifier(rt.config.jwtSecret);
  return async (ctx, next) => {
    const token = bearer(ctx, ctx.path === '/api/v1/core/live');
    if (!token) throw new UnauthenticatedError();
    const cred = credential(token, verify);
    const tenant = await rt.tenantById(cred.tenantId);
    if (!tenant) throw refused();
    // The tenant's request budget is counted in Redis while the database is asked (no added wait).
    const budget = apiLimit?.consume(tenant.id);
    budget?.catch(() => {});
    const enabled = await rt.enabledAddons(tenant.id);
    // The audit log's actor travels with BEGIN: the user, or the API key (its creator is the key's row).
    const tx = new TenantTx(
      rt.pools.app,
      tenant.id,
      cred.kind === 'user'
        ? { userId: cred.userId, requestId: ctx.state.requestId }
        : { apiKeyId: cred.keyId, requestId: ctx.state.requestId },
    );
    try {
      // Reads (GET, a GraphQL document without mutation) run in a read-only transaction: a write
      // there fails loudly.
      const readOnly = ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.state.readOnly === true;
      let principal: { user: UserInfo; patterns: string[]; customFieldsStamp: string } | null;
      let tokenExp: number;
      if (cred.kind === 'user') {
        const p = await openWithPrincipal(tx, cred.userId, cred.familyId, readOnly);
        // The company requires a second factor and this user has none: enrolment only (mfa-gate.ts).
        if (p?.mfaGate) {
          if (!allowedWhileGated(ctx.method, ctx.path)) throw mfaEnrolmentRequired();
          ctx.state.mfaGate = true;
        }
        principal = p;
        tokenExp = cred.exp;
      } else {
        const touch = (fn: (t: TenantTx) => Promise<unknown>) =>
          ctx.res.once('finish', () => {
            withTenant(rt.pools.app, tenant.id, fn).catch((err) =>
              ctx.state.log.warn({ err: String(err) }, 'API key last-used time not written'),
            );
          });
        // Set before the transaction opens, so whatever the opening round trip records can name the key.
        tx.apiKeyId = cred.keyId;
        const k = await openWithApiKey(tx, cred, readOnly, touch);
        principal = k;
        // A live stream opened with a key is checked again at least every access-token lifetime.
        const cap = Math.floor(Date.now() / 1000) + rt.config.accessTokenTtlSec;
        tokenExp = k?.expires ? Math.min(k.expires, cap) : cap;
      }
      if (!principal) {
        throw cred.kind === 'user' ? refused() : new UnauthenticatedError('Invalid, revoked or expired API key');
      }
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
      const actor = cred.kind === 'apiKey' ? { kind: 'apiKey' as const, id: cred.keyId } : undefined;
      const log = ctx.state.log.child({
        tenant: tenant.slug,
        user: principal.user.id,
        ...(actor ? { apiKey: actor.id } : {}),
      });
      ctx.state.log = log;
      const base = systemContext(rt, tx, tenant, log, principal.user.id);
      ctx.state.rc = requestContext(base, {
        requestId: ctx.state.requestId,
        user: principal.user,
        patterns: principal.patterns,
        customFieldsStamp: principal.customFieldsStamp,
        enabled,
        addons: rt.addons,
        actor: actor ?? { kind: 'user', id: principal.user.id },
      });
      ctx.state.tx = tx;
      ctx.state.enabled = enabled;
      ctx.state.patterns = principal.patterns;
      ctx.state.tokenExp = tokenExp;
      if (cred.kind === 'user') ctx.state.familyId = cred.familyId;
      else ctx.state.apiKeyId = cred.keyId;
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
