import { defineModel, f, type Row } from '@elevate/sdk';
import { CostLayer } from './cost-layer.model.ts';
import { Move } from './move.model.ts';
import { Operation } from './operation.model.ts';
import { Product } from './product.model.ts';

export const LANDED_SPLITS = ['quantity', 'value', 'manual'] as const;

/**
 * A landed cost (freight, duty, ...) added to a done receipt: `amount` split over its valued lines
 * by quantity, by value or as named per line. What each line's goods still in stock get raises its
 * layer (`stockValue`); what was already delivered from the layer is `deliveredValue` (Odoo posts
 * it to the cost of goods sold), kept here and not in the stock value.
 */
export const LandedCost = defineModel({
  name: 'inventory.landed_cost',
  access: 'inventory.move',
  fields: {
    operation: f.ref(() => Operation, { required: true }),
    description: f.string({ max: 120 }),
    amount: f.decimal({ required: true }),
    split: f.enum(LANDED_SPLITS, { required: true, default: 'quantity' }),
    stockValue: f.decimal({ required: true }),
    deliveredValue: f.decimal({ required: true }),
    doneAt: f.datetime({ required: true }),
  },
});

/** One receipt line's share of a landed cost. */
export const LandedCostLine = defineModel({
  name: 'inventory.landed_cost_line',
  access: 'inventory.move',
  fields: {
    landedCost: f.ref(() => LandedCost, { required: true, onDelete: 'cascade' }),
    move: f.ref(() => Move, { required: true }),
    product: f.ref(() => Product, { required: true }),
    layer: f.ref(() => CostLayer, { required: true }),
    amount: f.decimal({ required: true }),
    stockValue: f.decimal({ required: true }),
    deliveredValue: f.decimal({ required: true }),
  },
});

export type LandedCostRow = Row<typeof LandedCost>;
export type LandedCostLineRow = Row<typeof LandedCostLine>;
