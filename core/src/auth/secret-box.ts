import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '@elevate/sdk';

/**
 * Secrets kept at rest: AES-256-GCM with a 12-byte random IV, a key derived from the process
 * secret (JWT_SECRET) and a purpose label, so each use has its own key. `context` is bound as
 * additional authenticated data: a value sealed for one tenant does not open for another.
 * Format: `v1.<iv>.<ciphertext>.<tag>` (base64url).
 */
export class SecretBox {
  private readonly key: Buffer;
  constructor(purpose: string, processSecret: string) {
    this.key = createHash('sha256').update(`${purpose}:${processSecret}`).digest();
  }

  seal(plain: string, context?: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    if (context !== undefined) c.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${c.getAuthTag().toString('base64url')}`;
  }

  /** Throws SECRET_UNREADABLE (500) for a value sealed under another key or context, or altered. */
  open(sealed: string, context?: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    try {
      if (version !== 'v1') throw new Error('unknown format');
      const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv ?? '', 'base64url'));
      if (context !== undefined) d.setAAD(Buffer.from(context, 'utf8'));
      d.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
      return Buffer.concat([d.update(Buffer.from(body ?? '', 'base64url')), d.final()]).toString('utf8');
    } catch {
      throw new AppError('SECRET_UNREADABLE', 'A stored secret cannot be read (another key, or altered)', {
        status: 500,
      });
    }
  }
}
