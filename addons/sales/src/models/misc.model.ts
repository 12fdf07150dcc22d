import { defineModel, f, type Row } from '@elevate/sdk';
import { Order } from './order.model.ts';
import { Quote } from './quote.model.ts';

/** The order's timeline: one row per state change (who and when come from the audit fields). */
export const OrderEvent = defineModel({
  name: 'sales.order_event',
  access: 'sales.order',
  fields: {
    order: f.ref(() => Order, { required: true, onDelete: 'cascade' }),
    /** 1, 2, ...: the order of the entries (several can share a transaction's time). */
    seq: f.integer({ required: true, default: 0 }),
    state: f.string({ required: true, max: 40 }),
    note: f.string({ max: 500 }),
  },
  indexes: [['order']],
});

/**
 * A link a customer opens without signing in. Only the SHA-256 of the token is kept; the token
 * itself is shown once, when the link is made.
 */
export const ShareLink = defineModel({
  name: 'sales.share_link',
  access: 'sales.quote',
  fields: {
    quote: f.ref(() => Quote, { required: true, onDelete: 'cascade' }),
    tokenHash: f.string({ required: true, max: 64, unique: true }),
    expiresAt: f.datetime({ required: true }),
    revokedAt: f.datetime(),
  },
});

/** Document numbers per company: `key` (e.g. `order`) → the last number given. */
export const Sequence = defineModel({
  name: 'sales.sequence',
  access: 'sales.order',
  fields: {
    key: f.string({ required: true, max: 40, unique: true }),
    last: f.integer({ required: true, default: 0 }),
  },
});

export type OrderEventRow = Row<typeof OrderEvent>;
export type ShareLinkRow = Row<typeof ShareLink>;
