import { defineModel, f, type Row } from '@elevate/sdk';

export const UOM_KINDS = ['unit', 'weight', 'volume', 'length', 'time'] as const;

/**
 * A unit of measure. `factor` is how many of its kind's reference unit one of it holds
 * (Units 1, Dozen 12, Box of 12 12; kg 1, g 0.001): converting between two units of one kind
 * is `qty × from.factor ÷ to.factor`. Units of different kinds never convert.
 */
export const Uom = defineModel({
  name: 'inventory.uom',
  access: 'inventory.product',
  fields: {
    name: f.string({ required: true, max: 60, unique: true }),
    kind: f.enum(UOM_KINDS, { required: true, default: 'unit' }),
    factor: f.decimal({ required: true, precision: [18, 6] }),
  },
});

export type UomRow = Row<typeof Uom>;
