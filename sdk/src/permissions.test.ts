// The one permission rule of the kernel and the web app, on every form a grant takes.
import { describe, expect, it } from 'vitest';
import { allows, parseGrant, permissionMatches, widestScope } from './permissions.ts';

const enabled = ['crm'];

describe('allows', () => {
  it.each([
    ['exact', 'crm.contact.read'],
    ['own records', 'crm.contact.read@own'],
    ['team records', 'crm.contact.read@team'],
    ['all records, spelt out', 'crm.contact.read@all'],
    ['an addon wildcard', 'crm.*'],
    ['an addon wildcard with a scope', 'crm.*@own'],
    ['a noun wildcard', 'crm.contact.*'],
    ['a noun wildcard with a scope', 'crm.contact.*@team'],
    ['everything', '*'],
  ])('a grant of %s (%s) covers crm.contact.read', (_, grant) => {
    expect(allows([grant], enabled, 'crm.contact.read')).toBe(true);
    expect(allows([grant], new Set(enabled), 'crm.contact.read')).toBe(true);
  });

  it.each([
    ['another action', 'crm.contact.write'],
    ['another action with a scope', 'crm.contact.write@own'],
    ['a longer key with the same start', 'crm.contact.readers'],
    ['another addon', 'sales.*'],
    ['a prefix without the dot', 'cr*'],
    ['a wildcard of the key itself', 'crm.contact.read.*'],
  ])('a grant of %s (%s) does not cover crm.contact.read', (_, grant) => {
    expect(allows([grant], enabled, 'crm.contact.read')).toBe(false);
  });

  it('refuses a permission of an addon that is not enabled, whatever the grant', () => {
    expect(allows(['*'], [], 'crm.contact.read')).toBe(false);
    expect(allows(['crm.contact.read@own'], new Set(), 'crm.contact.read')).toBe(false);
  });

  it('needs no enabled addon for core permissions', () => {
    expect(allows(['core.*'], [], 'core.addons.manage')).toBe(true);
    expect(allows(['crm.*'], [], 'core.addons.manage')).toBe(false);
  });

  it('refuses when nothing is granted', () => {
    expect(allows([], enabled, 'crm.contact.read')).toBe(false);
  });
});

describe('record scopes', () => {
  it.each([
    ['crm.contact.read', 'all'],
    ['crm.contact.read@all', 'all'],
    ['crm.contact.read@team', 'team'],
    ['crm.contact.read@own', 'own'],
    // A misspelt scope narrows, never widens.
    ['crm.contact.read@everyone', 'own'],
  ])('%s gives %s', (grant, scope) => {
    expect(parseGrant(grant)).toEqual({ pattern: 'crm.contact.read', scope });
  });

  it('takes the widest scope among matching grants', () => {
    expect(widestScope(['crm.contact.read@own', 'crm.*@team'], 'crm.contact.read')).toBe('team');
    expect(widestScope(['crm.contact.read@own', '*'], 'crm.contact.read')).toBe('all');
    expect(widestScope(['crm.contact.write@team'], 'crm.contact.read')).toBeNull();
  });

  it('matches the permission part only', () => {
    expect(permissionMatches('crm.contact.read@own', 'crm.contact.read')).toBe(true);
    expect(permissionMatches('crm.contact.read@own', 'crm.contact.read@own')).toBe(false);
  });
});
