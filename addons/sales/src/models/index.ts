import { Delivery, DeliveryLine } from './delivery.model.ts';
import { DocumentMail } from './document-mail.model.ts';
import { Installment, Invoice, Payment } from './invoice.model.ts';
import { InvoiceLine } from './invoice-line.model.ts';
import { OrderEvent, Sequence, ShareLink } from './misc.model.ts';
import { Order } from './order.model.ts';
import { OrderLine } from './order-line.model.ts';
import { PaymentTerm } from './payment-term.model.ts';
import { Quote } from './quote.model.ts';
import { QuoteLine } from './quote-line.model.ts';
import { Tax } from './tax.model.ts';

/** Every sales model, a referenced model before the models that point at it. */
export const salesModels = [
  Tax,
  Quote,
  QuoteLine,
  Order,
  OrderLine,
  Delivery,
  DeliveryLine,
  OrderEvent,
  ShareLink,
  Sequence,
  PaymentTerm,
  Invoice,
  InvoiceLine,
  Installment,
  Payment,
  DocumentMail,
];
