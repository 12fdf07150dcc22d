import { defineTrigger, type JsonSchema } from '@elevate/sdk';
import * as e from '../events.ts';
import { Invoice } from '../models/invoice.model.ts';
import { Order } from '../models/order.model.ts';
import { Quote } from '../models/quote.model.ts';

const str = { type: 'string' } as const;
const nullable = { type: ['string', 'null'] } as const;
const money = (title: string) => ({ ...str, title: `${title} (decimal)` });

const quote: JsonSchema = {
  type: 'object',
  properties: {
    id: str,
    number: { ...str, title: 'Number' },
    revision: { type: 'integer', title: 'Revision' },
    state: { ...str, title: 'State' },
    ownerId: { ...nullable, title: 'Owner' },
    contactId: { ...nullable, title: 'Customer' },
    opportunityId: { ...nullable, title: 'Opportunity' },
    amountTotal: money('Total'),
    currency: { ...str, title: 'Currency' },
  },
};
const order: JsonSchema = {
  type: 'object',
  properties: {
    id: str,
    number: { ...str, title: 'Number' },
    state: { ...str, title: 'State' },
    deliveryStatus: { ...str, title: 'Delivery' },
    ownerId: { ...nullable, title: 'Owner' },
    contactId: { ...nullable, title: 'Customer' },
    quoteId: { ...nullable, title: 'Quote' },
    amountTotal: money('Total'),
    currency: { ...str, title: 'Currency' },
  },
};
const invoice: JsonSchema = {
  type: 'object',
  properties: {
    id: str,
    kind: { ...str, title: 'Kind (invoice, credit_note)' },
    number: { ...nullable, title: 'Number' },
    state: { ...str, title: 'State' },
    paymentStatus: { ...str, title: 'Payment status' },
    ownerId: { ...nullable, title: 'Owner' },
    contactId: { ...nullable, title: 'Customer' },
    orderId: { ...nullable, title: 'Order' },
    invoiceDate: { ...nullable, title: 'Invoice date' },
    dueDate: { ...nullable, title: 'Due date' },
    amountTotal: money('Total'),
    amountResidual: money('Still due'),
    currency: { ...str, title: 'Currency' },
  },
};

/** sales' domain events as rule triggers. */
export const salesTriggers = [
  defineTrigger(e.QuoteSent, { title: 'Quote sent', payload: quote, model: Quote }),
  defineTrigger(e.QuoteAccepted, { title: 'Quote accepted', payload: quote, model: Quote }),
  defineTrigger(e.QuoteExpired, { title: 'Quote expired', payload: quote, model: Quote }),
  defineTrigger(e.OrderConfirmed, { title: 'Order confirmed', payload: order, model: Order }),
  defineTrigger(e.OrderDone, { title: 'Order fully delivered', payload: order, model: Order }),
  defineTrigger(e.InvoicePosted, { title: 'Invoice posted', payload: invoice, model: Invoice }),
  defineTrigger(e.InvoicePaid, { title: 'Invoice paid', payload: invoice, model: Invoice }),
  defineTrigger(e.InvoiceOverdue, { title: 'Invoice overdue', payload: invoice, model: Invoice }),
];
