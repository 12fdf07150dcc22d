import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AccessClaims {
  sub: string;
  tid: string;
  /** The session family (refresh-token family) the token was issued for; checked on every request. */
  fid: string;
  iat: number;
  exp: number;
  typ: 'access';
}

const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(data: string, secret: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

export function signAccessToken(
  claims: Omit<AccessClaims, 'iat' | 'exp' | 'typ'>,
  secret: string,
  ttlSec: number,
): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(JSON.stringify({ ...claims, typ: 'access', iat: now, exp: now + ttlSec })).toString(
    'base64url',
  );
  return `${header}.${payload}.${sign(`${header}.${payload}`, secret)}`;
}

/** Clock difference between API nodes tolerated on `iat` (seconds). */
export const CLOCK_SKEW_SEC = 60;

/** Returns the claims, or null for any malformed, forged or expired token, or one issued in the future. */
export function verifyAccessToken(
  token: string,
  secret: string,
  now = Math.floor(Date.now() / 1000),
): AccessClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  if (h !== header) return null;
  const expected = Buffer.from(sign(`${h}.${p}`, secret));
  const given = Buffer.from(s);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as AccessClaims;
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.tid !== 'string') return null;
    if (typeof claims.fid !== 'string') return null;
    if (typeof claims.exp !== 'number' || claims.exp <= now) return null;
    if (typeof claims.iat !== 'number' || claims.iat > now + CLOCK_SKEW_SEC) return null;
    return claims;
  } catch {
    return null;
  }
}
