import { defineResource, type ListDef, type ResourceDef, resourceList } from '@elevate/sdk';
import { Invoice } from './models/invoice.model.ts';
import { Order } from './models/order.model.ts';
import { PaymentTerm } from './models/payment-term.model.ts';
import { Quote } from './models/quote.model.ts';
import { Tax } from './models/tax.model.ts';
import { checkParts } from './services/terms.service.ts';

/** What sales offers through the derived REST + GraphQL layer; documents change through their verbs (rest/). */
export const salesResources = [
  // No delete: a tax on a sent quote stays (archive it with `active: false`).
  defineResource(Tax, {
    search: ['name'],
    defaultSort: { field: 'name', dir: 'asc' },
    operations: ['list', 'get', 'create', 'update'],
  }),
  defineResource(Quote, {
    operations: ['list'],
    search: ['number'],
    filters: ['state', 'contact', 'company', 'opportunity', 'currency'],
    sort: ['createdAt', 'updatedAt', 'number', 'validUntil', 'amountTotal'],
  }),
  defineResource(Order, {
    operations: ['list'],
    search: ['number'],
    filters: ['state', 'deliveryStatus', 'contact', 'company', 'quote', 'opportunity', 'currency'],
    sort: ['createdAt', 'updatedAt', 'number', 'amountTotal'],
  }),
  defineResource(Invoice, {
    operations: ['list'],
    search: ['number'],
    // `order` is a list parameter (sort direction): an order's invoices come with GET /orders/:id.
    filters: ['kind', 'state', 'paymentStatus', 'contact', 'company', 'currency', 'reverses'],
    sort: ['createdAt', 'updatedAt', 'number', 'invoiceDate', 'dueDate', 'amountTotal', 'amountResidual'],
  }),
  // No delete: a term on a posted invoice stays (archive it with `active: false`).
  defineResource(PaymentTerm, {
    path: 'payment-terms',
    search: ['name'],
    defaultSort: { field: 'name', dir: 'asc' },
    operations: ['list', 'get', 'create', 'update'],
    hooks: {
      beforeWrite: (_ctx, input) => (input.parts !== undefined ? { ...input, parts: checkParts(input.parts) } : input),
    },
  }),
];

/** Lists saved views can be made of (`sales.orders`, `sales.quotes`, `sales.invoices`). */
export const salesLists: readonly ListDef[] = salesResources
  .filter((r: ResourceDef) => ['orders', 'quotes', 'invoices'].includes(r.path))
  .map((r: ResourceDef) => resourceList(r));
