import { Product } from '@elevate/inventory';
import { defineModel, f, type Row, rel } from '@elevate/sdk';
import { Quote } from './quote.model.ts';
import { Tax } from './tax.model.ts';

export const LINE_KINDS = ['product', 'section', 'note'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

/**
 * What quote lines and order lines share: a product (or free text), a quantity in the product's
 * sale unit, a unit price, a discount (percent or an amount off the line), taxes. Section and
 * note lines only carry `description`. The amounts are computed by the addon (totals.ts).
 */
export const lineFields = {
  sequence: f.integer({ required: true, default: 0 }),
  kind: f.enum(LINE_KINDS, { required: true, default: 'product' }),
  product: f.ref(() => Product, { onDelete: 'restrict' }),
  description: f.text(),
  quantity: f.decimal({ required: true, precision: [18, 4] }),
  /** The unit the quantity is in (inventory unit of measure; default the product's sale unit). */
  uomId: f.uuid(),
  unitPrice: f.decimal({ required: true, precision: [18, 4] }),
  discountPercent: f.decimal({ precision: [9, 4] }),
  discountAmount: f.decimal({ precision: [18, 4] }),
  amountUntaxed: f.decimal({ required: true, precision: [20, 4] }),
  amountTax: f.decimal({ required: true, precision: [20, 4] }),
  amountTotal: f.decimal({ required: true, precision: [20, 4] }),
};

export const QuoteLine = defineModel({
  name: 'sales.quote_line',
  access: 'sales.quote',
  fields: { quote: f.ref(() => Quote, { required: true, onDelete: 'cascade' }), ...lineFields },
  relations: { taxes: rel.many(() => Tax) },
  indexes: [['quote', 'sequence']],
});

export type QuoteLineRow = Row<typeof QuoteLine>;
