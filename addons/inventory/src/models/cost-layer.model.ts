import { defineModel, f, type Row } from '@elevate/sdk';
import { Move } from './move.model.ts';
import { Product } from './product.model.ts';
import { Warehouse } from './warehouse.model.ts';

/**
 * A valuation layer: stock that entered a warehouse (a receipt, a positive adjustment, a transfer
 * from another warehouse) at a unit cost. What leaves the warehouse consumes its layers (FIFO:
 * oldest first, at each layer's cost; AVCO: at the average cost of what remains in that
 * warehouse). The stock value of a product in a warehouse is the sum of those layers'
 * remainingValue. `warehouse` is null for stock in no warehouse (the transit location).
 */
export const CostLayer = defineModel({
  name: 'inventory.cost_layer',
  access: 'inventory.move',
  // Valuation bookkeeping derived from the moves, which are audited: no row-by-row audit entry
  // (31 ms of a 500-line FIFO delivery's ~330 ms under its locks).
  audited: false,
  fields: {
    product: f.ref(() => Product, { required: true }),
    move: f.ref(() => Move, { required: true }),
    warehouse: f.ref(() => Warehouse),
    quantity: f.decimal({ required: true }),
    remaining: f.decimal({ required: true }),
    unitCost: f.decimal({ required: true, precision: [18, 6] }),
    remainingValue: f.decimal({ required: true }),
  },
});

export type CostLayerRow = Row<typeof CostLayer>;
