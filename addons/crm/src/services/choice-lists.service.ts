import { defineResource, entitySchemaOf, type RequestContext, type SystemContext, ValidationError } from '@elevate/sdk';
import { ActivityType, LeadSource } from '../models/choice-list.model.ts';

type ChoiceModel = typeof LeadSource | typeof ActivityType;

/** What a company starts with (crm 1.1's fixed activity kinds; the lead sources people used most). */
export const DEFAULT_LEAD_SOURCES: [string, string][] = [
  ['web', 'Website'],
  ['referral', 'Referral'],
  ['email', 'Email'],
  ['phone', 'Phone'],
  ['event', 'Event'],
  ['partner', 'Partner'],
  ['import', 'Import'],
  ['other', 'Other'],
];
export const DEFAULT_ACTIVITY_TYPES: [string, string][] = [
  ['call', 'Call'],
  ['meeting', 'Meeting'],
  ['email', 'Email'],
  ['task', 'Task'],
];

export interface ChoiceEntry {
  key: string;
  label: string;
  archived: boolean;
}

/** The company's entries of a list, in their order. */
export async function choices(ctx: SystemContext, model: ChoiceModel): Promise<ChoiceEntry[]> {
  const rows = await ctx.em.find(
    entitySchemaOf(model),
    {},
    { orderBy: [{ position: 'asc' }, { label: 'asc' }], disableIdentityMap: true },
  );
  return rows.map((r) => ({ key: String(r.key), label: String(r.label), archived: Boolean(r.archived) }));
}

/**
 * A matcher for a list: a value (its key or label, ignoring case) → the stored key of an entry
 * that is not archived, or null.
 */
export async function choiceMatcher(ctx: SystemContext, model: ChoiceModel): Promise<(value: string) => string | null> {
  const active = (await choices(ctx, model)).filter((c) => !c.archived);
  const byText = new Map<string, string>();
  for (const c of active) byText.set(c.label.toLowerCase(), c.key);
  for (const c of active) byText.set(c.key.toLowerCase(), c.key);
  return (value) => byText.get(value.trim().toLowerCase()) ?? null;
}

export const leadSourceMatcher = (ctx: SystemContext) => choiceMatcher(ctx, LeadSource);

/**
 * Checks a record's value against the company's list and answers the stored key. A value left
 * as it was (`previous`) passes even when its entry was archived since; unset values pass.
 */
export async function checkChoice(
  ctx: SystemContext,
  model: ChoiceModel,
  value: string | null | undefined,
  path: string,
  previous: string | null = null,
): Promise<string | null | undefined> {
  if (value == null || value === previous) return value;
  const key = (await choiceMatcher(ctx, model))(value);
  if (key !== null) return key;
  const what = model === LeadSource ? 'lead sources' : 'activity types';
  const list = (await choices(ctx, model)).filter((c) => !c.archived).map((c) => c.key);
  throw new ValidationError(`${path} is not one of the company's ${what}`, [
    { path, message: `must be one of the company's ${what}: ${list.join(', ')}` },
  ]);
}

/** Keys are trimmed, never blank and fixed once created; labels trimmed; a new entry goes last. */
async function cleanChoice(
  ctx: RequestContext,
  model: ChoiceModel,
  input: Record<string, unknown>,
  existing: { key: string } | null,
): Promise<Record<string, unknown>> {
  const out = { ...input };
  for (const f of ['key', 'label'] as const) {
    if (typeof input[f] !== 'string') continue;
    const v = (input[f] as string).trim();
    if (!v) throw new ValidationError(`${f} is required`, [{ path: f, message: 'is required' }]);
    out[f] = v;
  }
  if (existing && out.key !== undefined && out.key !== existing.key) {
    throw new ValidationError('key cannot change', [
      { path: 'key', message: 'is fixed once created (records store it); change the label instead' },
    ]);
  }
  if (!existing && input.position === undefined) {
    const last = await ctx.em.find(entitySchemaOf(model), {}, { orderBy: { position: 'desc' }, limit: 1 });
    out.position = last[0] ? Number(last[0].position) + 1 : 0;
  }
  return out;
}

const resourceOf = (model: ChoiceModel, type: string, path: string, read: string) =>
  defineResource(model, {
    type,
    path,
    operations: ['list', 'get', 'create', 'update'],
    filters: ['archived'],
    sort: ['position', 'label', 'createdAt'],
    search: ['label', 'key'],
    defaultSort: { field: 'position', dir: 'asc' },
    permissions: { read, write: 'crm.pipeline.manage', delete: 'crm.pipeline.manage' },
    hooks: {
      beforeWrite: (ctx, input, existing) => cleanChoice(ctx, model, input, existing as { key: string } | null),
    },
  });

/**
 * Lead sources and activity types through the SDK's resource layer: REST /lead-sources and
 * /activity-types, GraphQL leadSources/createLeadSource/updateLeadSource (and ActivityType).
 * No delete: an entry is archived, so the records that hold it keep their value.
 */
export const leadSourceResource = resourceOf(LeadSource, 'LeadSource', 'lead-sources', 'crm.lead.read');
export const activityTypeResource = resourceOf(ActivityType, 'ActivityType', 'activity-types', 'crm.activity.read');

/**
 * Seeds a list when a company has none yet, and adds every value its records already hold
 * (e.g. lead sources typed freely before crm 1.2.0) so existing data stays valid. Idempotent.
 */
async function seedList(
  ctx: SystemContext,
  model: ChoiceModel,
  defaults: [string, string][],
  used: string,
): Promise<void> {
  const repo = ctx.db.repo(model);
  const have = await choices(ctx, model);
  const keys = new Set(have.map((c) => c.key));
  const add: [string, string][] = have.length ? [] : [...defaults];
  // Raw SQL, kept: the distinct values of a column of the tenant's records (the ORM has no distinct).
  const rows = await ctx.db.query<{ v: string }>(used, [ctx.tenant.id]);
  for (const { v } of rows) if (!add.some(([k]) => k === v)) add.push([v, v]);
  let position = have.length;
  for (const [key, label] of add) {
    if (keys.has(key)) continue;
    keys.add(key);
    await repo.insert({ key, label, position: position++, archived: false });
  }
}

export async function seedChoiceLists(ctx: SystemContext): Promise<void> {
  await seedList(
    ctx,
    LeadSource,
    DEFAULT_LEAD_SOURCES,
    `select distinct left(trim(source), 60) as v from crm_lead
      where tenant_id = $1 and source is not null and trim(source) <> '' order by 1`,
  );
  await seedList(
    ctx,
    ActivityType,
    DEFAULT_ACTIVITY_TYPES,
    'select distinct kind as v from crm_activity where tenant_id = $1 order by 1',
  );
}
