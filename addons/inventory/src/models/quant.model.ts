import { defineModel, f, type Row } from '@elevate/sdk';
import { Location } from './location.model.ts';
import { Product } from './product.model.ts';

/**
 * On hand per product per internal location: always the sum of the done moves into it minus
 * those out of it, changed in the same transaction as the move. `reserved` is what active
 * reservations hold there; available = quantity − reserved. One row per (product, location):
 * a unique index in migration 0002.
 */
export const Quant = defineModel({
  name: 'inventory.quant',
  access: 'inventory.move',
  fields: {
    product: f.ref(() => Product, { required: true }),
    location: f.ref(() => Location, { required: true }),
    quantity: f.decimal({ required: true }),
    reserved: f.decimal({ required: true }),
  },
});

export type QuantRow = Row<typeof Quant>;
