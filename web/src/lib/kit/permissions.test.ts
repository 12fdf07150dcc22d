// The web app decides what to show with the kernel's own rule (the SDK's), record scopes included.
import { allows as kernelRule } from '@elevate/sdk/permissions';
import { describe, expect, it } from 'vitest';
import { allows } from './permissions.ts';

describe('web permission check', () => {
  it('is the kernel rule', () => {
    expect(allows).toBe(kernelRule);
  });

  it("shows crm to a member holding only record-scoped grants (a sales rep's role)", () => {
    const member = ['crm.contact.read@own', 'crm.activity.read@own', 'crm.pipeline.read'];
    expect(allows(member, ['crm'], 'crm.contact.read')).toBe(true);
    expect(allows(['crm.contact.read@team'], ['crm'], 'crm.contact.read')).toBe(true);
    expect(allows(member, ['crm'], 'crm.contact.delete')).toBe(false);
  });
});
