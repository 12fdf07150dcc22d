import type { ActionStep, ConditionExpr, JsonValue } from '@elevate/sdk';

/** One entry of a rule's action tree, flattened in execution order. */
export type PlanEntry =
  | { key: string; kind: 'action'; id: string; action: string; params: Record<string, JsonValue>; within: string[] }
  | { key: string; kind: 'branch'; id: string; condition: ConditionExpr; within: string[] };

/**
 * The action tree as a flat list: a run's position is an index into it, so a run resumes (after a
 * wait, a retry, a restart) at an index. `within` lists the branch sides an entry sits in
 * (`<branch id>:yes`), so entries of the side not taken are skipped.
 */
export function flatten(steps: readonly ActionStep[], within: string[] = []): PlanEntry[] {
  const out: PlanEntry[] = [];
  for (const s of steps) {
    if ('branch' in s) {
      out.push({ key: s.id, kind: 'branch', id: s.id, condition: s.branch.if, within });
      out.push(...flatten(s.branch.yes, [...within, `${s.id}:yes`]));
      out.push(...flatten(s.branch.no ?? [], [...within, `${s.id}:no`]));
    } else {
      out.push({ key: s.id, kind: 'action', id: s.id, action: s.action, params: s.params ?? {}, within });
    }
  }
  return out;
}

/** Whether an entry runs, given the sides taken so far (branch id → 'yes' | 'no'). */
export function onPath(entry: PlanEntry, taken: ReadonlyMap<string, string>): boolean {
  return entry.within.every((w) => {
    const [id, side] = w.split(':');
    return taken.get(id as string) === side;
  });
}

/** Every step id of a tree (ids must be unique in a rule). */
export function stepIds(steps: readonly ActionStep[]): string[] {
  return flatten(steps).map((e) => e.id);
}
