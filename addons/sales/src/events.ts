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

const q = (name: string) => defineEvent<QuoteEvent>(`sales.quote.${name}`, { permission: 'sales.quote.read' });
const o = (name: string) => defineEvent<OrderEvent>(`sales.order.${name}`, { permission: 'sales.order.read' });

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
];
