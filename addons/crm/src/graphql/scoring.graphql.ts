import type { GraphQLBuilder } from '@elevate/sdk';
import { SCORING_OPERATORS } from '../models/segment.model.ts';
import type { RecomputeResult } from '../services/scoring.service.ts';
import {
  createRule,
  deleteRule,
  getRule,
  listRules,
  type RuleChange,
  recompute,
  type ScoringRuleInput,
  updateRule,
} from '../services/scoring-rules.service.ts';
import type { ScoringRuleRow } from './types.graphql.ts';

export function scoringGraphql(b: GraphQLBuilder): void {
  const ScoringOperator = b.enumType('ScoringOperator', { values: SCORING_OPERATORS });

  const Rescore = b.objectRef<RecomputeResult>('LeadRescore').implement({
    description: 'How leads were rescored: in the request (changed rows) or by a job to poll',
    fields: (t) => ({
      mode: t.exposeString('mode'),
      changed: t.int({ nullable: true, resolve: (r) => (r.mode === 'inline' ? r.changed : null) }),
      jobId: t.string({ nullable: true, resolve: (r) => (r.mode === 'job' ? r.jobId : null) }),
    }),
  });

  const ScoringRule = b.objectRef<ScoringRuleRow & { rescore?: RecomputeResult }>('ScoringRule').implement({
    description: 'When a lead field matches, the lead scores `points`',
    fields: (t) => ({
      id: t.exposeID('id'),
      field: t.exposeString('field'),
      operator: t.field({ type: ScoringOperator, resolve: (r) => r.operator }),
      value: t.exposeString('value', { nullable: true }),
      points: t.exposeInt('points'),
      active: t.exposeBoolean('active'),
      rescore: t.field({
        type: Rescore,
        nullable: true,
        description: 'Set on the rule a mutation returns',
        resolve: (r) => r.rescore ?? null,
      }),
      createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
    }),
  });

  const CreateInput = b.inputType('CreateScoringRuleInput', {
    fields: (t) => ({
      field: t.string({ required: true, description: 'A lead field: source, status, email, companyName, value, ...' }),
      operator: t.field({ type: ScoringOperator, required: true }),
      value: t.string({ description: 'Compared with the field; not used by is_set' }),
      points: t.int({ required: true }),
      active: t.boolean(),
    }),
  });
  const UpdateInput = b.inputType('UpdateScoringRuleInput', {
    fields: (t) => ({
      field: t.string(),
      operator: t.field({ type: ScoringOperator }),
      value: t.string(),
      points: t.int(),
      active: t.boolean(),
    }),
  });
  type In = {
    field?: string | null;
    operator?: ScoringRuleInput['operator'] | null;
    value?: string | null;
    points?: number | null;
    active?: boolean | null;
  };
  const clean = (i: In): ScoringRuleInput => ({
    field: i.field ?? undefined,
    operator: i.operator ?? undefined,
    value: i.value,
    points: i.points ?? undefined,
    active: i.active ?? undefined,
  });

  b.queryField('scoringRules', (t) =>
    t.field({ type: [ScoringRule], resolve: async (_r, _a, ctx) => (await listRules(ctx)).rows }),
  );
  b.queryField('scoringRule', (t) =>
    t.field({
      type: ScoringRule,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, args, ctx) => getRule(ctx, String(args.id)),
    }),
  );
  b.mutationField('createScoringRule', (t) =>
    t.field({
      type: ScoringRule,
      args: { input: t.arg({ type: CreateInput, required: true }) },
      resolve: (_r, { input: i }, ctx): Promise<RuleChange> =>
        createRule(ctx, { ...clean(i), field: i.field, operator: i.operator, points: i.points }),
    }),
  );
  b.mutationField('updateScoringRule', (t) =>
    t.field({
      type: ScoringRule,
      args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateInput, required: true }) },
      resolve: (_r, { id, input: i }, ctx) => updateRule(ctx, String(id), clean(i)),
    }),
  );
  b.mutationField('deleteScoringRule', (t) =>
    t.field({
      type: Rescore,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, { id }, ctx) => deleteRule(ctx, String(id)),
    }),
  );
  b.mutationField('recomputeLeadScores', (t) => t.field({ type: Rescore, resolve: (_r, _a, ctx) => recompute(ctx) }));
}
