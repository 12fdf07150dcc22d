import { NotFoundError, type RequestContext } from '@elevate/sdk';
import type { ActivityRow, OpportunityRow } from '../graphql/types.graphql.ts';
import { Activity } from '../models/activity.model.ts';
import { Contact } from '../models/contact.model.ts';
import { Opportunity } from '../models/opportunity.model.ts';

const MAX_RELATED = 100;

export interface ContactRelated {
  /** The contact and, for a company, its people the caller may see. */
  contactIds: string[];
  opportunities: OpportunityRow[];
  activities: ActivityRow[];
}

/**
 * A contact's deals and activities, a company's including its people's: what the company page
 * lists. Each kind under its own permission and record rules (none without the permission).
 */
export async function contactRelated(ctx: RequestContext, id: string): Promise<ContactRelated> {
  const contacts = await ctx.scoped(Contact, 'crm.contact.read');
  const contact = await contacts.get(id);
  if (!contact) throw new NotFoundError('Contact');
  const people = contact.kind === 'company' ? await contacts.find({ where: { company: contact.id }, limit: 1000 }) : [];
  const contactIds = [contact.id, ...people.map((p) => p.id)];
  const where = { contact: { in: contactIds } };
  const opportunities = ctx.can('crm.opportunity.read')
    ? await (await ctx.scoped(Opportunity, 'crm.opportunity.read')).find({
        where,
        orderBy: [{ field: 'updatedAt', dir: 'desc' }],
        limit: MAX_RELATED,
      })
    : [];
  const activities = ctx.can('crm.activity.read')
    ? await (await ctx.scoped(Activity, 'crm.activity.read')).find({
        where,
        orderBy: [{ field: 'done' }, { field: 'dueAt' }, { field: 'createdAt', dir: 'desc' }],
        limit: MAX_RELATED,
      })
    : [];
  return { contactIds, opportunities, activities };
}
