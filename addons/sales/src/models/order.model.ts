import { Contact, Opportunity } from '@elevate/crm';
import { defineModel, f, type Row } from '@elevate/sdk';
import { companyAmountFields } from './company-amounts.ts';
import { Quote } from './quote.model.ts';

export const ORDER_STATES = ['draft', 'confirmed', 'done', 'cancelled'] as const;
export type OrderState = (typeof ORDER_STATES)[number];
export const DELIVERY_STATUSES = ['nothing', 'partial', 'full'] as const;

/**
 * A sale order: made from an accepted quote (or directly). Confirming reserves its stock;
 * deliveries take the goods out; once everything is delivered it is `done`. Cancelling releases
 * what is still reserved and takes back what was delivered.
 */
export const Order = defineModel({
  name: 'sales.order',
  owned: true,
  fields: {
    number: f.string({ required: true, max: 40, unique: true }),
    quote: f.ref(() => Quote, { onDelete: 'set null' }),
    contact: f.ref(() => Contact, { onDelete: 'restrict' }),
    company: f.ref(() => Contact, { onDelete: 'restrict' }),
    opportunity: f.ref(() => Opportunity, { onDelete: 'set null' }),
    currency: f.string({ required: true, max: 3 }),
    state: f.enum(ORDER_STATES, { required: true, default: 'draft' }),
    deliveryStatus: f.enum(DELIVERY_STATUSES, { required: true, default: 'nothing' }),
    note: f.text(),
    amountUntaxed: f.decimal({ required: true, precision: [20, 4] }),
    amountTax: f.decimal({ required: true, precision: [20, 4] }),
    amountTotal: f.decimal({ required: true, precision: [20, 4] }),
    confirmedAt: f.datetime(),
    /** Set at confirmation: the rate of the confirmation date and the totals in the company currency. */
    ...companyAmountFields,
    cancelledAt: f.datetime(),
  },
  indexes: [['state']],
});

export type OrderRow = Row<typeof Order>;
