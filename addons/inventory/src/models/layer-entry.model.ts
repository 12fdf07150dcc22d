import { defineModel, f, type Row } from '@elevate/sdk';
import { CostLayer } from './cost-layer.model.ts';
import { Move } from './move.model.ts';
import { Product } from './product.model.ts';

/**
 * The history of the cost layers: every change of a layer's remaining quantity or value, with when
 * it happened. A layer's remaining quantity and value at a date are the sums of its entries up to
 * that date, so the valuation at any past date is exact (and now it equals the layers). `in` makes
 * the layer (its move), `out` is what a move took from it, `revalue` what an AVCO delivery moved
 * between the layers that stay, `landed` a landed cost added to it.
 */
export const LayerEntry = defineModel({
  name: 'inventory.layer_entry',
  access: 'inventory.move',
  // Valuation bookkeeping derived from the moves, which are audited: no row-by-row audit entry
  // (31 ms of a 500-line FIFO delivery's ~330 ms under its locks).
  audited: false,
  fields: {
    product: f.ref(() => Product, { required: true }),
    layer: f.ref(() => CostLayer, { required: true }),
    move: f.ref(() => Move),
    kind: f.enum(['in', 'out', 'revalue', 'landed'] as const, { required: true }),
    quantity: f.decimal({ required: true }),
    value: f.decimal({ required: true }),
    at: f.datetime({ required: true }),
  },
  indexes: [['product', 'at'], ['layer'], ['at']],
});

export type LayerEntryRow = Row<typeof LayerEntry>;
