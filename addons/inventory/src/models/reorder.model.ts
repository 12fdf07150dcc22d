import { defineModel, f, type Row } from '@elevate/sdk';
import { Operation } from './operation.model.ts';
import { Product } from './product.model.ts';
import { Warehouse } from './warehouse.model.ts';

/**
 * A reorder rule (Odoo's min/max): when the forecast of `product` in `warehouse` (on hand −
 * reserved + incoming) falls below `min`, a replenishment suggestion is raised for the quantity
 * that brings it to `max`, rounded up to `multiple`. One rule per product and warehouse.
 */
export const ReorderRule = defineModel({
  name: 'inventory.reorder_rule',
  access: 'inventory.reorder',
  fields: {
    product: f.ref(() => Product, { required: true }),
    warehouse: f.ref(() => Warehouse, { required: true }),
    min: f.decimal({ required: true }),
    max: f.decimal({ required: true }),
    /** Order in multiples of this (a case of 12); null: any quantity. */
    multiple: f.decimal(),
    active: f.boolean({ required: true, default: true }),
    /** False once a suggestion was raised, until the forecast is back at or above min. */
    armed: f.boolean({ required: true, default: true }),
  },
});

export const SUGGESTION_STATES = ['open', 'accepted', 'dismissed'] as const;

/** A replenishment suggestion raised by a rule: accept it (a draft receipt) or dismiss it. */
export const Replenishment = defineModel({
  name: 'inventory.replenishment',
  access: 'inventory.reorder',
  fields: {
    rule: f.ref(() => ReorderRule, { required: true, onDelete: 'cascade' }),
    product: f.ref(() => Product, { required: true }),
    warehouse: f.ref(() => Warehouse, { required: true }),
    quantity: f.decimal({ required: true }),
    /** The forecast when it was raised. */
    forecast: f.decimal({ required: true }),
    state: f.enum(SUGGESTION_STATES, { required: true, default: 'open' }),
    /** The draft receipt made when it was accepted. */
    operation: f.ref(() => Operation),
    handledAt: f.datetime(),
    handledBy: f.uuid(),
  },
  indexes: [['state']],
});

export type ReorderRuleRow = Row<typeof ReorderRule>;
export type ReplenishmentRow = Row<typeof Replenishment>;
