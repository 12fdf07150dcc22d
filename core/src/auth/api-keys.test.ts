import { describe, expect, it } from 'vitest';
import { intersectPatterns, parseApiKey, patternCovers } from './api-keys.ts';

describe('API key permission patterns', () => {
  it('a held pattern covers narrower ones, scope included', () => {
    expect(patternCovers('*', 'crm.contact.read')).toBe(true);
    expect(patternCovers('crm.*', 'crm.contact.read')).toBe(true);
    expect(patternCovers('crm.*', 'crm.*')).toBe(true);
    expect(patternCovers('crm.contact.*', 'crm.*')).toBe(false);
    expect(patternCovers('crm.contact.read', '*')).toBe(false);
    expect(patternCovers('crm.contact.read@team', 'crm.contact.read@own')).toBe(true);
    expect(patternCovers('crm.contact.read@own', 'crm.contact.read')).toBe(false);
    expect(patternCovers('crmx.*', 'crm.contact.read')).toBe(false);
  });

  it("a key's permissions shrink with its creator's", () => {
    expect(intersectPatterns(['crm.*'], ['*'])).toEqual(['crm.*']);
    expect(intersectPatterns(['crm.*'], ['crm.contact.read@own', 'core.*'])).toEqual(['crm.contact.read@own']);
    expect(intersectPatterns(['crm.contact.read'], ['crm.contact.read@team'])).toEqual(['crm.contact.read@team']);
    expect(intersectPatterns(['crm.contact.read'], [])).toEqual([]);
    expect(intersectPatterns(['crm.contact.write'], ['crm.contact.read'])).toEqual([]);
  });

  it('reads only keys of the right shape', () => {
    expect(parseApiKey('ek_live_short')).toBeNull();
    expect(parseApiKey('eyJhbGciOi.x.y')).toBeNull();
    const k = `ek_live_${'a'.repeat(32)}${'b'.repeat(32)}${'c'.repeat(43)}`;
    expect(parseApiKey(k)).toMatchObject({ keyId: 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa' });
  });
});
