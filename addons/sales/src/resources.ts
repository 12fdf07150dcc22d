import { defineList, defineResource, type ListDef, type ResourceDef, resourceList } from '@elevate/sdk';
import { Invoice } from './models/invoice.model.ts';
import { Order } from './models/order.model.ts';
import { PaymentTerm } from './models/payment-term.model.ts';
import { Quote } from './models/quote.model.ts';
import { Tax } from './models/tax.model.ts';
import { invoiceFilters } from './rest/registers.routes.ts';
import { INVOICE_READ } from './services/invoices.service.ts';
import { countInvoices, type RegisterQuery } from './services/registers.service.ts';
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

/**
 * Lists saved views can be made of: `sales.quotes` and `sales.orders` (resource lists), and
 * `sales.invoices`, the invoices register's own filters (status, kind, customer, dates, number) as
 * the invoices page uses them, counted with the register's WHERE (record rules included).
 */
export const salesLists: readonly ListDef[] = [
  ...salesResources
    .filter((r: ResourceDef) => ['orders', 'quotes'].includes(r.path))
    .map((r: ResourceDef) => resourceList(r)),
  defineList({
    name: 'invoices',
    permission: INVOICE_READ,
    filters: invoiceFilters,
    // The register has one order (newest first).
    sort: [],
    count: (ctx, filters) => countInvoices(ctx, filters as RegisterQuery),
  }),
];
