import { type AnyModel, defineModel, f, type Row } from '@elevate/sdk';
import { Category } from './category.model.ts';
import { Uom } from './uom.model.ts';

export const PRODUCT_TYPES = ['stockable', 'consumable', 'service'] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];
export const TRACKING = ['none', 'lot', 'serial'] as const;
export type Tracking = (typeof TRACKING)[number];

/**
 * A product of the company's catalogue. Quantities of stock are always kept in `uom` (the stock
 * unit); purchase and sale units may differ but must be of the same kind. Amounts are exact
 * decimals in `currency`. A product with stock or history is archived (`active: false`), never deleted.
 */
export const Product = defineModel({
  name: 'inventory.product',
  // Tenant admins add their own fields (docs/addon-authoring.md § Custom fields).
  customFields: true,
  fields: {
    sku: f.string({ required: true, max: 64, unique: true }),
    name: f.string({ required: true, max: 200 }),
    description: f.text(),
    barcode: f.string({ max: 64, unique: true }),
    type: f.enum(PRODUCT_TYPES, { required: true, default: 'stockable' }),
    category: f.ref(() => Category, { onDelete: 'set null' }),
    uom: f.ref(() => Uom, { required: true }),
    purchaseUom: f.ref(() => Uom),
    saleUom: f.ref(() => Uom),
    cost: f.decimal({ precision: [18, 4] }),
    salePrice: f.decimal({ precision: [18, 4] }),
    currency: f.string({ required: true, max: 3, default: 'USD' }),
    properties: f.json<Record<string, unknown>>(),
    active: f.boolean({ required: true, default: true }),
    /** Lots or serial numbers on its moves: `none`, `lot` (batches) or `serial` (one unit each). */
    tracking: f.enum(TRACKING, { required: true, default: 'none' }),
    /** A variant's template: the product it was made from (its attributes are in `variantValues`). */
    template: f.ref((): AnyModel => Product, { onDelete: 'set null' }),
    /** A variant's attribute values, e.g. `{ "Size": "M", "Colour": "Red" }`. */
    variantValues: f.json<Record<string, string>>(),
  },
  indexes: [['name'], ['active']],
});

export type ProductRow = Row<typeof Product>;
