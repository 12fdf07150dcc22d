import {
  type ActionRunInfo,
  type ActionStep,
  type ConditionExpr,
  evaluateCondition,
  fillTemplate,
  type JsonValue,
  type RequestContext,
  type TriggerSpec,
  ValidationError,
} from '@elevate/sdk';
import type { ValidateFunction } from 'ajv';
import { automationText } from './catalog.ts';
import type { AutomationEngine } from './engine.ts';
import { flatten, onPath } from './plan.ts';
import type { RunTrigger } from './rows.ts';
import { checkRule } from './rules.ts';
import { compileParams, details, inboundAjv } from './validate.ts';

// Compiled inbound body schemas, by their text (a rule being edited changes its schema).
const bodyValidators = new Map<string, ValidateFunction>();

export interface DryRunStep {
  stepId: string;
  action: string;
  /** What the step would do (the action's own description of it), or the branch taken. */
  wouldDo: string;
  params?: unknown;
  /** Why the step would fail (its filled-in parameters do not fit the action's schema). */
  error?: string;
}

/**
 * A test run: the rule against a sample (a record of the trigger's model, picked by id, and/or a
 * payload), showing whether the conditions hold and what each step would do. Nothing runs and
 * nothing is written. The record is read with the caller's own permissions.
 */
export async function dryRun(
  engine: AutomationEngine,
  rc: RequestContext,
  body: unknown,
): Promise<{ matched: boolean; trigger: RunTrigger; steps: DryRunStep[] }> {
  const b = (body && typeof body === 'object' ? body : {}) as { rule?: unknown; sample?: unknown };
  const rule = checkRule(engine, rc.enabledAddons, b.rule, true) as {
    name: string;
    trigger: TriggerSpec;
    conditions?: ConditionExpr | null;
    actions: ActionStep[];
  };
  const sample = (b.sample && typeof b.sample === 'object' ? b.sample : {}) as {
    recordId?: unknown;
    payload?: unknown;
  };
  const t = rule.trigger;
  if (sample.payload !== undefined) {
    const p = sample.payload;
    if (!p || typeof p !== 'object' || Array.isArray(p)) {
      throw new ValidationError('Invalid sample', [{ path: 'sample.payload', message: 'must be a JSON object' }]);
    }
    // An inbound trigger's payload is what a sender posts: checked as a delivery would be.
    if (t.type === 'inbound' && t.body) {
      const key = JSON.stringify(t.body);
      let v = bodyValidators.get(key);
      if (!v) {
        v = inboundAjv.compile(t.body);
        if (bodyValidators.size > 100) bodyValidators.clear();
        bodyValidators.set(key, v);
      }
      if (!v(p)) throw new ValidationError('Invalid sample', details(v.errors, 'sample.payload'));
    }
  }
  const modelName =
    t.type === 'record' || t.type === 'date'
      ? t.model
      : t.type === 'event'
        ? (engine.catalog.triggers.get(t.event)?.def.model?.name ?? null)
        : null;
  let record: Record<string, unknown> | null = null;
  if (sample.recordId !== undefined) {
    const info = modelName ? engine.catalog.models.get(modelName) : undefined;
    if (!info || typeof sample.recordId !== 'string' || !/^[0-9a-f-]{36}$/i.test(sample.recordId)) {
      throw new ValidationError('Invalid sample', [
        { path: 'sample.recordId', message: 'must be the id of a record the trigger is about' },
      ]);
    }
    const repo = await rc.scoped(info.model, `${info.model.access}.read`);
    record = (await repo.get(sample.recordId)) as Record<string, unknown> | null;
    if (!record) throw new ValidationError('Invalid sample', [{ path: 'sample.recordId', message: 'no such record' }]);
  }
  const trigger: RunTrigger = {
    payload: sample.payload ?? (record ? { id: record.id } : {}),
    model: modelName,
    recordId: (record?.id as string | undefined) ?? null,
    record,
    changes: [],
    occurredAt: new Date().toISOString(),
  };
  const matched = evaluateCondition(rule.conditions ?? null, trigger);
  const steps: DryRunStep[] = [];
  const taken = new Map<string, string>();
  const scope = { ...trigger, steps: {} as Record<string, unknown> };
  for (const e of flatten(rule.actions)) {
    if (!onPath(e, taken)) continue;
    if (e.kind === 'branch') {
      const took = evaluateCondition(e.condition, scope) ? 'yes' : 'no';
      taken.set(e.id, took);
      steps.push({
        stepId: e.id,
        action: 'branch',
        wouldDo: automationText(rc.user.language, 'describe.branch', { side: took }),
      });
      continue;
    }
    const def = engine.catalog.actions.get(e.action)?.def;
    if (!def) continue;
    const params = fillTemplate(e.params as JsonValue, scope) ?? {};
    const error = compileParams(def.params)(params);
    const info: ActionRunInfo = {
      rule: { id: 'test-run', name: rule.name, ownerId: rc.user.id },
      run: { id: 'test-run', attempt: 1, depth: 0 },
      stepId: e.id,
      trigger: { ...trigger, event: t.type === 'event' ? t.event : `core.${t.type}` },
      steps: {},
      language: rc.user.language ?? 'en',
    };
    const wouldDo = def.describe ? def.describe(params as never, info) : `${def.title} ${JSON.stringify(params)}`;
    steps.push({ stepId: e.id, action: e.action, wouldDo, params, ...(error ? { error } : {}) });
  }
  return { matched, trigger, steps };
}
