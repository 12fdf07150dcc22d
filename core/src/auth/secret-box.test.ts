import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.ts';

const SECRET = 'a-process-secret-of-at-least-32-bytes!!';

describe('SecretBox', () => {
  it('seals to an opaque value that opens under the same key and context only', () => {
    const box = new SecretBox('elevate-addon-secret', SECRET);
    const sealed = box.seal('sk_test_123', 'tenant:a');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('sk_test_123');
    expect(box.seal('sk_test_123', 'tenant:a')).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, 'tenant:a')).toBe('sk_test_123');
    expect(() => box.open(sealed, 'tenant:b')).toThrow(expect.objectContaining({ code: 'SECRET_UNREADABLE' }));
    expect(() => new SecretBox('elevate-mfa-secret', SECRET).open(sealed, 'tenant:a')).toThrow(/cannot be read/);
    expect(() => new SecretBox('elevate-addon-secret', `${SECRET}x`).open(sealed, 'tenant:a')).toThrow(
      /cannot be read/,
    );
  });

  it('refuses an altered value', () => {
    const box = new SecretBox('p', SECRET);
    const [v, iv, body, tag] = box.seal('whsec_abc').split('.') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => box.open([v, iv, flipped.toString('base64url'), tag].join('.'))).toThrow(/cannot be read/);
    expect(() => box.open('not-sealed')).toThrow(/cannot be read/);
  });
});
