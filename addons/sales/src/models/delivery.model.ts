import { Move } from '@elevate/inventory';
import { type AnyModel, defineModel, f, type Row } from '@elevate/sdk';
import { Order } from './order.model.ts';
import { OrderLine } from './order-line.model.ts';

/**
 * Goods leaving for the customer (`delivery`) or coming back (`return`). A confirmed order has one
 * `waiting` delivery; validating part of it makes it `done` and puts the rest in a new waiting
 * delivery, its backorder.
 */
export const Delivery = defineModel({
  name: 'sales.delivery',
  access: 'sales.order',
  fields: {
    order: f.ref(() => Order, { required: true, onDelete: 'cascade' }),
    kind: f.enum(['delivery', 'return'] as const, { required: true, default: 'delivery' }),
    state: f.enum(['waiting', 'done', 'cancelled'] as const, { required: true, default: 'waiting' }),
    backorderOf: f.ref((): AnyModel => Delivery, { onDelete: 'set null' }),
    doneAt: f.datetime(),
  },
  indexes: [['order', 'state']],
});

export const DeliveryLine = defineModel({
  name: 'sales.delivery_line',
  access: 'sales.order',
  fields: {
    delivery: f.ref(() => Delivery, { required: true, onDelete: 'cascade' }),
    orderLine: f.ref(() => OrderLine, { required: true, onDelete: 'cascade' }),
    /** In the product's stock unit. */
    quantity: f.decimal({ required: true, precision: [18, 4] }),
    move: f.ref(() => Move, { onDelete: 'set null' }),
  },
});

export type DeliveryRow = Row<typeof Delivery>;
export type DeliveryLineRow = Row<typeof DeliveryLine>;
