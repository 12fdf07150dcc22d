import { entitySchemaOf, rowOf, type SystemContext } from '@elevate/sdk';
import type { LeadRow, ScoringRuleRow } from '../graphql/types.graphql.ts';
import { rescoreLeadsJob } from '../jobs/rescore-leads.job.ts';
import { Lead } from '../models/lead.model.ts';
import { ScoringRule } from '../models/segment.model.ts';

/** Lead fields a rule may test: field name → column. */
export const SCORABLE_FIELDS = {
  title: 'title',
  contactName: 'contact_name',
  companyName: 'company_name',
  email: 'email',
  phone: 'phone',
  source: 'source',
  status: 'status',
  value: 'value',
  currency: 'currency',
  description: 'description',
  contactId: 'contact_id',
  ownerId: 'owner_id',
} as const;
export type ScorableField = keyof typeof SCORABLE_FIELDS;

/** What a rule reads from a lead: the scorable fields (rows and the bulk query both give this). */
export type ScoredLead = { id: string; score: number } & { [K in ScorableField]: string | null };

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Exact comparison of two decimal strings (no floating point): -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  const scale = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(scale, '0'));
  const y = BigInt(bi + bf.padEnd(scale, '0'));
  // `-0.5` splits into `-0` and `5`; BigInt('-05') keeps the sign.
  return x < y ? -1 : x > y ? 1 : 0;
}

function fieldValue(lead: ScoredLead, field: string): string | null {
  if (!(field in SCORABLE_FIELDS)) return null;
  const v = lead[field as ScorableField];
  return v === null || v === undefined ? null : String(v);
}

/** Does one rule match a lead? Unknown fields and non-numeric comparisons never match. */
export function ruleMatches(rule: Pick<ScoringRuleRow, 'field' | 'operator' | 'value'>, lead: ScoredLead): boolean {
  const v = fieldValue(lead, rule.field);
  const want = rule.value ?? '';
  switch (rule.operator) {
    case 'is_set':
      return v !== null && v.trim() !== '';
    case 'equals':
    case 'not_equals': {
      // Amounts compare as numbers ("1000" equals "1000.0000"); everything else as typed.
      const numeric = rule.field === 'value' && v !== null && DECIMAL.test(v) && DECIMAL.test(want.trim());
      const eq = v !== null && (numeric ? compareDecimal(v, want.trim()) === 0 : v === want);
      return rule.operator === 'equals' ? eq : !eq;
    }
    case 'contains':
      return v !== null && want !== '' && v.toLowerCase().includes(want.toLowerCase());
    case 'greater_than':
    case 'less_than': {
      if (v === null || !DECIMAL.test(v.trim()) || !DECIMAL.test(want.trim())) return false;
      const c = compareDecimal(v.trim(), want.trim());
      return rule.operator === 'greater_than' ? c > 0 : c < 0;
    }
    default:
      return false;
  }
}

export function scoreOf(rules: readonly ScoringRuleRow[], lead: ScoredLead): number {
  let score = 0;
  for (const rule of rules) if (rule.active && ruleMatches(rule, lead)) score += rule.points;
  return score;
}

export function activeRules(ctx: SystemContext): Promise<ScoringRuleRow[]> {
  return ctx.db.repo(ScoringRule).find({ where: { active: true }, orderBy: [{ field: 'createdAt' }] });
}

export function scored(lead: LeadRow): ScoredLead {
  return { ...lead, contactId: lead.contact, ownerId: lead.ownerId };
}

/**
 * Recomputes a lead's score from the tenant's active rules and stores it when it changed.
 * Runs with system rights: the lead is already being written by someone allowed to.
 */
export async function rescoreLead(ctx: SystemContext, lead: LeadRow): Promise<LeadRow> {
  const score = scoreOf(await activeRules(ctx), scored(lead));
  if (score === lead.score) return lead;
  return (await ctx.db.repo(Lead).update(lead.id, { score })) ?? lead;
}

/** Above this many leads a rule change rescores in a background job instead of in the request. */
export const INLINE_RESCORE_LIMIT = 5000;

const LeadEntity = entitySchemaOf(Lead);
// Scores are tenant-wide: every lead, whoever owns it and whoever changed a rule.
const ALL_LEADS = { filters: { records: false }, disableIdentityMap: true } as const;

/**
 * Rescores up to `limit` of the tenant's leads with ids after `afterId` (keyset pages), in
 * two statements: read, then one UPDATE of the rows whose score changed. A rule change is
 * not an edit of the lead: `updated_at` stays. Returns how many rows were read and changed.
 */
export async function rescoreBatch(
  ctx: SystemContext,
  rules: readonly ScoringRuleRow[],
  opts: { afterId?: string | null; limit: number },
): Promise<{ read: number; changed: number; lastId: string | null }> {
  const found = await ctx.em.find(LeadEntity, opts.afterId ? { id: { $gt: opts.afterId } } : {}, {
    ...ALL_LEADS,
    orderBy: { id: 'asc' },
    limit: opts.limit,
  });
  const leads = found.map((e) => scored(rowOf(Lead, e) as LeadRow));
  const ids: string[] = [];
  const scores: number[] = [];
  for (const lead of leads) {
    const s = scoreOf(rules, lead);
    if (s !== lead.score) {
      ids.push(lead.id);
      scores.push(s);
    }
  }
  if (ids.length) {
    // Raw SQL, kept (measured, addons/crm/bench/rescore.bench.ts, 5,000 leads rescored in the
    // request, best of 5 on a loaded machine): this one UPDATE from unnest 536-554 ms; changing
    // the loaded entities and em.flush() 1,845 ms, and the flush also stamps updated_at, which a
    // rule change must not.
    await ctx.db.query(
      `update crm_lead l set score = n.score from unnest($2::uuid[], $3::int[]) as n(id, score)
       where l.tenant_id = $1 and l.id = n.id`,
      [ctx.tenant.id, ids, scores],
    );
  }
  return { read: leads.length, changed: ids.length, lastId: leads.at(-1)?.id ?? null };
}

export type RecomputeResult = { mode: 'inline'; changed: number } | { mode: 'job'; jobId: string };

/**
 * After a rule change: every lead of the tenant rescored, in this request when the tenant
 * has at most INLINE_RESCORE_LIMIT leads, else by the rescore job (enqueued with this
 * transaction, so it sees the new rules).
 */
export async function recomputeAllScores(ctx: SystemContext): Promise<RecomputeResult> {
  const rules = await activeRules(ctx);
  // Is there a lead beyond the inline limit? (One row at an offset, not a count of them all.)
  const beyond = await ctx.em.find(
    LeadEntity,
    {},
    { ...ALL_LEADS, orderBy: { id: 'asc' }, offset: INLINE_RESCORE_LIMIT, limit: 1 },
  );
  if (beyond.length > 0) {
    return { mode: 'job', jobId: await ctx.jobs.enqueue(rescoreLeadsJob, {}) };
  }
  const { changed } = await rescoreBatch(ctx, rules, { limit: INLINE_RESCORE_LIMIT });
  return { mode: 'inline', changed };
}
