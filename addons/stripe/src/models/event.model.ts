import { defineModel, f, type Row } from '@elevate/sdk';

/**
 * A Stripe event this tenant received and processed. `eventId` is unique per tenant: the row is
 * written in the transaction that publishes the event's effect, so a second delivery of the same
 * event (a retry, a concurrent duplicate) finds it and does nothing.
 */
export const StripeEvent = defineModel({
  name: 'stripe.event',
  fields: {
    eventId: f.string({ max: 255, required: true, unique: true }),
    type: f.string({ max: 100, required: true }),
    livemode: f.boolean({ required: true, default: false }),
    /** The object the event is about (a Checkout Session `cs_…`). */
    objectId: f.string({ max: 255 }),
    /** The platform reference the checkout carried (`sales.invoice:<uuid>`), when any. */
    reference: f.string({ max: 200 }),
    amount: f.decimal({ precision: [20, 3] }),
    currency: f.string({ max: 3 }),
    /** What the platform did: `payment.succeeded`, or `ignored` for an event type it does not act on. */
    outcome: f.string({ max: 40, required: true }),
  },
});

export type StripeEventRow = Row<typeof StripeEvent>;
