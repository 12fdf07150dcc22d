import { type ErrorDetail, NotFoundError, type RequestContext, ValidationError } from '@elevate/sdk';
import type { ScoringRuleRow } from '../graphql/types.graphql.ts';
import { SCORING_OPERATORS, ScoringRule } from '../models/segment.model.ts';
import { type RecomputeResult, recomputeAllScores, SCORABLE_FIELDS } from './scoring.service.ts';

export type ScoringOperator = (typeof SCORING_OPERATORS)[number];

export interface ScoringRuleInput {
  field?: string | undefined;
  operator?: ScoringOperator | undefined;
  value?: string | null | undefined;
  points?: number | undefined;
  active?: boolean | undefined;
}

export type RuleChange = ScoringRuleRow & { rescore: RecomputeResult };

const DECIMAL = /^-?\d{1,14}(\.\d{1,4})?$/;
const PERMISSION = 'crm.scoring.manage';

function validate(rule: Required<Pick<ScoringRuleInput, 'field' | 'operator' | 'value' | 'points'>>): void {
  const details: ErrorDetail[] = [];
  if (!(rule.field in SCORABLE_FIELDS)) {
    details.push({ path: 'field', message: `must be one of ${Object.keys(SCORABLE_FIELDS).join(', ')}` });
  }
  if (!(SCORING_OPERATORS as readonly string[]).includes(rule.operator)) {
    details.push({ path: 'operator', message: `must be one of ${SCORING_OPERATORS.join(', ')}` });
  }
  const value = rule.value?.trim() ?? '';
  if (rule.operator !== 'is_set' && value === '') details.push({ path: 'value', message: 'is required' });
  if ((rule.operator === 'greater_than' || rule.operator === 'less_than') && value !== '' && !DECIMAL.test(value)) {
    details.push({ path: 'value', message: 'must be a number such as "1000" or "12.5"' });
  }
  if (!Number.isInteger(rule.points) || Math.abs(rule.points) > 1000) {
    details.push({ path: 'points', message: 'must be an integer between -1000 and 1000' });
  }
  if (details.length) throw new ValidationError('Invalid scoring rule', details);
}

export function listRules(
  ctx: RequestContext,
  page: { limit: number; offset: number } = { limit: 200, offset: 0 },
): Promise<{ rows: ScoringRuleRow[]; total: number }> {
  ctx.require(PERMISSION);
  return ctx.db.repo(ScoringRule).page({ orderBy: [{ field: 'createdAt' }], ...page });
}

export async function getRule(ctx: RequestContext, id: string): Promise<ScoringRuleRow> {
  ctx.require(PERMISSION);
  const row = await ctx.db.repo(ScoringRule).get(id);
  if (!row) throw new NotFoundError('Scoring rule');
  return row;
}

export async function createRule(
  ctx: RequestContext,
  input: ScoringRuleInput & { field: string; operator: ScoringOperator; points: number },
): Promise<RuleChange> {
  ctx.require(PERMISSION);
  const value = input.operator === 'is_set' ? null : (input.value?.trim() ?? null);
  validate({ field: input.field, operator: input.operator, value, points: input.points });
  const row = await ctx.db.repo(ScoringRule).insert({
    field: input.field,
    operator: input.operator,
    value,
    points: input.points,
    active: input.active ?? true,
  });
  return { ...row, rescore: await recomputeAllScores(ctx) };
}

export async function updateRule(ctx: RequestContext, id: string, input: ScoringRuleInput): Promise<RuleChange> {
  const old = await getRule(ctx, id);
  const merged = {
    field: input.field ?? old.field,
    operator: input.operator ?? old.operator,
    value: input.value === undefined ? old.value : input.value,
    points: input.points ?? old.points,
  };
  if (merged.operator === 'is_set') merged.value = null;
  validate(merged);
  const row = await ctx.db.repo(ScoringRule).update(old.id, {
    ...merged,
    value: merged.value?.trim() ?? null,
    active: input.active,
  });
  if (!row) throw new NotFoundError('Scoring rule');
  return { ...row, rescore: await recomputeAllScores(ctx) };
}

export async function deleteRule(ctx: RequestContext, id: string): Promise<RecomputeResult> {
  const old = await getRule(ctx, id);
  await ctx.db.repo(ScoringRule).delete(old.id);
  return recomputeAllScores(ctx);
}

export function recompute(ctx: RequestContext): Promise<RecomputeResult> {
  ctx.require(PERMISSION);
  return recomputeAllScores(ctx);
}
