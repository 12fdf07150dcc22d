import { defineModel, f, type Row } from '@elevate/sdk';
import { Location } from './location.model.ts';
import { Lot } from './lot.model.ts';
import { Operation } from './operation.model.ts';
import { Product } from './product.model.ts';

export const COUNT_STATES = ['open', 'done', 'cancelled'] as const;

/**
 * A count sheet (cycle count) of one internal location: lines of counted quantities, typed or
 * scanned. Validating it moves each difference to or from inventory loss in one adjustment
 * operation, and records who validated it and when.
 */
export const CountSheet = defineModel({
  name: 'inventory.count',
  access: 'inventory.move',
  fields: {
    location: f.ref(() => Location, { required: true }),
    state: f.enum(COUNT_STATES, { required: true, default: 'open' }),
    reference: f.string({ max: 120 }),
    doneAt: f.datetime(),
    /** Who validated it. */
    doneBy: f.uuid(),
    /** The adjustment operation its differences made. */
    operation: f.ref(() => Operation),
  },
  indexes: [['state']],
});

/**
 * One product counted on a sheet; for a product tracked by lot or serial, one line per lot (a
 * serial counts 0 or 1). Expected and difference are filled in when the sheet is validated.
 */
export const CountLine = defineModel({
  name: 'inventory.count_line',
  access: 'inventory.move',
  fields: {
    sheet: f.ref(() => CountSheet, { required: true, onDelete: 'cascade' }),
    product: f.ref(() => Product, { required: true }),
    /** Tracked products: the lot or serial counted (a name not known yet is created on validation's line). */
    lot: f.ref(() => Lot),
    countedQuantity: f.decimal({ required: true }),
    expectedQuantity: f.decimal(),
    difference: f.decimal(),
  },
});

export type CountSheetRow = Row<typeof CountSheet>;
export type CountLineRow = Row<typeof CountLine>;
