import { defineModel, f, type Row } from '@elevate/sdk';
import { Location } from './location.model.ts';
import { Lot } from './lot.model.ts';
import { Product } from './product.model.ts';

export const RESERVATION_STATES = ['active', 'released', 'done'] as const;

/**
 * Stock held for a demand (a sales order line, an API caller). `quantity` is held at `location`
 * until delivered (`delivered` grows, partial deliveries allowed) or released.
 */
export const Reservation = defineModel({
  name: 'inventory.reservation',
  fields: {
    product: f.ref(() => Product, { required: true }),
    location: f.ref(() => Location, { required: true }),
    quantity: f.decimal({ required: true }),
    delivered: f.decimal({ required: true }),
    state: f.enum(RESERVATION_STATES, { required: true, default: 'active' }),
    /** Who wants it, free text such as `sales.order:<id>`. */
    demand: f.string({ max: 200 }),
    /** A retried request with the same key gets the same reservation. */
    idempotencyKey: f.string({ max: 200, unique: true }),
    /** Tracked products: the lot or serial held (none: any of the product's lots). */
    lot: f.ref(() => Lot),
  },
  indexes: [['product', 'state']],
});

export type ReservationRow = Row<typeof Reservation>;
