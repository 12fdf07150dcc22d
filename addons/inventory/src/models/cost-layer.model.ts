import { defineModel, f, type Row } from '@elevate/sdk';
import { Move } from './move.model.ts';
import { Product } from './product.model.ts';

/**
 * A valuation layer: stock that entered the company (a receipt, a positive adjustment) at a unit
 * cost. Deliveries consume layers (FIFO: oldest first, at each layer's cost; AVCO: at the average
 * cost of what remains). The stock value of a product is the sum of its layers' remainingValue.
 */
export const CostLayer = defineModel({
  name: 'inventory.cost_layer',
  access: 'inventory.move',
  fields: {
    product: f.ref(() => Product, { required: true }),
    move: f.ref(() => Move, { required: true }),
    quantity: f.decimal({ required: true }),
    remaining: f.decimal({ required: true }),
    unitCost: f.decimal({ required: true, precision: [18, 6] }),
    remainingValue: f.decimal({ required: true }),
  },
});

export type CostLayerRow = Row<typeof CostLayer>;
