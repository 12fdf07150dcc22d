import { Reservation } from '@elevate/inventory';
import { defineModel, f, type Row, rel } from '@elevate/sdk';
import { Order } from './order.model.ts';
import { lineFields } from './quote-line.model.ts';
import { Tax } from './tax.model.ts';

/** An order line: a quote line's fields plus what was reserved, delivered and returned (stock unit). */
export const OrderLine = defineModel({
  name: 'sales.order_line',
  access: 'sales.order',
  fields: {
    order: f.ref(() => Order, { required: true, onDelete: 'cascade' }),
    ...lineFields,
    reservation: f.ref(() => Reservation, { onDelete: 'set null' }),
    delivered: f.decimal({ required: true, precision: [18, 4] }),
    returned: f.decimal({ required: true, precision: [18, 4] }),
  },
  relations: { taxes: rel.many(() => Tax) },
  indexes: [['order', 'sequence']],
});

export type OrderLineRow = Row<typeof OrderLine>;
