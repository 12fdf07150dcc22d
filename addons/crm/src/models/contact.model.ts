import { type AnyModel, defineModel, f } from '@elevate/sdk';

export const CONTACT_KINDS = ['person', 'company'] as const;

/** People and companies in one model (B2B and B2C); a person may belong to a company. */
export const Contact = defineModel({
  name: 'crm.contact',
  // Tenant admins add their own fields (docs/addon-authoring.md § Custom fields).
  customFields: true,
  owned: true,
  fields: {
    kind: f.enum(CONTACT_KINDS, { required: true, default: 'person' }),
    // A person's name is personal; a company's too is erased with the rest when asked for by email.
    name: f.string({ required: true, max: 200, personal: true }),
    firstName: f.string({ max: 100, personal: true }),
    lastName: f.string({ max: 100, personal: true }),
    email: f.string({ max: 320, personal: true, index: true }),
    phone: f.string({ max: 50, personal: true }),
    jobTitle: f.string({ max: 120 }),
    // A person's company (a contact of kind `company`).
    company: f.ref((): AnyModel => Contact, { onDelete: 'set null' }),
    website: f.string({ max: 300 }),
    street: f.string({ max: 200, personal: true }),
    city: f.string({ max: 100 }),
    postalCode: f.string({ max: 20 }),
    country: f.string({ max: 2 }),
    source: f.string({ max: 60 }),
  },
  indexes: [['kind', 'name'], ['name']],
  // Erasure anonymises the contact, unless a won deal names it: the sale is kept (bookkeeping
  // duties), so the erasure is refused with that reason until the retention ends.
  privacy: {
    subject: 'email',
    erase: 'anonymise',
    hold: async (db, row) => {
      const won = await db.query<{ title: string }>(
        "select title from crm_opportunity where contact_id = $1 and status = 'won' limit 1",
        [row.id],
      );
      return won[0] ? `a won opportunity ("${won[0].title}") is kept for bookkeeping` : null;
    },
  },
});
