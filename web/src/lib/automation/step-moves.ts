import type { StepItem } from './types.ts';

/**
 * Moving steps anywhere in a rule's tree (into a branch's yes/no list, out of it, between
 * branches), for the builder's drag and drop and its keyboard "Move to" select. A list is named by
 * its path in the rule body, as the API's error paths are: `actions`, `actions.1.branch.yes`.
 */

export interface StepAt {
  /** The list (`actions`, `actions.0.branch.no`). */
  path: string;
  index: number;
}

/** The list at `path` in the tree, or undefined. */
export function listAt(root: StepItem[], path: string): StepItem[] | undefined {
  const parts = path.split('.');
  if (parts[0] !== 'actions') return undefined;
  let list: StepItem[] = root;
  for (let i = 1; i < parts.length; i += 3) {
    const step = list[Number(parts[i])];
    const side = parts[i + 2];
    if (step?.kind !== 'branch' || parts[i + 1] !== 'branch' || (side !== 'yes' && side !== 'no')) return undefined;
    list = step[side];
  }
  return list;
}

/**
 * Moves the step at `from` to `to` (before the step at `to.index`; at the end when past it), in
 * place. Refused (false) when either end does not exist or a branch would move into itself.
 * Within one list it is a reorder: the step lands at `to.index`.
 */
export function moveStep(root: StepItem[], from: StepAt, to: StepAt): boolean {
  const source = listAt(root, from.path);
  const target = listAt(root, to.path);
  const step = source?.[from.index];
  if (!source || !target || !step) return false;
  // Into its own sides (or deeper): the step's own path is a prefix of the target's.
  if (to.path.startsWith(`${from.path}.${from.index}.`)) return false;
  // Resolved before the removal: taking the step out may shift the target's path, not its list.
  source.splice(from.index, 1);
  const at = Math.max(0, Math.min(to.index, target.length));
  target.splice(at, 0, step);
  return true;
}

/** The words of the step names and "Move to" labels: English here (no i18n import, for Node tests); the builder passes the user's language. */
export interface StepWords {
  yes: string;
  no: string;
  topLevel: string;
  /** A branch side's label: "Step 2: yes". */
  side: (step: string, side: string) => string;
}

export const ENGLISH_STEP_WORDS: StepWords = {
  yes: 'yes',
  no: 'no',
  topLevel: 'Top level',
  side: (step, side) => `Step ${step}: ${side}`,
};

/** The name of the branch step whose side the list at `path` is, as the builder shows it: "2", "2 yes 1". */
function ownerName(root: StepItem[], path: string, words: StepWords): string {
  const parts = path.split('.');
  const bits: string[] = [];
  let list: StepItem[] = root;
  for (let i = 1; i < parts.length; i += 3) {
    const idx = Number(parts[i]);
    bits.push(String(idx + 1));
    const step = list[idx];
    const side = parts[i + 2] as 'yes' | 'no';
    if (step?.kind !== 'branch') break;
    list = step[side];
    bits.push(words[side]);
  }
  // Numbers and sides alternate: a name ending in a side drops it (the label names the side).
  if (bits.length % 2 === 0) bits.pop();
  return bits.join(' ');
}

/**
 * The lists the step at `from` may move to (the keyboard's "Move to" choices): every list of the
 * tree but its own and those inside it, labelled "Top level", "Step 2: yes", "Step 2 yes 1: no".
 */
export function moveChoices(
  root: StepItem[],
  from: StepAt,
  words: StepWords = ENGLISH_STEP_WORDS,
): { path: string; label: string }[] {
  const out: { path: string; label: string }[] = [];
  const walk = (list: StepItem[], path: string) => {
    if (path !== from.path) {
      const side = path.endsWith('.yes') ? words.yes : words.no;
      const label = path === 'actions' ? words.topLevel : words.side(ownerName(root, path, words), side);
      out.push({ path, label });
    }
    list.forEach((s, i) => {
      if (s.kind !== 'branch' || (path === from.path && i === from.index)) return;
      walk(s.yes, `${path}.${i}.branch.yes`);
      walk(s.no, `${path}.${i}.branch.no`);
    });
  };
  walk(root, 'actions');
  return out;
}
