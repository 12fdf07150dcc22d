import type { ConditionExpr, ConditionScope, JsonValue } from './automation-conditions.ts';
import { readPath } from './automation-conditions.ts';
import type { RequestContext, SystemContext } from './context.ts';
import type { EventDef } from './events.ts';
import type { AnyModel } from './model.ts';
import type { JsonSchema } from './rest.ts';

/**
 * Automation: what an addon offers the rule engine. Triggers are its domain events with the
 * payload's JSON schema (the builder offers the payload's fields as variables and conditions);
 * actions are typed, ajv-validated operations run in the tenant's context. Record triggers
 * (created / updated / field changed, for any model) and schedules (cron; N days before or after
 * a date field) come from the platform and need no declaration. See docs/automation.md.
 */

/** An addon's domain event offered as a rule trigger. */
export interface TriggerDef<P = unknown> {
  readonly kind: 'trigger';
  /** The event's name (`crm.opportunity.won`): a rule's `{ type: 'event', event }`. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly event: EventDef<P>;
  /** JSON schema of the event's payload: the variables a rule may use (`payload.<field>`). */
  readonly payload: JsonSchema;
  /**
   * The model the event is about when the event's aggregate id is that model's record id:
   * conditions may then read `record.<field>` and record actions (update a field) apply to it.
   */
  readonly model: AnyModel | null;
}

export function defineTrigger<P>(
  event: EventDef<P>,
  def: { title: string; description?: string; payload: JsonSchema; model?: AnyModel },
): TriggerDef<P> {
  return {
    kind: 'trigger',
    name: event.name,
    title: def.title,
    description: def.description ?? '',
    event,
    payload: def.payload,
    model: def.model ?? null,
  };
}

/** How a rule starts (stored as JSON on the rule). */
export type TriggerSpec =
  /** An addon's declared trigger (a domain event). */
  | { type: 'event'; event: string }
  /** A record of any model created, updated (optionally: only when one of `fields` changed) or deleted. */
  | { type: 'record'; model: string; on: 'created' | 'updated' | 'deleted'; fields?: string[] }
  /** A cron pattern (minute hour day month weekday) in `tz` (default UTC). */
  | { type: 'schedule'; cron: string; tz?: string }
  /** `offsetDays` days after (negative: before) the date in `field` of each record of `model`. */
  | { type: 'date'; model: string; field: string; offsetDays: number }
  /**
   * A JSON POST to the rule's own URL (an inbound webhook, a web form): the body is the payload;
   * `body`, a JSON schema of an object, checks it (docs/automation.md#inbound-webhooks).
   */
  | { type: 'inbound'; body?: JsonSchema };

/** One entry of a rule's ordered action list. */
export type ActionStep =
  | { id: string; action: string; params?: Record<string, JsonValue> }
  /** `yes` runs when the condition holds, `no` otherwise (not then/else: an object with `then` is a thenable). */
  | { id: string; branch: { if: ConditionExpr; yes: ActionStep[]; no?: ActionStep[] } };

/** What an action knows about the run it is part of. */
export interface ActionRunInfo {
  rule: { id: string; name: string; ownerId: string };
  run: { id: string; attempt: number; depth: number };
  /** The step's id in the rule. */
  stepId: string;
  trigger: {
    /** `crm.opportunity.won`, `core.record.updated`, `core.schedule`, `core.date`, `core.inbound`. */
    event: string;
    payload: unknown;
    /** The record the event is about (loaded when the run starts), if any. */
    model: string | null;
    recordId: string | null;
    record: Record<string, unknown> | null;
    changes: readonly string[];
  };
  /** Outputs of earlier steps of this run, by step id. */
  steps: Record<string, unknown>;
  /**
   * The language of whoever reads the text `describe` returns (a test run's caller: en, de, es);
   * absent in a real run. Write the summary with the addon's `serverMessages` in it.
   */
  language?: string;
}

export interface ActionContext extends SystemContext, ActionRunInfo {
  /**
   * The rule owner's request context (their permissions and record rules): for writes that must
   * not exceed what the person who made the rule may do. FORBIDDEN when they lack a permission.
   */
  asOwner(): Promise<RequestContext>;
  /** Wall clock of the engine (controllable in tests). */
  now(): Date;
  /** The active members of one of the tenant's teams (empty for an unknown team). */
  teamMembers(teamId: string): Promise<{ id: string; email: string; name: string }[]>;
  /**
   * A small value this action keeps per tenant between runs (a round-robin pointer), under a key
   * of its own (the action's name prefixes it). `update` reads and writes it under a row lock, so
   * concurrent runs take turns.
   */
  state: ActionState;
}

export interface ActionState {
  get<T = unknown>(key: string): Promise<T | null>;
  update<T = unknown>(key: string, fn: (current: T | null) => T | Promise<T>): Promise<T>;
}

export interface ActionDef<P = unknown, R = unknown> {
  readonly kind: 'action';
  /** `<addon>.<verb_noun>`, stable: rules store it. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** JSON schema of the parameters (ajv): the builder generates the form from it. */
  readonly params: JsonSchema;
  /** JSON schema of the result (kept in the run history; later steps read it as `steps.<id>`). */
  readonly result: JsonSchema;
  /** Attempts before the run fails at this step (a failed run can be retried from it). */
  readonly attempts: number;
  /** Wait before attempt n+1: backoffMs * 2^(n-1). */
  readonly backoffMs: number;
  /** What the action would do, for a test run (no side effects). Default: its title and params. */
  readonly describe: ((params: P, info: ActionRunInfo) => string) | null;
  readonly run: (params: P, ctx: ActionContext) => Promise<R> | R;
}

export function defineAction<P, R = unknown>(def: {
  name: string;
  title: string;
  description?: string;
  params: JsonSchema;
  result?: JsonSchema;
  attempts?: number;
  backoffMs?: number;
  describe?: (params: P, info: ActionRunInfo) => string;
  run: (params: P, ctx: ActionContext) => Promise<R> | R;
}): ActionDef<P, R> {
  if (!/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(def.name)) {
    throw new Error(`Action name "${def.name}" must look like "addon.verb_noun"`);
  }
  return {
    kind: 'action',
    name: def.name,
    title: def.title,
    description: def.description ?? '',
    params: def.params,
    result: def.result ?? { type: 'object' },
    attempts: def.attempts ?? 3,
    backoffMs: def.backoffMs ?? 2000,
    describe: def.describe ?? null,
    run: def.run,
  };
}

/** An action of any parameter and result types (lists of differently-typed actions). */
// biome-ignore lint/suspicious/noExplicitAny: variance escape hatch for heterogeneous action lists
export type AnyAction = ActionDef<any, any>;

/** What an addon lists in `workflows`: its triggers and actions (and nothing the engine cannot use). */
// biome-ignore lint/suspicious/noExplicitAny: triggers and actions of different payloads
export type WorkflowDef = TriggerDef<any> | ActionDef<any, any>;

const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}$/;

/**
 * Fills `{{payload.title}}` variables into an action's parameters from the scope: a string that
 * is exactly one variable takes the variable's value (a number stays a number); inside longer text
 * the value is written as text (missing: empty). A path is only ever looked up, never evaluated.
 */
export function fillTemplate(value: JsonValue | undefined, scope: ConditionScope): JsonValue | undefined {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return toJson(readPath(scope, whole[1] as string));
    return value.replace(TEMPLATE, (_, path: string) => {
      const v = readPath(scope, path);
      return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => fillTemplate(v, scope) ?? null);
  if (value && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) {
      const filled = fillTemplate(v, scope);
      if (filled !== undefined) out[k] = filled;
    }
    return out;
  }
  return value;
}

/** Whether a parameter value is exactly one `{{variable}}` (filled when the run starts). */
export function isTemplate(value: unknown): boolean {
  return typeof value === 'string' && WHOLE.test(value);
}

function toJson(v: unknown): JsonValue | undefined {
  if (v === undefined) return undefined;
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.parse(JSON.stringify(v)) as JsonValue;
}
