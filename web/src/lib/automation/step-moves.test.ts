import { describe, expect, it } from 'vitest';
import { listAt, moveChoices, moveStep } from './step-moves.ts';
import type { StepItem } from './types.ts';

const action = (id: string): StepItem => ({ kind: 'action', id, action: 'core.wait', params: {} });
const branch = (id: string, yes: StepItem[] = [], no: StepItem[] = []): StepItem => ({
  kind: 'branch',
  id,
  join: 'all',
  leaves: [],
  yes,
  no,
});
/** The tree as ids: branches as [id, yes, no]. */
type Shape = string | [string, Shape[], Shape[]];
const shape = (items: StepItem[]): Shape[] =>
  items.map((s) => (s.kind === 'branch' ? [s.id, shape(s.yes), shape(s.no)] : s.id));

describe('moving steps in the builder’s tree', () => {
  it('moves a step into a branch, out of it, and between sides; reorders within a list', () => {
    const root = [action('a'), branch('b', [action('y1')], []), action('c')];
    // Into the branch's empty "no" side, from before it (the branch's index shifts, its list does not).
    expect(moveStep(root, { path: 'actions', index: 0 }, { path: 'actions.1.branch.no', index: 0 })).toBe(true);
    expect(shape(root)).toEqual([['b', ['y1'], ['a']], 'c']);
    // From yes to no, before "a".
    expect(moveStep(root, { path: 'actions.0.branch.yes', index: 0 }, { path: 'actions.0.branch.no', index: 0 })).toBe(
      true,
    );
    expect(shape(root)).toEqual([['b', [], ['y1', 'a']], 'c']);
    // Out to the end of the top level (an index past the end appends).
    expect(moveStep(root, { path: 'actions.0.branch.no', index: 1 }, { path: 'actions', index: 99 })).toBe(true);
    expect(shape(root)).toEqual([['b', [], ['y1']], 'c', 'a']);
    // A reorder: the step lands at the target index.
    expect(moveStep(root, { path: 'actions', index: 2 }, { path: 'actions', index: 0 })).toBe(true);
    expect(shape(root)).toEqual(['a', ['b', [], ['y1']], 'c']);
  });

  it('refuses to move a branch into itself, and paths that do not exist', () => {
    const root = [branch('b', [branch('inner')], [])];
    expect(moveStep(root, { path: 'actions', index: 0 }, { path: 'actions.0.branch.yes', index: 0 })).toBe(false);
    expect(moveStep(root, { path: 'actions', index: 0 }, { path: 'actions.0.branch.yes.0.branch.no', index: 0 })).toBe(
      false,
    );
    expect(moveStep(root, { path: 'actions', index: 5 }, { path: 'actions', index: 0 })).toBe(false);
    expect(moveStep(root, { path: 'actions', index: 0 }, { path: 'actions.3.branch.yes', index: 0 })).toBe(false);
    expect(listAt(root, 'actions.0.branch.maybe')).toBeUndefined();
    expect(shape(root)).toEqual([['b', [['inner', [], []]], []]]);
  });

  it('offers every other list as a keyboard destination, never the step’s own insides', () => {
    const root = [action('a'), branch('b', [branch('inner')], [])];
    expect(moveChoices(root, { path: 'actions', index: 0 })).toEqual([
      { path: 'actions.1.branch.yes', label: 'Step 2: yes' },
      { path: 'actions.1.branch.yes.0.branch.yes', label: 'Step 2 yes 1: yes' },
      { path: 'actions.1.branch.yes.0.branch.no', label: 'Step 2 yes 1: no' },
      { path: 'actions.1.branch.no', label: 'Step 2: no' },
    ]);
    expect(moveChoices(root, { path: 'actions', index: 1 })).toEqual([]);
    expect(moveChoices(root, { path: 'actions.1.branch.yes', index: 0 }).map((c) => c.label)).toEqual([
      'Top level',
      'Step 2: no',
    ]);
  });
});
