import { defineModel, f } from '@elevate/sdk';
import { Contact } from './contact.model.ts';

export const CONSENT_PURPOSES = ['marketing'] as const;

/**
 * A contact's consent record: opted in (or out) for a purpose, where and when. The address
 * consented with is kept (personal): the record is found, exported and anonymised with the
 * person. Guarded by the contact permissions.
 */
export const Consent = defineModel({
  name: 'crm.consent',
  access: 'crm.contact',
  fields: {
    contact: f.ref(() => Contact, { required: true, onDelete: 'cascade' }),
    email: f.string({ required: true, max: 320, personal: true }),
    purpose: f.enum(CONSENT_PURPOSES, { required: true, default: 'marketing' }),
    granted: f.boolean({ required: true }),
    /** Where the consent was given: "web form", "import", "phone call". */
    source: f.string({ required: true, max: 120 }),
    givenAt: f.datetime({ required: true }),
  },
  indexes: [['contact', 'givenAt']],
});
