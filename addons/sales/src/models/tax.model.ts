import { defineModel, f, type Row } from '@elevate/sdk';

/**
 * A sales tax of the company: `rate` is a percentage ("20" is 20 %). An `inclusive` tax is
 * already in the unit price (European VAT on retail prices); an exclusive one comes on top.
 */
export const Tax = defineModel({
  name: 'sales.tax',
  fields: {
    name: f.string({ required: true, max: 80, unique: true }),
    rate: f.decimal({ required: true, precision: [9, 4] }),
    inclusive: f.boolean({ required: true, default: false }),
    active: f.boolean({ required: true, default: true }),
  },
});

export type TaxRow = Row<typeof Tax>;
