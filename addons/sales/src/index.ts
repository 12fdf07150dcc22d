import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { commentsOn, defineAddon, relationFields } from '@elevate/sdk';
import { migrations } from '../migrations/index.ts';
import { contactSales } from './contact.ext.ts';
import { salesEvents } from './events.ts';
import { expiryJob, expirySchedule } from './jobs/expiry.job.ts';
import { overdueJob, overdueSchedule } from './jobs/overdue.job.ts';
import { messages } from './messages.ts';
import { salesModels } from './models/index.ts';
import { Order } from './models/order.model.ts';
import { Quote } from './models/quote.model.ts';
import { permissions } from './permissions.ts';
import { salesLists, salesResources } from './resources.ts';
import { customerRoutes } from './rest/customers.routes.ts';
import { invoiceRoutes } from './rest/invoices.routes.ts';
import { mailRoutes } from './rest/mail.routes.ts';
import { orderRoutes } from './rest/orders.routes.ts';
import { publicQuoteRoutes } from './rest/public.routes.ts';
import { quoteRoutes } from './rest/quotes.routes.ts';
import { registerRoutes } from './rest/registers.routes.ts';
import { searchProviders } from './search.ts';
import { settings } from './settings.ts';
import { salesWorkflows } from './workflows/index.ts';
import { recordInvoicePayment } from './workflows/payments.subscriber.ts';

export const sales = defineAddon({
  id: 'sales',
  version: '0.1.0',
  title: 'Sales',
  description:
    'Quotes with exact totals, taxes, revisions and a public link the customer accepts and signs; sale orders that reserve stock, deliveries with backorders, cancellations with returns; invoices with gap-free numbers, payment terms, credit notes, payments and aged receivables.',
  category: 'Sales',
  messages,
  icon: 'receipt',
  platform: '^1.0.0',
  depends: [crm, inventory],
  models: salesModels,
  extends: [contactSales],
  migrations,
  permissions,
  settings,
  events: salesEvents,
  resources: salesResources,
  // Contact.orders, .quotes, .invoices on crm's hand-written type (batched, permission-checked).
  graphql: (b, deps) => {
    relationFields(b, deps.crm.Contact, contactSales);
  },
  lists: salesLists,
  subscribers: [recordInvoicePayment],
  workflows: salesWorkflows,
  // Comments with @mentions on quotes and orders (a platform feature, docs/comments.md).
  comments: [
    commentsOn(Quote, { link: (r) => `/sales/quotes/${r.id}`, label: (r) => `Quote ${r.number}` }),
    commentsOn(Order, { link: (r) => `/sales/orders/${r.id}`, label: (r) => `Order ${r.number}` }),
  ],
  search: searchProviders,
  jobs: [overdueJob, expiryJob],
  schedules: [overdueSchedule, expirySchedule],
  rest: (r) => {
    quoteRoutes(r);
    orderRoutes(r);
    invoiceRoutes(r);
    registerRoutes(r);
    mailRoutes(r);
    publicQuoteRoutes(r);
    customerRoutes(r);
  },
});

export { contactSales } from './contact.ext.ts';
export * from './events.ts';
export { Invoice, type InvoiceRow } from './models/invoice.model.ts';
export { Order, type OrderRow } from './models/order.model.ts';
export { Quote, type QuoteRow } from './models/quote.model.ts';
export { Tax, type TaxRow } from './models/tax.model.ts';
