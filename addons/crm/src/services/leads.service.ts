import { NotFoundError, type RequestContext, ValidationError } from '@elevate/sdk';
import { crmErrors } from '../errors.ts';
import { LeadCreated, LeadDeleted, LeadUpdated } from '../events.ts';
import type { LeadRow } from '../graphql/types.graphql.ts';
import { LeadSource } from '../models/choice-list.model.ts';
import { Contact } from '../models/contact.model.ts';
import { LEAD_STATUSES, Lead } from '../models/lead.model.ts';
import { checkAmount } from './amounts.service.ts';
import { checkChoice } from './choice-lists.service.ts';
import { customWrite, oneWithCustom } from './custom-values.ts';
import type { ListFilter } from './list-query.ts';
import { changedKeys, checkLinks, optionalText, pageOf, text } from './pipeline-sql.ts';
import { checkUnchanged, type EditPrecondition } from './precondition.ts';
import { rescoreLead } from './scoring.service.ts';

export const LEAD_READ = 'crm.lead.read';
export const LEAD_WRITE = 'crm.lead.write';

/** Statuses a client may set; `converted` comes only from converting. */
export const LEAD_EDITABLE_STATUSES = LEAD_STATUSES.filter((s) => s !== 'converted');
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export interface LeadInput {
  title: string;
  contactName?: string | null | undefined;
  companyName?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  source?: string | null | undefined;
  status?: LeadStatus | null | undefined;
  value?: string | null | undefined;
  currency?: string | null | undefined;
  description?: string | null | undefined;
  contactId?: string | null | undefined;
  ownerId?: string | null | undefined;
  /** Custom-field values by key. */
  custom?: unknown;
}

export function listLeads(
  ctx: RequestContext,
  opts: { filter: ListFilter; sort?: string | undefined; limit: number; offset: number },
) {
  return pageOf(ctx, Lead, 'lead', opts);
}

export async function getLead(ctx: RequestContext, id: string): Promise<LeadRow | null> {
  const row = await (await ctx.scoped(Lead, LEAD_READ)).get(id);
  return row && oneWithCustom(ctx, Lead, row);
}

/** For GraphQL relations: leads by id under record rules (null when not visible). */
export function leadById(ctx: RequestContext, id: string): Promise<LeadRow | null> {
  return ctx
    .loader<string, LeadRow | null>('crm.pipeline.lead', async (ids) =>
      ctx.can(LEAD_READ) ? (await ctx.scoped(Lead, LEAD_READ)).getMany(ids) : ids.map(() => null),
    )
    .load(id);
}

/** Checks and trims lead input as the API does (the CSV import checks its rows with it too). */
export function cleanLeadInput(input: Partial<LeadInput>): Partial<LeadRow> {
  return fields(input);
}

function fields(input: Partial<LeadInput>) {
  if (input.status === 'converted') {
    throw new ValidationError('A lead becomes converted by converting it', [
      { path: 'status', message: `must be one of ${LEAD_EDITABLE_STATUSES.join(', ')}` },
    ]);
  }
  checkAmount(input.value, input.currency);
  const opt = (key: keyof LeadInput, max: number) => {
    const v = optionalText(input[key] as string | null | undefined, key, max);
    return v === undefined ? {} : { [key]: v };
  };
  return {
    ...(input.title == null ? {} : { title: text(input.title, 'title', 200) }),
    ...opt('contactName', 200),
    ...opt('companyName', 200),
    ...opt('email', 320),
    ...opt('phone', 50),
    ...opt('source', 60),
    ...opt('description', 100_000),
    ...(input.status == null ? {} : { status: input.status }),
    ...(input.value === undefined ? {} : { value: input.value }),
    ...(input.currency === undefined ? {} : { currency: input.currency }),
    ...(input.contactId === undefined ? {} : { contact: input.contactId }),
    ...(input.ownerId == null ? {} : { ownerId: input.ownerId }),
  } as Partial<LeadRow>;
}

function contactLink(input: Partial<LeadInput>) {
  return [{ model: Contact, permission: 'crm.contact.read', id: input.contactId, path: 'contactId', what: 'contact' }];
}

export async function createLead(ctx: RequestContext, input: LeadInput): Promise<LeadRow> {
  const repo = await ctx.scoped(Lead, LEAD_WRITE);
  const cleaned = fields(input);
  if (!cleaned.title) text('', 'title', 200);
  const data = cleaned.source
    ? { ...cleaned, source: (await checkChoice(ctx, LeadSource, cleaned.source, 'source')) as string }
    : cleaned;
  await checkLinks(ctx, contactLink(input));
  const custom = await customWrite(ctx, Lead, input.custom, null);
  const inserted = await repo.insert({ ...data, title: data.title as string, custom: custom?.custom ?? {} });
  const row = await rescoreLead(ctx, inserted);
  await ctx.events.publish(LeadCreated, row.id, { id: row.id, title: row.title, ownerId: row.ownerId });
  return oneWithCustom(ctx, Lead, row);
}

export async function updateLead(
  ctx: RequestContext,
  id: string,
  patch: Partial<LeadInput>,
  pre?: EditPrecondition,
): Promise<LeadRow> {
  const repo = await ctx.scoped(Lead, LEAD_WRITE);
  const before = await repo.get(id);
  if (!before) throw new NotFoundError('Lead');
  await checkUnchanged(ctx, 'lead', id, before.title, pre);
  const cleaned = fields(patch);
  // A lead keeps a source archived since it was set; a new value must be an active source.
  const data = cleaned.source
    ? { ...cleaned, source: (await checkChoice(ctx, LeadSource, cleaned.source, 'source', before.source)) as string }
    : cleaned;
  if (before.status === 'converted' && data.status) throw crmErrors.alreadyConverted();
  await checkLinks(ctx, contactLink(patch));
  const custom = await customWrite(ctx, Lead, patch.custom, id);
  const changes = changedKeys(before, data);
  if (custom?.changed) changes.push('custom');
  if (!changes.length) return oneWithCustom(ctx, Lead, before);
  const updated = (await repo.update(id, custom ? { ...data, custom: custom.custom } : data)) ?? before;
  const row = await rescoreLead(ctx, updated);
  await ctx.events.publish(LeadUpdated, id, { id, title: row.title, ownerId: row.ownerId, changes });
  return oneWithCustom(ctx, Lead, row);
}

export async function deleteLead(ctx: RequestContext, id: string): Promise<void> {
  const repo = await ctx.scoped(Lead, 'crm.lead.delete');
  const row = await repo.get(id);
  if (!row || !(await repo.delete(id))) throw new NotFoundError('Lead');
  await ctx.events.publish(LeadDeleted, id, { id, title: row.title, ownerId: row.ownerId });
}
