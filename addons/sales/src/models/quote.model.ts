import { Contact, Opportunity } from '@elevate/crm';
import { type AnyModel, defineModel, f, type Row } from '@elevate/sdk';

export const QUOTE_STATES = ['draft', 'sent', 'accepted', 'cancelled', 'expired', 'superseded'] as const;
export type QuoteState = (typeof QUOTE_STATES)[number];

/**
 * A quotation. Revisions share a `number` (S00012) and count up `revision` (1, 2, ...): revising a
 * sent quote copies it into the next revision and marks this one `superseded`, so what the
 * customer saw never changes. Amounts are in `currency`, rounded to its minor units.
 */
export const Quote = defineModel({
  name: 'sales.quote',
  owned: true,
  fields: {
    number: f.string({ required: true, max: 40 }),
    revision: f.integer({ required: true, default: 1 }),
    parent: f.ref((): AnyModel => Quote, { onDelete: 'set null' }),
    contact: f.ref(() => Contact, { onDelete: 'restrict' }),
    company: f.ref(() => Contact, { onDelete: 'restrict' }),
    opportunity: f.ref(() => Opportunity, { onDelete: 'set null' }),
    currency: f.string({ required: true, max: 3 }),
    validUntil: f.date(),
    state: f.enum(QUOTE_STATES, { required: true, default: 'draft' }),
    note: f.text(),
    amountUntaxed: f.decimal({ required: true, precision: [20, 4] }),
    amountTax: f.decimal({ required: true, precision: [20, 4] }),
    amountTotal: f.decimal({ required: true, precision: [20, 4] }),
    sentAt: f.datetime(),
    acceptedAt: f.datetime(),
    /** The customer's acceptance: the typed name, the signature (PNG data URL or typed text), from where. */
    acceptedName: f.string({ max: 200, personal: true }),
    acceptedSignature: f.text(),
    acceptedIp: f.string({ max: 64 }),
  },
  indexes: [['number', 'revision'], ['state']],
});

export type QuoteRow = Row<typeof Quote>;
