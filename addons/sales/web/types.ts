// Row types of the pages, from the models themselves (type-only imports: no server code ships).
import type { Row } from '@elevate/sdk/web';
import type { Delivery, DeliveryLine } from '../src/models/delivery.model.ts';
import type { DocumentMail } from '../src/models/document-mail.model.ts';
import type { Installment, Invoice, Payment } from '../src/models/invoice.model.ts';
import type { InvoiceLine } from '../src/models/invoice-line.model.ts';
import type { OrderEvent } from '../src/models/misc.model.ts';
import type { Order } from '../src/models/order.model.ts';
import type { OrderLine } from '../src/models/order-line.model.ts';
import type { Quote } from '../src/models/quote.model.ts';
import type { QuoteLine } from '../src/models/quote-line.model.ts';
import type { Tax } from '../src/models/tax.model.ts';
import type { TimelineEntry } from '../src/services/invoices.service.ts';
import type { TaxSummary } from '../src/services/totals.ts';

export type QuoteRow = Row<typeof Quote>;
export type OrderRow = Row<typeof Order>;
export type TaxRow = Row<typeof Tax>;
export type { Order, Quote, Tax };

export type QuoteLineRow = Row<typeof QuoteLine> & { taxIds: string[] };
export type OrderLineRow = Row<typeof OrderLine> & { taxIds: string[] };

export type MailRow = Row<typeof DocumentMail>;

export interface QuoteView extends QuoteRow {
  lines: QuoteLineRow[];
  taxSummary: TaxSummary[];
  mails: MailRow[];
}

export type InvoiceRow = Row<typeof Invoice>;
export type InvoiceLineRow = Row<typeof InvoiceLine> & { taxIds: string[] };
export interface InvoiceView extends InvoiceRow {
  lines: InvoiceLineRow[];
  installments: Row<typeof Installment>[];
  payments: Row<typeof Payment>[];
  creditNotes: { id: string; number: string | null; state: string; amountTotal: string }[];
  taxSummary: TaxSummary[];
  mails: MailRow[];
  timeline: TimelineEntry[];
}

/** A row of GET /v1/sales/reports/invoices. */
export interface InvoiceListRow {
  id: string;
  kind: string;
  number: string | null;
  state: string;
  paymentStatus: string;
  invoiceDate: string | null;
  dueDate: string | null;
  contact: string | null;
  company: string | null;
  customerName: string | null;
  currency: string;
  amountTotal: string;
  amountResidual: string;
}

export interface OrderView extends OrderRow {
  lines: OrderLineRow[];
  deliveries: (Row<typeof Delivery> & { lines: Row<typeof DeliveryLine>[] })[];
  timeline: Row<typeof OrderEvent>[];
  invoices: {
    id: string;
    kind: string;
    number: string | null;
    state: string;
    paymentStatus: string;
    amountTotal: string;
    amountResidual: string;
  }[];
}

/** A contact as the pages show it (crm's REST shape, the fields used here). */
export interface ContactRef {
  id: string;
  name: string;
  kind?: string;
  email?: string | null;
}

export interface ProductRef {
  id: string;
  sku: string;
  name: string;
  salePrice: string | null;
  currency?: string | null;
}

/** `GET /v1/sales/customers/:id/sales`: a crm contact's documents (a kind is null without its read permission). */
export type { CustomerSales } from '../src/services/customers.service.ts';
