import { entitySchemaOf, NotFoundError, type RequestContext, rowOf } from '@elevate/sdk';
import { raw } from '@mikro-orm/core';
import { crmErrors } from '../errors.ts';
import { ContactCreated, LeadConverted } from '../events.ts';
import type { ContactRow, LeadRow, OpportunityRow } from '../graphql/types.graphql.ts';
import { Contact } from '../models/contact.model.ts';
import { Lead } from '../models/lead.model.ts';
import { LEAD_WRITE } from './leads.service.ts';
import { createOpportunity } from './opportunities.service.ts';
import { missingLink } from './pipeline-sql.ts';
import { rescoreLead } from './scoring.service.ts';
import { sameText } from './tags.service.ts';

const ContactEntity = entitySchemaOf(Contact);
const LeadEntity = entitySchemaOf(Lead);

export interface ConvertInput {
  /** Create a person contact from the lead (default true) unless one is given or linked. */
  createContact?: boolean | null | undefined;
  /** Link this existing contact instead. */
  contactId?: string | null | undefined;
  opportunity?: {
    title?: string | null | undefined;
    value?: string | null | undefined;
    pipelineId?: string | null | undefined;
    stageId?: string | null | undefined;
  } | null;
}

export interface ConvertResult {
  lead: LeadRow;
  contact: ContactRow | null;
  company: ContactRow | null;
  opportunity: OpportunityRow;
}

/**
 * A visible company with this name (case-insensitive), reused rather than duplicated. ctx.em
 * applies the caller's record rule on crm.contact.read.
 */
async function findCompany(ctx: RequestContext, name: string): Promise<ContactRow | null> {
  const e = await ctx.em.findOne(
    ContactEntity,
    { kind: 'company', name: sameText(name) },
    { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], disableIdentityMap: true },
  );
  return e ? (rowOf(Contact, e) as ContactRow) : null;
}

async function newContact(ctx: RequestContext, data: Parameters<typeof insertContact>[1]): Promise<ContactRow> {
  const row = await insertContact(ctx, data);
  await ctx.events.publish(ContactCreated, row.id, { id: row.id, title: row.name, ownerId: row.ownerId });
  return row;
}

async function insertContact(
  ctx: RequestContext,
  data: {
    kind: 'person' | 'company';
    name: string;
    email?: string | null;
    phone?: string | null;
    source?: string | null;
    company?: string | null;
    ownerId: string;
  },
): Promise<ContactRow> {
  return (await ctx.scoped(Contact, 'crm.contact.write')).insert(data);
}

/**
 * Lead → contact (+ company) + opportunity, in the request's one transaction: if any step
 * fails nothing is written. The new records belong to the lead's owner.
 */
export async function convertLead(ctx: RequestContext, id: string, input: ConvertInput = {}): Promise<ConvertResult> {
  const leads = await ctx.scoped(Lead, LEAD_WRITE);
  const lead = await leads.get(id);
  if (!lead) throw new NotFoundError('Lead');
  // Claim the lead first: the row lock makes a concurrent second conversion wait, then fail.
  const claimed = await ctx.em.nativeUpdate(
    LeadEntity,
    { id, status: { $ne: 'converted' } },
    { status: 'converted', convertedAt: raw('now()'), updatedAt: raw('now()') },
  );
  if (claimed === 0) throw crmErrors.alreadyConverted();

  const ownerId = lead.ownerId ?? ctx.user.id;
  let contact: ContactRow | null = null;
  let company: ContactRow | null = null;
  let contactId: string | null = null;
  if (input.contactId) {
    contact = await (await ctx.scoped(Contact, 'crm.contact.read')).get(input.contactId);
    if (!contact) throw missingLink('contactId', 'contact');
    contactId = contact.id;
  } else if (lead.contact) {
    // Linked already; a contact the caller cannot see is left as it is, not copied onward.
    contact = await (await ctx.scoped(Contact, 'crm.contact.read')).get(lead.contact);
    contactId = contact?.id ?? null;
  } else if (input.createContact !== false) {
    if (lead.companyName) {
      company =
        (await findCompany(ctx, lead.companyName)) ??
        (await newContact(ctx, { kind: 'company', name: lead.companyName, source: lead.source, ownerId }));
    }
    contact = await newContact(ctx, {
      kind: 'person',
      name: lead.contactName ?? lead.title,
      email: lead.email,
      phone: lead.phone,
      source: lead.source,
      company: company?.id ?? null,
      ownerId,
    });
    contactId = contact.id;
  }

  const o = input.opportunity ?? {};
  const opportunity = await createOpportunity(ctx, {
    title: o.title ?? lead.title,
    value: o.value ?? lead.value,
    ...(lead.currency ? { currency: lead.currency } : {}),
    pipelineId: o.pipelineId,
    stageId: o.stageId,
    contactId,
    leadId: lead.id,
    ownerId,
  });
  const updated = (await leads.update(id, { contact: contactId ?? lead.contact })) ?? lead;
  const row = await rescoreLead(ctx, updated);
  await ctx.events.publish(LeadConverted, id, {
    id,
    title: row.title,
    ownerId: row.ownerId,
    opportunityId: opportunity.id,
    contactId,
  });
  return { lead: row, contact, company, opportunity };
}
