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
  | { type: 'date'; model: string; field: string; offsetDays: number };

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

export const OPS: { value: string; label: string; needsValue: boolean }[] = [
  { value: 'equals', label: 'equals', needsValue: true },
  { value: 'not_equals', label: 'does not equal', needsValue: true },
  { value: 'contains', label: 'contains', needsValue: true },
  { value: 'greater', label: 'is greater than', needsValue: true },
  { value: 'less', label: 'is less than', needsValue: true },
  { value: 'changed', label: 'changed', needsValue: false },
  { value: 'changed_to', label: 'changed to', needsValue: true },
  { value: 'is_set', label: 'is set', needsValue: false },
  { value: 'not_set', label: 'is not set', needsValue: false },
];

/** The variables a rule with this trigger may use, for the pickers (never typed by hand). */
export function variablesOf(catalog: Catalog, trigger: Trigger): { path: string; label: string }[] {
  const out: { path: string; label: string }[] = [];
  let model: string | null = null;
  if (trigger.type === 'event') {
    const t = catalog.triggers.find((x) => x.name === trigger.event);
    for (const [k, s] of Object.entries(t?.payload.properties ?? {}))
      out.push({ path: `payload.${k}`, label: `Event: ${s.title ?? k}` });
    model = t?.model ?? null;
  } else if (trigger.type === 'record' || trigger.type === 'date') {
    model = trigger.model;
  } else {
    out.push({ path: 'payload.firedAt', label: 'Schedule: fired at' });
  }
  const m = catalog.models.find((x) => x.name === model);
  if (m) {
    out.push({ path: 'record.id', label: 'Record: id' });
    for (const f of m.fields) out.push({ path: `record.${f.key}`, label: `Record: ${f.key}` });
    if (m.owned) out.push({ path: 'record.ownerId', label: 'Record: owner' });
    out.push({ path: 'record.createdBy', label: 'Record: created by' });
  }
  return out;
}
