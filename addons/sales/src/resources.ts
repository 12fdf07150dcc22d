import { defineResource } from '@elevate/sdk';
import { Order } from './models/order.model.ts';
import { Quote } from './models/quote.model.ts';
import { Tax } from './models/tax.model.ts';

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
    filters: ['state', 'deliveryStatus', 'contact', 'company', 'quote', 'currency'],
    sort: ['createdAt', 'updatedAt', 'number', 'amountTotal'],
  }),
];
