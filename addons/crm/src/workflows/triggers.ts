import { defineTrigger, type JsonSchema } from '@elevate/sdk';
import * as e from '../events.ts';
import { Activity } from '../models/activity.model.ts';
import { Contact } from '../models/contact.model.ts';
import { Lead } from '../models/lead.model.ts';
import { Opportunity } from '../models/opportunity.model.ts';

const str = { type: 'string' } as const;
const nullable = { type: ['string', 'null'] } as const;
const record: JsonSchema = {
  type: 'object',
  properties: {
    id: { ...str, title: 'Id' },
    title: { ...str, title: 'Title' },
    ownerId: { ...nullable, title: 'Owner' },
    changes: { type: 'array', items: str, title: 'Changed fields' },
  },
};
const stage: JsonSchema = {
  type: 'object',
  properties: {
    id: str,
    title: str,
    fromStageId: { ...str, title: 'From stage' },
    toStageId: { ...str, title: 'To stage' },
    ownerId: nullable,
  },
};
const closed: JsonSchema = {
  type: 'object',
  properties: {
    id: str,
    title: str,
    value: { ...nullable, title: 'Value (decimal)' },
    currency: { ...str, title: 'Currency' },
    reason: { ...nullable, title: 'Lost reason' },
    ownerId: { ...nullable, title: 'Owner' },
    contactId: { ...nullable, title: 'Contact' },
  },
};

/** crm's domain events as rule triggers: the payload's fields are the rule's variables. */
export const crmTriggers = [
  defineTrigger(e.ContactCreated, { title: 'Contact created', payload: record, model: Contact }),
  defineTrigger(e.ContactUpdated, { title: 'Contact updated', payload: record, model: Contact }),
  defineTrigger(e.LeadCreated, { title: 'Lead created', payload: record, model: Lead }),
  defineTrigger(e.LeadUpdated, { title: 'Lead updated', payload: record, model: Lead }),
  defineTrigger(e.LeadConverted, {
    title: 'Lead converted',
    payload: {
      ...record,
      properties: { ...(record.properties as object), opportunityId: str, contactId: nullable },
    },
    model: Lead,
  }),
  defineTrigger(e.OpportunityCreated, { title: 'Opportunity created', payload: record, model: Opportunity }),
  defineTrigger(e.OpportunityUpdated, { title: 'Opportunity updated', payload: record, model: Opportunity }),
  defineTrigger(e.OpportunityStageChanged, {
    title: 'Opportunity moved to a stage',
    payload: stage,
    model: Opportunity,
  }),
  defineTrigger(e.OpportunityWon, { title: 'Opportunity won', payload: closed, model: Opportunity }),
  defineTrigger(e.OpportunityLost, { title: 'Opportunity lost', payload: closed, model: Opportunity }),
  defineTrigger(e.ActivityCreated, { title: 'Activity created', payload: record, model: Activity }),
  defineTrigger(e.ActivityCompleted, { title: 'Activity completed', payload: record, model: Activity }),
];
