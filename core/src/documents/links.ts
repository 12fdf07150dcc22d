import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '@elevate/sdk';
import { isUuid } from '../db/uuid.ts';

/**
 * Download links: `<tenant id>.<document id>.<expiry, unix s>.<HMAC-SHA256, base64url>`, keyed with
 * a key derived from JWT_SECRET for this purpose only. The tenant is inside the signed part, and
 * the document is then read under that tenant's row-level security: a link never serves another
 * tenant's file, and changing any part breaks the signature.
 */
export const LINK_DEFAULT_SEC = 7 * 24 * 3600;
export const LINK_MAX_SEC = 90 * 24 * 3600;

/** What a link opens: a key per purpose, so a document's link never opens an export and back. */
export type LinkPurpose = 'document' | 'export';

const keys = new Map<string, Buffer>();
function keyFor(secret: string, purpose: LinkPurpose): Buffer {
  const name = `${purpose}:${secret}`;
  let k = keys.get(name);
  if (!k) {
    k = createHash('sha256').update(`elevate-${purpose}-link:${secret}`).digest();
    keys.set(name, k);
  }
  return k;
}

const mac = (secret: string, data: string, purpose: LinkPurpose) =>
  createHmac('sha256', keyFor(secret, purpose)).update(data).digest('base64url');

export function signLink(
  secret: string,
  tenantId: string,
  documentId: string,
  expiresAt: number,
  purpose: LinkPurpose = 'document',
): string {
  const data = `${tenantId}.${documentId}.${expiresAt}`;
  return `${data}.${mac(secret, data, purpose)}`;
}

const invalid = () => new AppError('LINK_INVALID', 'This download link is not valid', { status: 403 });

/** The tenant and document of a valid, unexpired link; 403 LINK_INVALID, 410 LINK_EXPIRED. */
export function verifyLink(
  secret: string,
  token: string,
  now = Math.floor(Date.now() / 1000),
  purpose: LinkPurpose = 'document',
) {
  const parts = token.split('.');
  if (parts.length !== 4) throw invalid();
  const [tenantId, documentId, exp, sig] = parts as [string, string, string, string];
  if (!isUuid(tenantId) || !isUuid(documentId) || !/^\d{1,12}$/.test(exp)) throw invalid();
  const expected = Buffer.from(mac(secret, `${tenantId}.${documentId}.${exp}`, purpose));
  const got = Buffer.from(sig);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw invalid();
  if (Number(exp) <= now)
    throw new AppError('LINK_EXPIRED', 'This download link has expired: ask for a new one', { status: 410 });
  return { tenantId, documentId };
}
