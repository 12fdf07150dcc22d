import { defineEvent } from '@elevate/sdk';

export interface QuoteEvent {
  id: string;
  number: string;
  revision: number;
  state: string;
  ownerId: string | null;
  contactId: string | null;
  opportunityId: string | null;
  amountTotal: string;
  currency: string;
}

export interface OrderEvent {
  id: string;
  number: string;
  state: string;
  deliveryStatus: string;
  ownerId: string | null;
  contactId: string | null;
  quoteId: string | null;
  amountTotal: string;
  currency: string;
}

export interface InvoiceEvent {
  id: string;
  kind: 'invoice' | 'credit_note';
  number: string | null;
  state: string;
  paymentStatus: string;
  ownerId: string | null;
  contactId: string | null;
  orderId: string | null;
  /** A credit note: the invoice it reverses. */
  reversesId: string | null;
  invoiceDate: string | null;
  dueDate: string | null;
  amountTotal: string;
  amountResidual: string;
  currency: string;
}

export interface PaymentEvent extends InvoiceEvent {
  paymentId: string;
  method: string;
  amount: string;
}

const q = (name: string) => defineEvent<QuoteEvent>(`sales.quote.${name}`, { permission: 'sales.quote.read' });
const o = (name: string) => defineEvent<OrderEvent>(`sales.order.${name}`, { permission: 'sales.order.read' });
const i = (name: string) => defineEvent<InvoiceEvent>(`sales.invoice.${name}`, { permission: 'sales.invoice.read' });

export const QuoteCreated = q('created');
export const QuoteSent = q('sent');
/** A sent quote was revised: the payload is the new revision; the old one is superseded. */
export const QuoteRevised = q('revised');
export const QuoteAccepted = q('accepted');
export const QuoteCancelled = q('cancelled');
export const QuoteExpired = q('expired');
export const OrderCreated = o('created');
export const OrderConfirmed = o('confirmed');
/** A delivery (or return) was validated; `deliveryStatus` says how much is out now. */
export const OrderDelivered = o('delivered');
export const OrderDone = o('done');
export const OrderCancelled = o('cancelled');

export const InvoiceCreated = i('created');
/** Posted: numbered, due parts fixed (credit notes too: `kind`). */
export const InvoicePosted = i('posted');
export const InvoiceCancelled = i('cancelled');
/** Money was recorded against the invoice (manually, from a provider, or a credit note applied). */
export const PaymentRecorded = defineEvent<PaymentEvent>('sales.invoice.payment_recorded', {
  permission: 'sales.invoice.read',
});
/** Nothing is left to pay. */
export const InvoicePaid = i('paid');
/** A due part passed its date uncovered (published once per invoice becoming overdue). */
export const InvoiceOverdue = i('overdue');

export const salesEvents = [
  QuoteCreated,
  QuoteSent,
  QuoteRevised,
  QuoteAccepted,
  QuoteCancelled,
  QuoteExpired,
  OrderCreated,
  OrderConfirmed,
  OrderDelivered,
  OrderDone,
  OrderCancelled,
  InvoiceCreated,
  InvoicePosted,
  InvoiceCancelled,
  PaymentRecorded,
  InvoicePaid,
  InvoiceOverdue,
];
