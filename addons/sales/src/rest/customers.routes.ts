import type { RestRouter } from '@elevate/sdk';
import type { permissions } from '../permissions.ts';
import { customerSales, customersByIds, MAX_CUSTOMER_IDS } from '../services/customers.service.ts';

export function customerRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, { ids?: string }>(
    '/customers',
    {
      summary: 'The crm contacts behind sales documents, by id (one lookup through crm’s ContactDirectory)',
      query: {
        type: 'object',
        properties: { ids: { type: 'string', maxLength: MAX_CUSTOMER_IDS * 37 } },
        required: ['ids'],
        additionalProperties: false,
      },
    },
    async ({ query, ctx }) => ({ data: await customersByIds(ctx, query.ids ?? '') }),
  );
  r.get<{ id: string }>(
    '/customers/:id/sales',
    { summary: 'A crm contact’s or company’s quotes, orders and invoices, with amounts per currency' },
    async ({ params, ctx }) => customerSales(ctx, params.id),
  );
}
