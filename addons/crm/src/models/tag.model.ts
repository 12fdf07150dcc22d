import { defineModel, f } from '@elevate/sdk';
import { Contact } from './contact.model.ts';

export const Tag = defineModel({
  name: 'crm.tag',
  fields: {
    name: f.string({ required: true, max: 60, unique: true }),
    color: f.string({ max: 20 }),
  },
});

/** Which tags a contact carries. */
export const ContactTag = defineModel({
  name: 'crm.contact_tag',
  fields: {
    contact: f.ref(() => Contact, { required: true, onDelete: 'cascade' }),
    tag: f.ref(() => Tag, { required: true, onDelete: 'cascade' }),
  },
});
