import { createHash } from 'node:crypto';
import { AppError, type SystemContext } from '@elevate/sdk';
import { salesErrors } from '../errors.ts';
import { ShareLink } from '../models/misc.model.ts';
import { Quote } from '../models/quote.model.ts';

/** A signature's longest data URL: a drawn pad of a few hundred pixels is 5–30 KB of PNG. */
export const SIGNATURE_MAX = 200_000;
/** The largest drawn signature accepted, in pixels. */
const MAX_WIDTH = 2000;
const MAX_HEIGHT = 1000;
const TYPED_MAX = 200;

const gone = (code: string, message: string) => new AppError(code, message, { status: 410 });

/**
 * The link of a token, or why it no longer opens its quote: unknown → 404 NOT_FOUND; revoked →
 * 410 SALES_LINK_REVOKED (SALES_QUOTE_SUPERSEDED when a newer revision replaced the quote);
 * expired → 410 SALES_LINK_EXPIRED. Only someone holding the token (256 random bits) learns that
 * it once existed. The hash is share.service.ts's: SHA-256 hex of the whole token.
 */
export async function liveLink(ctx: SystemContext, token: string): Promise<{ quoteId: string }> {
  const tokenHash = createHash('sha256').update(token).digest('hex');
  const link = (await ctx.db.repo(ShareLink).find({ where: { tokenHash } }))[0];
  if (!link) throw salesErrors.link();
  if (link.revokedAt) {
    const q = await ctx.db.repo(Quote).get(link.quote);
    if (q?.state === 'superseded') {
      throw gone('SALES_QUOTE_SUPERSEDED', 'This quote was replaced by a newer revision: ask for its link');
    }
    throw gone('SALES_LINK_REVOKED', 'This link was withdrawn: ask for a new one');
  }
  if (Date.parse(link.expiresAt) <= Date.now())
    throw gone('SALES_LINK_EXPIRED', 'This link has expired: ask for a new one');
  return { quoteId: link.quote };
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/;
const invalid = (message: string) => salesErrors.invalid('signature', message);

/**
 * A drawn signature (a PNG data URL whose bytes really are a PNG of at most 2000 × 1000 pixels) or
 * a typed one (1–200 printable characters). Returns what is stored.
 */
export function checkSignature(raw: string): string {
  if (raw.startsWith('data:')) {
    const m = DATA_URL.exec(raw);
    if (!m) throw invalid('must be a data:image/png;base64 URL or typed text');
    const png = Buffer.from(m[1] as string, 'base64');
    if (png.length < 57 || !png.subarray(0, 8).equals(PNG_MAGIC) || png.toString('latin1', 12, 16) !== 'IHDR') {
      throw invalid('is not a PNG image');
    }
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    if (width < 1 || height < 1 || width > MAX_WIDTH || height > MAX_HEIGHT) {
      throw invalid(`must be at most ${MAX_WIDTH} × ${MAX_HEIGHT} pixels (is ${width} × ${height})`);
    }
    if (png.toString('latin1', png.length - 8, png.length - 4) !== 'IEND') throw invalid('is a truncated PNG image');
    return raw;
  }
  const typed = raw.trim().replace(/\s+/g, ' ');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (!typed || typed.length > TYPED_MAX || /[\u0000-\u001f\u007f]/.test(raw)) {
    throw invalid(`must be typed text of 1–${TYPED_MAX} printable characters`);
  }
  return typed;
}
