import { defineEvent } from '@elevate/sdk';

export interface RecordEvent {
  id: string;
  title: string;
  ownerId: string | null;
  changes?: string[];
}
export interface StageChanged {
  id: string;
  title: string;
  fromStageId: string;
  toStageId: string;
  ownerId: string | null;
}
export interface Closed {
  id: string;
  title: string;
  value: string | null;
  currency: string;
  reason: string | null;
  ownerId: string | null;
  contactId: string | null;
}

export const ContactCreated = defineEvent<RecordEvent>('crm.contact.created', { permission: 'crm.contact.read' });
export const ContactUpdated = defineEvent<RecordEvent>('crm.contact.updated', { permission: 'crm.contact.read' });
export const ContactDeleted = defineEvent<RecordEvent>('crm.contact.deleted', { permission: 'crm.contact.read' });
export const LeadCreated = defineEvent<RecordEvent>('crm.lead.created', { permission: 'crm.lead.read' });
export const LeadUpdated = defineEvent<RecordEvent>('crm.lead.updated', { permission: 'crm.lead.read' });
export const LeadDeleted = defineEvent<RecordEvent>('crm.lead.deleted', { permission: 'crm.lead.read' });
export const LeadConverted = defineEvent<RecordEvent & { opportunityId: string; contactId: string | null }>(
  'crm.lead.converted',
  { permission: 'crm.lead.read' },
);
export const OpportunityCreated = defineEvent<RecordEvent>('crm.opportunity.created', {
  permission: 'crm.opportunity.read',
});
export const OpportunityUpdated = defineEvent<RecordEvent>('crm.opportunity.updated', {
  permission: 'crm.opportunity.read',
});
export const OpportunityDeleted = defineEvent<RecordEvent>('crm.opportunity.deleted', {
  permission: 'crm.opportunity.read',
});
export const OpportunityStageChanged = defineEvent<StageChanged>('crm.opportunity.stage_changed', {
  permission: 'crm.opportunity.read',
});
export const OpportunityWon = defineEvent<Closed>('crm.opportunity.won', { permission: 'crm.opportunity.read' });
export const OpportunityLost = defineEvent<Closed>('crm.opportunity.lost', { permission: 'crm.opportunity.read' });
export const ActivityCreated = defineEvent<RecordEvent>('crm.activity.created', { permission: 'crm.activity.read' });
/** Any change to an activity; `changes` names the fields. Marking it done also sends ActivityCompleted. */
export const ActivityUpdated = defineEvent<RecordEvent>('crm.activity.updated', { permission: 'crm.activity.read' });
export const ActivityCompleted = defineEvent<RecordEvent>('crm.activity.completed', {
  permission: 'crm.activity.read',
});
export const ActivityDeleted = defineEvent<RecordEvent>('crm.activity.deleted', { permission: 'crm.activity.read' });

export const crmEvents = [
  ContactCreated,
  ContactUpdated,
  ContactDeleted,
  LeadCreated,
  LeadUpdated,
  LeadDeleted,
  LeadConverted,
  OpportunityCreated,
  OpportunityUpdated,
  OpportunityDeleted,
  OpportunityStageChanged,
  OpportunityWon,
  OpportunityLost,
  ActivityCreated,
  ActivityUpdated,
  ActivityCompleted,
  ActivityDeleted,
];
