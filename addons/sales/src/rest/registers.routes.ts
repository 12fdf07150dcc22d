import type { JsonSchema, RestRouter } from '@elevate/sdk';
import type { permissions } from '../permissions.ts';
import { INVOICE_READ } from '../services/invoices.service.ts';
import { QUOTE_READ } from '../services/quotes.service.ts';
import {
  INVOICE_STATUSES,
  invoiceRegister,
  type PaymentQuery,
  paymentRegister,
  type RegisterQuery,
} from '../services/registers.service.ts';
import { overdueInvoices, quotesAwaiting } from '../services/summaries.service.ts';

const page = {
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 25 },
  offset: { type: 'integer', minimum: 0, default: 0 },
};
const range = {
  customer: { type: 'string', format: 'uuid', description: 'a crm contact: the invoice’s contact or company' },
  from: { type: 'string', format: 'date' },
  to: { type: 'string', format: 'date' },
};
/** The register's filters (also what a saved view of `sales.invoices` stores). */
export const invoiceFilters: Record<string, JsonSchema> = {
  status: { type: 'string', enum: [...INVOICE_STATUSES] },
  kind: { type: 'string', enum: ['invoice', 'credit_note'], default: 'invoice' },
  q: { type: 'string', maxLength: 40 },
  ...range,
};
const invoiceQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...invoiceFilters, ...page },
};
const paymentQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { method: { type: 'string', enum: ['manual', 'provider', 'credit_note'] }, ...range, ...page },
};

/** The invoices and payments registers, and the dashboard's sales figures (SQL over every row). */
export function registerRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, RegisterQuery>(
    '/reports/invoices',
    {
      permission: INVOICE_READ,
      query: invoiceQuery,
      summary:
        'Invoices (or credit notes) by status (draft, unpaid, partial, paid, overdue, cancelled), customer and date, with count and sums per currency of every match',
    },
    ({ query, ctx }) => invoiceRegister(ctx, query),
  );
  r.get<Record<string, string>, PaymentQuery>(
    '/payments',
    {
      permission: INVOICE_READ,
      query: paymentQuery,
      summary: 'Payments received, newest first, with their invoice and customer; sums per currency of every match',
    },
    ({ query, ctx }) => paymentRegister(ctx, query),
  );
  r.get(
    '/summaries/overdue-invoices',
    {
      permission: INVOICE_READ,
      summary: 'Invoices with a due part past its date and not paid: count, and the amount past due per currency',
    },
    ({ ctx }) => overdueInvoices(ctx),
  );
  r.get(
    '/summaries/quotes-awaiting',
    {
      permission: QUOTE_READ,
      summary: 'Sent quotes still valid that the customer has not answered: count and totals per currency',
    },
    ({ ctx }) => quotesAwaiting(ctx),
  );
}
