import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '@elevate/sdk';
import { isUuid } from '../db/uuid.ts';

/**
 * A one-time token in a link: `<tenant id>.<row id>.<secret>`. The secret is 256 random bits;
 * only its SHA-256 is stored, so the database cannot produce a valid link and no link can be
 * made up without it.
 */
export function newSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export const formatToken = (tenantId: string, id: string, secret: string) => `${tenantId}.${id}.${secret}`;

export function invalidToken(field = 'token'): ValidationError {
  return new ValidationError('This link is invalid, used or expired; ask for a new one', [
    { path: field, message: 'is invalid, used or expired' },
  ]);
}

export function parseToken(token: string, field = 'token'): { tenantId: string; id: string; secret: string } {
  const [tenantId, id, secret, extra] = token.split('.');
  if (!tenantId || !id || !secret || extra !== undefined || !isUuid(tenantId) || !isUuid(id)) {
    throw invalidToken(field);
  }
  return { tenantId, id, secret };
}

/** Compares stored and presented hashes without leaking where they differ. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
