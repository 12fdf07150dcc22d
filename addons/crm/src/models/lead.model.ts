import { defineModel, f } from '@elevate/sdk';
import { Contact } from './contact.model.ts';

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'converted', 'disqualified'] as const;

export const Lead = defineModel({
  name: 'crm.lead',
  // Tenant admins add their own fields (docs/addon-authoring.md § Custom fields).
  customFields: true,
  owned: true,
  fields: {
    title: f.string({ required: true, max: 200 }),
    contactName: f.string({ max: 200, personal: true }),
    companyName: f.string({ max: 200 }),
    email: f.string({ max: 320, personal: true, index: true }),
    phone: f.string({ max: 50, personal: true }),
    /** The key of one of the company's lead sources (crm.lead_source). */
    source: f.string({ max: 60 }),
    status: f.enum(LEAD_STATUSES, { required: true, default: 'new' }),
    score: f.integer({ required: true, default: 0 }),
    value: f.decimal(),
    currency: f.string({ max: 3 }),
    description: f.text(),
    contact: f.ref(() => Contact, { onDelete: 'set null' }),
    convertedAt: f.datetime(),
  },
  indexes: [['status'], ['score']],
});
