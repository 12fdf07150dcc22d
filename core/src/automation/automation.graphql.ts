import type { ElevateSchemaTypes, RequestContext } from '@elevate/sdk';
import type SchemaBuilder from '@pothos/core';
import type { TenantTx } from '../db/tenant-tx.ts';
import type { State } from '../http/state.ts';
import type { Runtime } from '../runtime.ts';
import { dryRun } from './dry-run.ts';
import type { AutomationEngine } from './engine.ts';
import type { RunRow } from './rows.ts';
import { AUTOMATION_MANAGE, checkRunFilter, type RuleView, ruleStore, type StepRow } from './rules.ts';

type Builder = InstanceType<typeof SchemaBuilder<ElevateSchemaTypes>>;
type Run = RunRow & { ruleName?: string; steps?: StepRow[] };

/** What the automation fields use: the engine and the runtime behind the REST routes. */
export interface AutomationGraphqlDeps {
  rt: Runtime;
  engine: AutomationEngine;
}

/** The permission first (a member learns nothing but FORBIDDEN), then the request's transaction. */
function req(ctx: RequestContext): { tx: TenantTx; enabled: ReadonlySet<string> } {
  ctx.require(AUTOMATION_MANAGE);
  const tx = (ctx as unknown as { state?: State }).state?.tx;
  if (!tx) throw new Error('GraphQL automation field without a request transaction');
  return { tx, enabled: ctx.enabledAddons };
}

const RUN_STATUSES = ['queued', 'ready', 'running', 'waiting', 'succeeded', 'failed', 'stopped'] as const;

/**
 * Rules and runs on GraphQL (docs/automation.md): what REST has under /api/v1/core/automation,
 * through the same store, so the same validation (VALIDATION_FAILED naming the field), the same
 * permission (core.automation.manage) and the same tenant scope.
 */
export function automationGraphql(b: Builder, deps: AutomationGraphqlDeps): void {
  const store = ruleStore(deps.rt, deps.engine);
  const RuleStatus = b.enumType('AutomationRuleStatus', { values: ['active', 'disabled', 'paused'] as const });
  const RunStatus = b.enumType('AutomationRunStatus', { values: RUN_STATUSES });

  const Rule = b.objectRef<RuleView>('AutomationRule').implement({
    description: 'When the trigger fires and the conditions hold, the actions run in order',
    fields: (t) => ({
      id: t.exposeID('id'),
      name: t.exposeString('name'),
      description: t.exposeString('description'),
      enabled: t.exposeBoolean('enabled'),
      status: t.field({ type: RuleStatus, resolve: (r) => r.status }),
      pausedReason: t.exposeString('pausedReason', { nullable: true }),
      trigger: t.field({
        type: 'JSON',
        description: '{ type: event | record | schedule | date | inbound, ... }',
        resolve: (r) => r.trigger,
      }),
      conditions: t.field({ type: 'JSON', nullable: true, resolve: (r) => r.conditions }),
      actions: t.field({
        type: 'JSON',
        description: 'the ordered steps (actions and branches)',
        resolve: (r) => r.actions,
      }),
      ownerId: t.exposeID('ownerId'),
      createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
      updatedAt: t.field({ type: 'DateTime', resolve: (r) => r.updatedAt }),
    }),
  });
  const CreatedRule = b.objectRef<RuleView & { signingSecret: string }>('CreatedAutomationRule').implement({
    fields: (t) => ({
      rule: t.field({ type: Rule, resolve: (r) => r }),
      signingSecret: t.exposeString('signingSecret', {
        description: 'signs the rule’s webhook calls: shown in this answer only',
      }),
    }),
  });
  const Step = b.objectRef<StepRow>('AutomationRunStep').implement({
    fields: (t) => ({
      stepId: t.exposeString('stepId'),
      seq: t.exposeInt('seq'),
      action: t.exposeString('action', { description: 'the action’s name, or "branch"' }),
      status: t.exposeString('status'),
      input: t.field({ type: 'JSON', nullable: true, resolve: (s) => s.input }),
      output: t.field({ type: 'JSON', nullable: true, resolve: (s) => s.output }),
      error: t.exposeString('error', { nullable: true }),
      attempts: t.exposeInt('attempts'),
      durationMs: t.exposeInt('durationMs', { nullable: true }),
      startedAt: t.field({ type: 'DateTime', resolve: (s) => s.startedAt }),
      finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => s.finishedAt }),
    }),
  });
  // A page of runs loads the steps of all its runs in one query, on the first `steps` asked for.
  const pageSteps = new WeakMap<Run, () => Promise<Map<string, StepRow[]>>>();
  const Run = b.objectRef<Run>('AutomationRun').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      ruleId: t.exposeID('ruleId'),
      ruleName: t.string({ nullable: true, resolve: (r) => r.ruleName ?? null }),
      eventName: t.exposeString('eventName'),
      eventKey: t.exposeString('eventKey'),
      trigger: t.field({
        type: 'JSON',
        description: 'payload, record, changes the run started with',
        resolve: (r) => r.trigger,
      }),
      status: t.field({ type: RunStatus, resolve: (r) => r.status }),
      depth: t.exposeInt('depth'),
      reason: t.exposeString('reason', { nullable: true }),
      error: t.exposeString('error', { nullable: true }),
      failedStep: t.exposeString('failedStep', { nullable: true }),
      resumeAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.resumeAt }),
      createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
      startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.startedAt }),
      finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.finishedAt }),
      steps: t.field({
        type: [Step],
        resolve: async (r, _a, ctx) => {
          if (r.steps) return r.steps;
          const { tx } = req(ctx);
          const batch = pageSteps.get(r);
          return ((await (batch ? batch() : store.steps(tx, [r.id]))).get(r.id) ?? []) as StepRow[];
        },
      }),
    }),
  });
  const RunPage = b
    .objectRef<{ data: Run[]; total_count: number; limit: number; offset: number }>('AutomationRunPage')
    .implement({
      fields: (t) => ({
        data: t.field({ type: [Run], resolve: (p) => p.data }),
        totalCount: t.exposeInt('total_count'),
        limit: t.exposeInt('limit'),
        offset: t.exposeInt('offset'),
      }),
    });
  const TestStep = b
    .objectRef<{ stepId: string; action: string; wouldDo: string; params?: unknown; error?: string }>(
      'AutomationTestRunStep',
    )
    .implement({
      fields: (t) => ({
        stepId: t.exposeString('stepId'),
        action: t.exposeString('action'),
        wouldDo: t.exposeString('wouldDo'),
        params: t.field({ type: 'JSON', nullable: true, resolve: (s) => s.params ?? null }),
        error: t.string({ nullable: true, resolve: (s) => s.error ?? null }),
      }),
    });
  const TestRun = b
    .objectRef<{ matched: boolean; trigger: unknown; steps: { stepId: string; action: string; wouldDo: string }[] }>(
      'AutomationTestRun',
    )
    .implement({
      description: 'What a rule would do for a sample, with no side effects',
      fields: (t) => ({
        matched: t.exposeBoolean('matched', { description: 'the conditions hold' }),
        trigger: t.field({ type: 'JSON', resolve: (r) => r.trigger }),
        steps: t.field({ type: [TestStep], resolve: (r) => r.steps }),
      }),
    });
  const RetriedRun = b.objectRef<{ id: string; status: string }>('RetriedAutomationRun').implement({
    fields: (t) => ({ id: t.exposeID('id'), status: t.exposeString('status') }),
  });
  const RuleInput = b.inputType('AutomationRuleInput', {
    description: 'A rule’s fields (docs/automation.md); on update, only those given change',
    fields: (t) => ({
      name: t.string(),
      description: t.string(),
      enabled: t.boolean(),
      trigger: t.field({ type: 'JSON' }),
      conditions: t.field({ type: 'JSON', description: 'null removes the conditions' }),
      actions: t.field({ type: 'JSON' }),
    }),
  });
  const SampleInput = b.inputType('AutomationSampleInput', {
    fields: (t) => ({ recordId: t.id(), payload: t.field({ type: 'JSON' }) }),
  });
  // Only the fields given: an absent field is left out (as in a REST body), a null one kept.
  const body = (input: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));

  b.queryFields((t) => ({
    automationRules: t.field({
      type: [Rule],
      description: 'The company’s automation rules, oldest first (core.automation.manage)',
      resolve: (_r, _a, ctx) => {
        const { tx, enabled } = req(ctx);
        return store.list(tx, enabled);
      },
    }),
    automationRule: t.field({
      type: Rule,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, args, ctx) => {
        const { tx, enabled } = req(ctx);
        return store.get(tx, enabled, String(args.id));
      },
    }),
    automationRuns: t.field({
      type: RunPage,
      description: 'Run history, newest first; from (inclusive) and to (exclusive) filter on when the run was created',
      args: {
        rule: t.arg.id(),
        status: t.arg({ type: RunStatus }),
        from: t.arg({ type: 'DateTime' }),
        to: t.arg({ type: 'DateTime' }),
        limit: t.arg.int(),
        offset: t.arg.int(),
      },
      resolve: async (_r, args, ctx) => {
        const { tx } = req(ctx);
        const page = await store.runs(tx, checkRunFilter({ ...args, rule: args.rule ?? undefined }));
        let loaded: Promise<Map<string, StepRow[]>> | null = null;
        const batch = () => {
          loaded ??= store.steps(
            tx,
            page.data.map((r) => r.id),
          );
          return loaded;
        };
        for (const r of page.data) pageSteps.set(r, batch);
        return page;
      },
    }),
    automationRun: t.field({
      type: Run,
      description: 'One run with every step (status, input, output, error, duration)',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, args, ctx) => store.run(req(ctx).tx, String(args.id)),
    }),
  }));

  b.mutationFields((t) => ({
    createAutomationRule: t.field({
      type: CreatedRule,
      description: 'Adds a rule; the caller becomes its owner. The signing secret is in this answer only',
      args: { input: t.arg({ type: RuleInput, required: true }) },
      resolve: (_r, args, ctx) => {
        const { tx, enabled } = req(ctx);
        return store.create(tx, enabled, ctx.user.id, body(args.input));
      },
    }),
    updateAutomationRule: t.field({
      type: Rule,
      args: { id: t.arg.id({ required: true }), input: t.arg({ type: RuleInput, required: true }) },
      resolve: (_r, args, ctx) => {
        const { tx, enabled } = req(ctx);
        return store.update(tx, enabled, String(args.id), body(args.input));
      },
    }),
    enableAutomationRule: t.field({
      type: Rule,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, args, ctx) => {
        const { tx, enabled } = req(ctx);
        return store.update(tx, enabled, String(args.id), { enabled: true });
      },
    }),
    disableAutomationRule: t.field({
      type: Rule,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, args, ctx) => {
        const { tx, enabled } = req(ctx);
        return store.update(tx, enabled, String(args.id), { enabled: false });
      },
    }),
    deleteAutomationRule: t.boolean({
      description: 'Removes a rule and its run history',
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, args, ctx) => {
        await store.remove(req(ctx).tx, String(args.id));
        return true;
      },
    }),
    testRunAutomationRule: t.field({
      type: TestRun,
      description: 'A rule (not saved) against a sample record or payload: what each step would do; nothing runs',
      args: {
        rule: t.arg({ type: RuleInput, required: true }),
        sample: t.arg({ type: SampleInput }),
      },
      resolve: (_r, args, ctx) => {
        req(ctx);
        const sample = args.sample ? body(args.sample) : {};
        return dryRun(deps.engine, ctx, { rule: body(args.rule), sample });
      },
    }),
    retryAutomationRun: t.field({
      type: RetriedRun,
      description: 'Runs a failed run again from the step that failed (the steps before it are not repeated)',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, args, ctx) => store.retry(req(ctx).tx, String(args.id)),
    }),
  }));
}
