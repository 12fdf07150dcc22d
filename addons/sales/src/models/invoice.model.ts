import { Contact } from '@elevate/crm';
import { type AnyModel, defineModel, f, type Row } from '@elevate/sdk';
import { companyAmountFields } from './company-amounts.ts';
import { Order } from './order.model.ts';
import { PaymentTerm } from './payment-term.model.ts';

export const INVOICE_STATES = ['draft', 'posted', 'cancelled'] as const;
export const PAYMENT_STATUSES = ['unpaid', 'partial', 'paid', 'overdue'] as const;
export type InvoiceState = (typeof INVOICE_STATES)[number];
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * A customer invoice or a credit note (`kind`). A draft changes freely and has no number; posting
 * gives it the next number of its kind and year (INV/2026/00001, RINV/2026/00001, gap-free), fixes
 * the exchange rate of its date and its due parts, and it never changes again except for what is
 * paid. `paymentStatus`: unpaid, partial, paid, or overdue (a due part not covered by the payments).
 */
export const Invoice = defineModel({
  name: 'sales.invoice',
  owned: true,
  fields: {
    kind: f.enum(['invoice', 'credit_note'] as const, { required: true, default: 'invoice' }),
    number: f.string({ max: 40, unique: true }),
    order: f.ref(() => Order, { onDelete: 'restrict' }),
    /** A credit note: the invoice it reverses (fully or partly). */
    reverses: f.ref((): AnyModel => Invoice, { onDelete: 'restrict' }),
    contact: f.ref(() => Contact, { onDelete: 'restrict' }),
    company: f.ref(() => Contact, { onDelete: 'restrict' }),
    currency: f.string({ required: true, max: 3 }),
    state: f.enum(INVOICE_STATES, { required: true, default: 'draft' }),
    paymentStatus: f.enum(PAYMENT_STATUSES, { required: true, default: 'unpaid' }),
    invoiceDate: f.date(),
    /** The last due part's date. */
    dueDate: f.date(),
    paymentTerm: f.ref(() => PaymentTerm, { onDelete: 'restrict' }),
    note: f.text(),
    amountUntaxed: f.decimal({ required: true, precision: [20, 4] }),
    amountTax: f.decimal({ required: true, precision: [20, 4] }),
    amountTotal: f.decimal({ required: true, precision: [20, 4] }),
    amountPaid: f.decimal({ required: true, precision: [20, 4] }),
    amountResidual: f.decimal({ required: true, precision: [20, 4] }),
    postedAt: f.datetime(),
    ...companyAmountFields,
  },
  indexes: [['state', 'paymentStatus'], ['order']],
});

/** A due part of a posted invoice: `amount` by `dueDate` (allocated from the payment term). */
export const Installment = defineModel({
  name: 'sales.installment',
  access: 'sales.invoice',
  fields: {
    invoice: f.ref(() => Invoice, { required: true, onDelete: 'cascade' }),
    sequence: f.integer({ required: true, default: 0 }),
    dueDate: f.date({ required: true }),
    amount: f.decimal({ required: true, precision: [20, 4] }),
  },
  indexes: [['invoice', 'sequence']],
});

/**
 * Money received for an invoice: typed in (`manual`), from a payment provider (`provider`, with its
 * event id, unique: a provider event pays once), or a posted credit note applied to the invoice.
 */
export const Payment = defineModel({
  name: 'sales.payment',
  access: 'sales.invoice',
  fields: {
    invoice: f.ref(() => Invoice, { required: true, onDelete: 'restrict' }),
    method: f.enum(['manual', 'provider', 'credit_note'] as const, { required: true, default: 'manual' }),
    amount: f.decimal({ required: true, precision: [20, 4] }),
    currency: f.string({ required: true, max: 3 }),
    date: f.date({ required: true }),
    reference: f.string({ max: 200 }),
    provider: f.string({ max: 40 }),
    providerEventId: f.string({ max: 200, unique: true }),
    creditNote: f.ref((): AnyModel => Invoice, { onDelete: 'restrict' }),
    note: f.string({ max: 500 }),
  },
  indexes: [['invoice']],
});

export type InvoiceRow = Row<typeof Invoice>;
export type InstallmentRow = Row<typeof Installment>;
export type PaymentRow = Row<typeof Payment>;
