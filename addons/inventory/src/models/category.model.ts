import { type AnyModel, defineModel, f, type Row } from '@elevate/sdk';

/** A product category (Odoo's "All / Saleable"): a tree through `parent`. */
export const Category = defineModel({
  name: 'inventory.category',
  access: 'inventory.product',
  fields: {
    name: f.string({ required: true, max: 120, unique: true }),
    parent: f.ref((): AnyModel => Category, { onDelete: 'set null' }),
  },
});

export type CategoryRow = Row<typeof Category>;
