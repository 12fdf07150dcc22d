import { defineModel, f, type Row } from '@elevate/sdk';
import { Location } from './location.model.ts';
import { Product } from './product.model.ts';

/**
 * A lot or serial number of a tracked product (Odoo's stock.lot): its name is unique per product
 * (migration 0015). A serial is one unit: it is never on hand twice. `expiresAt` orders the
 * oldest-first pick of deliveries (earliest expiry first, then the oldest lot).
 */
export const Lot = defineModel({
  name: 'inventory.lot',
  access: 'inventory.move',
  fields: {
    product: f.ref(() => Product, { required: true }),
    name: f.string({ required: true, max: 64 }),
    expiresAt: f.date(),
    notes: f.text(),
  },
  indexes: [['name']],
});

/**
 * On hand of one lot at one stocked location: the sum of the done moves of that lot into it minus
 * those out of it. The product's quant (inventory.quant) stays the total over its lots, so stock
 * rules and reservations without a lot work as for untracked products; a reservation naming a lot
 * holds it here too.
 */
export const LotQuant = defineModel({
  name: 'inventory.lot_quant',
  access: 'inventory.move',
  fields: {
    product: f.ref(() => Product, { required: true }),
    lot: f.ref(() => Lot, { required: true }),
    location: f.ref(() => Location, { required: true }),
    quantity: f.decimal({ required: true }),
    reserved: f.decimal({ required: true }),
  },
});

export type LotRow = Row<typeof Lot>;
export type LotQuantRow = Row<typeof LotQuant>;
