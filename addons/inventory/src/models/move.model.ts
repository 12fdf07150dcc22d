import { defineModel, f, type Row } from '@elevate/sdk';
import { Location } from './location.model.ts';
import { Lot } from './lot.model.ts';
import { Operation } from './operation.model.ts';
import { Product } from './product.model.ts';
import { Reservation } from './reservation.model.ts';
import { Uom } from './uom.model.ts';

export const MOVE_STATES = ['draft', 'confirmed', 'done', 'cancelled'] as const;
export type MoveState = (typeof MOVE_STATES)[number];

/**
 * Every change of a quantity: `quantity` (in the product's stock unit, always positive) goes
 * from one location to another. Draft → confirmed → done, or cancelled before done. A done move
 * never changes (a trigger refuses it); a correction is a new move.
 */
export const Move = defineModel({
  name: 'inventory.move',
  fields: {
    product: f.ref(() => Product, { required: true }),
    quantity: f.decimal({ required: true }),
    /** The unit and quantity as entered, when another unit than the stock unit was used. */
    uom: f.ref(() => Uom),
    uomQuantity: f.decimal(),
    from: f.ref(() => Location, { required: true }),
    to: f.ref(() => Location, { required: true }),
    state: f.enum(MOVE_STATES, { required: true, default: 'draft' }),
    kind: f.enum(['receipt', 'delivery', 'internal', 'adjustment'] as const, { required: true, default: 'internal' }),
    reference: f.string({ max: 120 }),
    reservation: f.ref(() => Reservation, { onDelete: 'set null' }),
    doneAt: f.datetime(),
    /** Receipts: the unit cost the goods came in at (default: the product's cost). */
    unitCost: f.decimal({ precision: [18, 6] }),
    /** Stockable products: the value the move added (in) or took (out) of the stock valuation. */
    value: f.decimal(),
    /** The operation (receipt, delivery, ...) this move is a line of, if any. */
    operation: f.ref(() => Operation),
    /** The lot or serial number moved (tracked products: one move per lot). */
    lot: f.ref(() => Lot),
  },
  indexes: [['product', 'state'], ['state']],
});

export type MoveRow = Row<typeof Move>;
