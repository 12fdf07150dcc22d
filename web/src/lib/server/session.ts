// The browser session lives in two httpOnly cookies per tenant, so page scripts (and any XSS)
// never see a token: `ev_<slug>_at` (access JWT, expires with it) and `ev_<slug>_rt` (refresh
// token). The web server adds the bearer token when it renders pages and when it proxies the
// browser's API calls (routes/t/[tenant]/app/api).
//
// Refresh tokens rotate and the kernel revokes the whole session when a spent one is presented
// again, so a refresh must happen exactly once per token, however many requests (tabs, parallel
// loads) notice the expiry at the same moment. `refreshOnce` shares one in-flight refresh per
// refresh token, and remembers the outcome for a minute for requests that still carry the old
// cookie. This is per web process: with several web nodes, route one browser to one node
// (sticky sessions) or expect an occasional "sign in again".
import type { Cookies } from '@sveltejs/kit';
import { kernelJson } from './kernel.ts';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

const REFRESH_COOKIE_DAYS = 30;
/** Refresh this long before the access token expires (less for very short-lived tokens). */
const EARLY_SECONDS = 30;
const REMEMBER_MS = 60_000;

/** A refresh either gives new tokens, or the session is over, or the kernel could not be reached. */
export type RefreshOutcome = Tokens | 'revoked' | 'unavailable';

const inflight = new Map<string, Promise<RefreshOutcome>>();
const recent = new Map<string, { outcome: RefreshOutcome; at: number }>();

export const cookieNames = (slug: string) => ({ access: `ev_${slug}_at`, refresh: `ev_${slug}_rt` });

/**
 * The challenge between the password step (or a tenant switch) and the code step: an httpOnly
 * cookie for its 5 minutes, never in the page.
 */
export const mfaCookie = (slug: string) => `ev_${slug}_mfa`;

export function setMfaChallenge(
  cookies: Cookies,
  slug: string,
  base: string,
  challenge: { mfaToken: string; expiresIn: number },
  secure: boolean,
): void {
  cookies.set(mfaCookie(slug), challenge.mfaToken, {
    path: base || '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: challenge.expiresIn,
  });
}

/** The claims of a JWT, without verifying it (the kernel verifies; this only reads the expiry). */
export function readClaims(token: string): { sub?: string; exp?: number; iat?: number } | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { sub?: string; exp?: number; iat?: number };
  } catch {
    return null;
  }
}

function cookiePath(base: string): string {
  return base || '/';
}

export function setSession(cookies: Cookies, slug: string, base: string, tokens: Tokens, secure: boolean): void {
  const names = cookieNames(slug);
  const common = { path: cookiePath(base), httpOnly: true, sameSite: 'lax' as const, secure };
  cookies.set(names.access, tokens.accessToken, { ...common, maxAge: tokens.expiresIn });
  cookies.set(names.refresh, tokens.refreshToken, { ...common, maxAge: REFRESH_COOKIE_DAYS * 86_400 });
}

export function clearSession(cookies: Cookies, slug: string, base: string): void {
  const names = cookieNames(slug);
  cookies.delete(names.access, { path: cookiePath(base) });
  cookies.delete(names.refresh, { path: cookiePath(base) });
}

/** One refresh per refresh token, shared by every request that needs it. */
export function refreshOnce(refreshToken: string, clientIp?: string | null): Promise<RefreshOutcome> {
  const now = Date.now();
  for (const [key, value] of recent) if (now - value.at > REMEMBER_MS) recent.delete(key);
  const known = recent.get(refreshToken);
  if (known) return Promise.resolve(known.outcome);
  let pending = inflight.get(refreshToken);
  if (!pending) {
    pending = kernelJson<Tokens>('/api/v1/auth/refresh', { body: { refreshToken }, clientIp }).then((res) => {
      const outcome: RefreshOutcome = res.ok
        ? res.data
        : res.status === 401 || res.status === 400
          ? 'revoked'
          : 'unavailable';
      // An unreachable kernel is not remembered: the next request may try again.
      if (outcome !== 'unavailable') recent.set(refreshToken, { outcome, at: Date.now() });
      inflight.delete(refreshToken);
      return outcome;
    });
    inflight.set(refreshToken, pending);
  }
  return pending;
}

/**
 * A usable access token for this tenant, refreshing it when it is missing or about to expire.
 * Updates the cookies when it refreshed; clears them when the session is gone.
 */
export async function freshAccessToken(
  cookies: Cookies,
  slug: string,
  base: string,
  secure: boolean,
  clientIp?: string | null,
): Promise<string | null> {
  const names = cookieNames(slug);
  const access = cookies.get(names.access);
  const claims = access ? readClaims(access) : null;
  const exp = claims?.exp;
  const early = Math.min(EARLY_SECONDS, exp && claims?.iat ? (exp - claims.iat) / 4 : EARLY_SECONDS);
  if (access && exp && exp * 1000 - Date.now() > early * 1000) return access;
  const refresh = cookies.get(names.refresh);
  if (!refresh) return access && exp && exp * 1000 > Date.now() ? access : null;
  const outcome = await refreshOnce(refresh, clientIp);
  if (outcome === 'unavailable') return access && exp && exp * 1000 > Date.now() ? access : null;
  if (outcome === 'revoked') {
    clearSession(cookies, slug, base);
    return null;
  }
  setSession(cookies, slug, base, outcome, secure);
  return outcome.accessToken;
}
