import { defineModel, f } from '@elevate/sdk';
import { Contact } from './contact.model.ts';
import { Lead } from './lead.model.ts';
import { Opportunity } from './opportunity.model.ts';

/** crm 1.1's fixed kinds: the activity types every company starts with (crm.activity_type). */
export const ACTIVITY_KINDS = ['call', 'meeting', 'email', 'task'] as const;

export const Activity = defineModel({
  name: 'crm.activity',
  owned: true,
  fields: {
    /** The key of one of the company's activity types (crm.activity_type). */
    kind: f.string({ required: true, max: 60 }),
    subject: f.string({ required: true, max: 200 }),
    description: f.text(),
    dueAt: f.datetime(),
    done: f.boolean({ required: true, default: false }),
    doneAt: f.datetime(),
    contact: f.ref(() => Contact, { onDelete: 'set null' }),
    lead: f.ref(() => Lead, { onDelete: 'set null' }),
    opportunity: f.ref(() => Opportunity, { onDelete: 'set null' }),
  },
  indexes: [['done', 'dueAt']],
});

export const Note = defineModel({
  name: 'crm.note',
  owned: true,
  fields: {
    body: f.text({ required: true }),
    contact: f.ref(() => Contact, { onDelete: 'cascade' }),
    lead: f.ref(() => Lead, { onDelete: 'cascade' }),
    opportunity: f.ref(() => Opportunity, { onDelete: 'cascade' }),
  },
});
