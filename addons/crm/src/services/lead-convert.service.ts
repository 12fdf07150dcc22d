import {
  defineStep,
  defineStepHook,
  defineSteps,
  entitySchemaOf,
  hook,
  NotFoundError,
  type RequestContext,
  rowOf,
  runSteps,
} from '@elevate/sdk';
import { raw } from '@mikro-orm/core';
import { crmErrors } from '../errors.ts';
import { ContactCreated, LeadConverted } from '../events.ts';
import type { ContactRow, LeadRow, OpportunityRow } from '../graphql/types.graphql.ts';
import { Contact } from '../models/contact.model.ts';
import { Lead } from '../models/lead.model.ts';
import { Opportunity } from '../models/opportunity.model.ts';
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

/** What the conversion's steps share: each step reads what earlier ones put here and adds its own. */
export interface ConvertState {
  id: string;
  input: ConvertInput;
  lead?: LeadRow;
  ownerId?: string;
  contact: ContactRow | null;
  company: ContactRow | null;
  contactId: string | null;
  opportunity?: OpportunityRow;
  result?: LeadRow;
}

/** Where other addons join the conversion: the contact is known (created or linked). */
export const LeadConvertContactReady = defineStepHook<ConvertState>('crm.lead_convert.contact_ready');
/** Where other addons join the conversion: the opportunity exists (before the lead is linked to it). */
export const LeadConvertOpportunityReady = defineStepHook<ConvertState>('crm.lead_convert.opportunity_ready');

const claimLead = defineStep(
  'claim-lead',
  async (s: ConvertState, ctx: RequestContext) => {
    const lead = await (await ctx.scoped(Lead, LEAD_WRITE)).get(s.id);
    if (!lead) throw new NotFoundError('Lead');
    // Claim the lead first: the row lock makes a concurrent second conversion wait, then fail.
    const claimed = await ctx.em.nativeUpdate(
      LeadEntity,
      { id: s.id, status: { $ne: 'converted' } },
      { status: 'converted', convertedAt: raw('now()'), updatedAt: raw('now()') },
    );
    if (claimed === 0) throw crmErrors.alreadyConverted();
    s.lead = lead;
    s.ownerId = lead.ownerId ?? ctx.user.id;
    return { status: lead.status, convertedAt: lead.convertedAt };
  },
  async (was, s, ctx) => {
    await ctx.em.nativeUpdate(LeadEntity, { id: s.id }, { status: was.status, convertedAt: was.convertedAt });
  },
);

const contactStep = defineStep(
  'contact',
  async (s: ConvertState, ctx: RequestContext) => {
    const lead = s.lead as LeadRow;
    const made: string[] = [];
    if (s.input.contactId) {
      s.contact = await (await ctx.scoped(Contact, 'crm.contact.read')).get(s.input.contactId);
      if (!s.contact) throw missingLink('contactId', 'contact');
    } else if (lead.contact) {
      // Linked already; a contact the caller cannot see is left as it is, not copied onward.
      s.contact = await (await ctx.scoped(Contact, 'crm.contact.read')).get(lead.contact);
    } else if (s.input.createContact !== false) {
      const ownerId = s.ownerId as string;
      if (lead.companyName) {
        s.company = await findCompany(ctx, lead.companyName);
        if (!s.company) {
          s.company = await newContact(ctx, { kind: 'company', name: lead.companyName, source: lead.source, ownerId });
          made.push(s.company.id);
        }
      }
      s.contact = await newContact(ctx, {
        kind: 'person',
        name: lead.contactName ?? lead.title,
        email: lead.email,
        phone: lead.phone,
        source: lead.source,
        company: s.company?.id ?? null,
        ownerId,
      });
      made.push(s.contact.id);
    }
    s.contactId = s.contact?.id ?? null;
    return made;
  },
  async (made, _s, ctx) => {
    // Newest first: the person before the company it points to.
    for (const id of [...made].reverse()) await ctx.db.repo(Contact).delete(id);
  },
);

const opportunityStep = defineStep(
  'opportunity',
  async (s: ConvertState, ctx: RequestContext) => {
    const lead = s.lead as LeadRow;
    const o = s.input.opportunity ?? {};
    s.opportunity = await createOpportunity(ctx, {
      title: o.title ?? lead.title,
      value: o.value ?? lead.value,
      ...(lead.currency ? { currency: lead.currency } : {}),
      pipelineId: o.pipelineId,
      stageId: o.stageId,
      contactId: s.contactId,
      leadId: lead.id,
      ownerId: s.ownerId as string,
    });
    return s.opportunity.id;
  },
  async (id, _s, ctx) => {
    await ctx.db.repo(Opportunity).delete(id);
  },
);

const linkLead = defineStep('link-lead', async (s: ConvertState, ctx: RequestContext) => {
  const lead = s.lead as LeadRow;
  const leads = await ctx.scoped(Lead, LEAD_WRITE);
  const updated = (await leads.update(s.id, { contact: s.contactId ?? lead.contact })) ?? lead;
  s.result = await rescoreLead(ctx, updated);
  await ctx.events.publish(LeadConverted, s.id, {
    id: s.id,
    title: s.result.title,
    ownerId: s.result.ownerId,
    opportunityId: (s.opportunity as OpportunityRow).id,
    contactId: s.contactId,
  });
});

/**
 * Lead → contact (+ company) + opportunity, as steps with their compensations (docs/automation.md):
 * other addons join at the two hooks. A failing step undoes the steps before it (newest first) and
 * the request's transaction rolls back, so nothing is written.
 */
export const convertLeadFlow = defineSteps<ConvertState>('crm.lead.convert', [
  claimLead,
  contactStep,
  hook(LeadConvertContactReady),
  opportunityStep,
  hook(LeadConvertOpportunityReady),
  linkLead,
]);

export async function convertLead(ctx: RequestContext, id: string, input: ConvertInput = {}): Promise<ConvertResult> {
  const s = await runSteps(convertLeadFlow, { id, input, contact: null, company: null, contactId: null }, ctx);
  return {
    lead: s.result as LeadRow,
    contact: s.contact,
    company: s.company,
    opportunity: s.opportunity as OpportunityRow,
  };
}
