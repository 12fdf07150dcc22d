import { describe, expect, it } from 'vitest';
import { pluralOf } from './resource.ts';

describe('default resource paths and list names', () => {
  it('are English plurals', () => {
    expect(
      ['entry', 'ticket', 'box', 'tax', 'match', 'wish', 'category', 'day', 'GuestbookEntry'].map(pluralOf),
    ).toEqual(['entries', 'tickets', 'boxes', 'taxes', 'matches', 'wishes', 'categories', 'days', 'GuestbookEntries']);
  });
});
