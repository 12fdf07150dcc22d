import { type AnyModel, defineModel, f, type Row, rel } from '@elevate/sdk';
import { Invoice } from './invoice.model.ts';
import { OrderLine } from './order-line.model.ts';
import { lineFields } from './quote-line.model.ts';
import { Tax } from './tax.model.ts';

/** An invoice (or credit note) line: a quote line's fields, and the order line it bills. */
export const InvoiceLine = defineModel({
  name: 'sales.invoice_line',
  access: 'sales.invoice',
  fields: {
    invoice: f.ref(() => Invoice, { required: true, onDelete: 'cascade' }),
    ...lineFields,
    orderLine: f.ref(() => OrderLine, { onDelete: 'restrict' }),
    /** A credit note's line: the invoice line it gives back (part of). */
    reversesLine: f.ref((): AnyModel => InvoiceLine, { onDelete: 'restrict' }),
  },
  relations: { taxes: rel.many(() => Tax) },
  indexes: [['invoice', 'sequence'], ['orderLine']],
});

export type InvoiceLineRow = Row<typeof InvoiceLine>;
