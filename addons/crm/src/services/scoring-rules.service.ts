import { type ErrorDetail, NotFoundError, type RequestContext, ValidationError } from '@elevate/sdk';
import type { ScoringRuleRow } from '../graphql/types.graphql.ts';
import { Lead } from '../models/lead.model.ts';
import { SCORING_OPERATORS, ScoringRule } from '../models/segment.model.ts';
import { type RecomputeResult, recomputeAllScores, SCORABLE_FIELDS, scored, scoreOf } from './scoring.service.ts';

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

export interface ScorePreview {
  leads: { id: string; title: string; score: number; preview: number }[];
  /** How many of those leads the proposed rules would score differently. */
  changed: number;
}

const PREVIEW_LEADS = 50;

/**
 * What the proposed rules (the whole set, as the settings screen shows it) would score the caller's
 * most recent leads, beside their stored score. Nothing is saved; each rule is validated as a saved
 * one would be (the path names its index: `rules.2.value`).
 */
export async function previewScores(
  ctx: RequestContext,
  rules: readonly (Required<Pick<ScoringRuleInput, 'field' | 'operator' | 'points'>> & ScoringRuleInput)[],
): Promise<ScorePreview> {
  ctx.require(PERMISSION);
  const proposed = rules.map((r, i) => {
    try {
      validate({ field: r.field, operator: r.operator, value: r.value ?? null, points: r.points });
    } catch (err) {
      if (err instanceof ValidationError) {
        throw new ValidationError(
          `Rule ${i + 1}: ${err.message}`,
          (err.details ?? []).map((d) => ({ ...d, path: `rules.${i}.${d.path ?? ''}` })),
        );
      }
      throw err;
    }
    return {
      field: r.field,
      operator: r.operator,
      value: r.value?.trim() ?? null,
      points: r.points,
      active: r.active ?? true,
    };
  }) as ScoringRuleRow[];
  const leads = await (await ctx.scoped(Lead, 'crm.lead.read')).find({
    orderBy: [{ field: 'createdAt', dir: 'desc' }, { field: 'id' }],
    limit: PREVIEW_LEADS,
  });
  const out = leads.map((l) => ({ id: l.id, title: l.title, score: l.score, preview: scoreOf(proposed, scored(l)) }));
  return { leads: out, changed: out.filter((l) => l.preview !== l.score).length };
}
