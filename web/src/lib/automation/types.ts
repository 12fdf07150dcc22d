/** What GET /api/v1/core/automation/catalog answers (the builder's pickers). */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  enum?: unknown[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  'x-widget'?: string;
}

export interface Catalog {
  triggers: {
    name: string;
    title: string;
    description: string;
    addon: string | null;
    payload: JsonSchema;
    /** A payload that fits `payload` (its examples where it has them): the test run's starting point. */
    sample?: Record<string, unknown>;
    model: string | null;
  }[];
  actions: {
    name: string;
    title: string;
    description: string;
    addon: string | null;
    params: JsonSchema;
    result: JsonSchema;
  }[];
  models: { name: string; addon: string; owned: boolean; fields: { key: string; kind: string; values?: string[] }[] }[];
}

export type Trigger =
  | { type: 'event'; event: string }
  | { type: 'record'; model: string; on: 'created' | 'updated' | 'deleted'; fields?: string[] }
  | { type: 'schedule'; cron: string; tz?: string }
  | { type: 'date'; model: string; field: string; offsetDays: number }
  | { type: 'inbound'; body?: JsonSchema };

export interface Leaf {
  field: string;
  op: string;
  value?: unknown;
}

export interface ActionItem {
  id: string;
  action: string;
  params: Record<string, unknown>;
}

/** A step of the builder's tree: an action, or a branch whose sides hold steps of their own. */
export type StepItem =
  | ({ kind: 'action' } & ActionItem)
  | { kind: 'branch'; id: string; join: 'all' | 'any'; leaves: Leaf[]; yes: StepItem[]; no: StepItem[] };

/** A rule's stored steps (as the API has them). */
export type StoredStep =
  | { id: string; action: string; params?: Record<string, unknown> }
  | { id: string; branch: { if: ConditionTree; yes: StoredStep[]; no?: StoredStep[] } };
export type ConditionTree = { all?: Leaf[]; any?: Leaf[] } | Leaf;

/** The users and teams the pickers offer (GET /api/v1/core/automation/directory). */
export interface Directory {
  users: { id: string; name: string; email: string }[];
  teams: { id: string; name: string; members: number }[];
}

/** A condition tree as the builder edits it: one group of leaves joined by all or any. */
export function toGroup(c: ConditionTree | null | undefined): { join: 'all' | 'any'; leaves: Leaf[] } {
  if (!c) return { join: 'all', leaves: [] };
  if ('field' in c) return { join: 'all', leaves: [{ ...c }] };
  return { join: 'any' in c ? 'any' : 'all', leaves: ((c.all ?? c.any ?? []) as Leaf[]).map((l) => ({ ...l })) };
}

/** The group back as a condition tree (leaves without a variable left out; null when none). */
export function fromGroup(join: 'all' | 'any', leaves: Leaf[]): ConditionTree | null {
  const conds = leaves
    .filter((l) => l.field)
    .map((l) => (OPS.find((o) => o.value === l.op)?.needsValue ? l : { field: l.field, op: l.op }));
  return conds.length ? ({ [join]: conds } as ConditionTree) : null;
}

export function toItems(steps: readonly StoredStep[]): StepItem[] {
  return steps.map((s) =>
    'branch' in s
      ? {
          kind: 'branch',
          id: s.id,
          ...toGroup(s.branch.if),
          yes: toItems(s.branch.yes),
          no: toItems(s.branch.no ?? []),
        }
      : { kind: 'action', id: s.id, action: s.action, params: { ...(s.params ?? {}) } },
  );
}

export function fromItems(items: readonly StepItem[]): StoredStep[] {
  return items.map((s) =>
    s.kind === 'branch'
      ? {
          id: s.id,
          branch: {
            // A branch needs a condition: with none picked yet the API names the field.
            if: fromGroup(s.join, s.leaves) ?? ({ all: [] } as ConditionTree),
            yes: fromItems(s.yes),
            no: fromItems(s.no),
          },
        }
      : { id: s.id, action: s.action, params: s.params },
  );
}

/** Every step id in the tree (ids are unique in a rule). */
export function allIds(items: readonly StepItem[]): string[] {
  return items.flatMap((s) => (s.kind === 'branch' ? [s.id, ...allIds(s.yes), ...allIds(s.no)] : [s.id]));
}

/** The actions that run before `id` whatever the branches take (earlier in the flattened order), for step variables. */
export function actionsBefore(items: readonly StepItem[], id: string): ActionItem[] {
  const out: ActionItem[] = [];
  const walk = (list: readonly StepItem[]): boolean => {
    for (const s of list) {
      if (s.id === id) return true;
      if (s.kind === 'branch') {
        if (walk(s.yes) || walk(s.no)) return true;
      } else out.push(s);
    }
    return false;
  };
  walk(items);
  return out;
}

export interface RuleInfo {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  status: 'active' | 'disabled' | 'paused';
  pausedReason: string | null;
  trigger: Trigger;
  conditions: { all?: Leaf[]; any?: Leaf[] } | Leaf | null;
  actions: { id: string; action?: string; params?: Record<string, unknown>; branch?: unknown }[];
  createdAt: string;
  updatedAt: string;
}

export interface RunInfo {
  id: string;
  ruleId: string;
  ruleName: string;
  eventName: string;
  status: string;
  depth: number;
  reason: string | null;
  error: string | null;
  failedStep: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface StepInfo {
  stepId: string;
  action: string;
  status: string;
  input: unknown;
  output: unknown;
  error: string | null;
  attempts: number;
  durationMs: number | null;
}

/** The comparisons of a condition (their labels: `automation.op` in the web catalogue). */
export const OPS: { value: string; needsValue: boolean }[] = [
  { value: 'equals', needsValue: true },
  { value: 'not_equals', needsValue: true },
  { value: 'contains', needsValue: true },
  { value: 'greater', needsValue: true },
  { value: 'less', needsValue: true },
  { value: 'changed', needsValue: false },
  { value: 'changed_to', needsValue: true },
  { value: 'is_set', needsValue: false },
  { value: 'not_set', needsValue: false },
];

/** Where a variable comes from, as its picker label says ("Record: owner"). */
export type VariableSource = 'event' | 'webhook' | 'schedule' | 'record';

/** The words of the variable labels: English here (no i18n import, for Node tests); the builder passes the user's language. */
export interface VariableWords {
  label: (source: VariableSource, name: string) => string;
  firedAt: string;
  id: string;
  owner: string;
  createdBy: string;
}

const SOURCES: Record<VariableSource, string> = {
  event: 'Event',
  webhook: 'Webhook body',
  schedule: 'Schedule',
  record: 'Record',
};
export const ENGLISH_VARIABLE_WORDS: VariableWords = {
  label: (source, name) => `${SOURCES[source]}: ${name}`,
  firedAt: 'fired at',
  id: 'id',
  owner: 'owner',
  createdBy: 'created by',
};

/** The variables a rule with this trigger may use, for the pickers (never typed by hand). */
export function variablesOf(
  catalog: Catalog,
  trigger: Trigger,
  words: VariableWords = ENGLISH_VARIABLE_WORDS,
): { path: string; label: string }[] {
  const { label } = words;
  const out: { path: string; label: string }[] = [];
  let model: string | null = null;
  if (trigger.type === 'event') {
    const t = catalog.triggers.find((x) => x.name === trigger.event);
    for (const [k, s] of Object.entries(t?.payload.properties ?? {}))
      out.push({ path: `payload.${k}`, label: label('event', s.title ?? k) });
    model = t?.model ?? null;
  } else if (trigger.type === 'record' || trigger.type === 'date') {
    model = trigger.model;
  } else if (trigger.type === 'inbound') {
    for (const [k, s] of Object.entries(trigger.body?.properties ?? {}))
      out.push({ path: `payload.${k}`, label: label('webhook', s.title ?? k) });
  } else {
    out.push({ path: 'payload.firedAt', label: label('schedule', words.firedAt) });
  }
  const m = catalog.models.find((x) => x.name === model);
  if (m) {
    out.push({ path: 'record.id', label: label('record', words.id) });
    for (const f of m.fields) out.push({ path: `record.${f.key}`, label: label('record', f.key) });
    if (m.owned) out.push({ path: 'record.ownerId', label: label('record', words.owner) });
    out.push({ path: 'record.createdBy', label: label('record', words.createdBy) });
  }
  return out;
}
