import { defineModel, f } from '@elevate/sdk';

// A company's own list of values for a field of its records. Records store `key`, which never
// changes once created, so renaming (the label) or archiving an entry keeps old records readable.
const choiceFields = {
  key: f.string({ required: true, max: 60, unique: true }),
  label: f.string({ required: true, max: 60 }),
  position: f.integer({ required: true, default: 0 }),
  archived: f.boolean({ required: true, default: false }),
};

/** Where a company's leads come from (crm.lead.source holds the key). */
export const LeadSource = defineModel({ name: 'crm.lead_source', fields: choiceFields });

/** The kinds of activity a company plans (crm.activity.kind holds the key). */
export const ActivityType = defineModel({ name: 'crm.activity_type', fields: choiceFields });
