import { defineModel, f } from '@elevate/sdk';
import { Contact } from './contact.model.ts';
import { Lead } from './lead.model.ts';
import { Pipeline, Stage } from './pipeline.model.ts';

export const OPPORTUNITY_STATUSES = ['open', 'won', 'lost'] as const;

export const Opportunity = defineModel({
  name: 'crm.opportunity',
  // Tenant admins add their own fields (docs/addon-authoring.md § Custom fields).
  customFields: true,
  owned: true,
  fields: {
    title: f.string({ required: true, max: 200 }),
    contact: f.ref(() => Contact, { onDelete: 'set null' }),
    lead: f.ref(() => Lead, { onDelete: 'set null' }),
    pipeline: f.ref(() => Pipeline, { required: true }),
    stage: f.ref(() => Stage, { required: true }),
    /** Order of the card inside its stage column (the board). */
    position: f.integer({ required: true, default: 0 }),
    value: f.decimal({ precision: [16, 2] }),
    currency: f.string({ required: true, max: 3, default: 'USD' }),
    expectedCloseDate: f.date(),
    probability: f.integer({ required: true, default: 0 }),
    status: f.enum(OPPORTUNITY_STATUSES, { required: true, default: 'open' }),
    lostReason: f.text(),
    closedAt: f.datetime(),
  },
  indexes: [['stage', 'position'], ['status']],
});
