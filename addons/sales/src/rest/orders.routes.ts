import type { RestRouter } from '@elevate/sdk';
import type { permissions } from '../permissions.ts';
import { linesSchema } from '../services/lines.service.ts';
import {
  cancelOrder,
  confirmOrder,
  createOrder,
  deliverOrder,
  ORDER_READ,
  ORDER_WRITE,
  type OrderInput,
  orderOf,
  orderView,
} from '../services/orders.service.ts';

const id = { type: ['string', 'null'], format: 'uuid' } as const;
const orderBody = {
  type: 'object',
  properties: {
    contactId: id,
    companyId: id,
    currency: { type: 'string', pattern: '^[A-Za-z]{3}$' },
    note: { type: ['string', 'null'], maxLength: 10000 },
    lines: linesSchema,
  },
  additionalProperties: false,
};
const deliverBody = {
  type: 'object',
  properties: {
    // Order line id → quantity (stock unit) to deliver now; left out: everything still due.
    lines: {
      type: 'object',
      maxProperties: 500,
      propertyNames: { format: 'uuid' },
      additionalProperties: { type: 'string', pattern: '^\\d{1,14}(\\.\\d{1,4})?$' },
    },
  },
  additionalProperties: false,
};

type IdParams = { id: string };

export function orderRoutes(r: RestRouter<typeof permissions>): void {
  r.get<IdParams>(
    '/orders/:id',
    { permission: ORDER_READ, summary: 'An order with its lines, deliveries and timeline' },
    async ({ params, ctx }) => orderView(ctx, await orderOf(ctx, params.id)),
  );
  r.post<Record<string, string>, OrderInput>(
    '/orders',
    { permission: ORDER_WRITE, body: orderBody, summary: 'Create a draft order' },
    async ({ body, ctx }) => ({ status: 201, body: await orderView(ctx, await createOrder(ctx, body)) }),
  );
  r.post<IdParams>(
    '/orders/:id/confirm',
    { permission: ORDER_WRITE, summary: 'Confirm: reserve the stock (409 SALES_INSUFFICIENT_STOCK when short)' },
    async ({ params, ctx }) => orderView(ctx, await confirmOrder(ctx, params.id)),
  );
  r.post<IdParams, { lines?: Record<string, string> }>(
    '/orders/:id/deliver',
    {
      permission: ORDER_WRITE,
      body: deliverBody,
      summary: 'Validate the waiting delivery, all or part (the rest becomes a backorder)',
    },
    async ({ params, body, ctx }) => {
      await deliverOrder(ctx, params.id, body?.lines);
      return { status: 201, body: await orderView(ctx, await orderOf(ctx, params.id)) };
    },
  );
  r.post<IdParams>(
    '/orders/:id/cancel',
    { permission: ORDER_WRITE, summary: 'Cancel: release reservations, return delivered goods' },
    async ({ params, ctx }) => orderView(ctx, await cancelOrder(ctx, params.id)),
  );
}
