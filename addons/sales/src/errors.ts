import type { Shortfall } from '@elevate/inventory';
import { ConflictError, NotFoundError, ValidationError } from '@elevate/sdk';

export const salesErrors = {
  notFound: (what: string, path: string) =>
    new ValidationError(`No such ${what}`, [{ path, message: `refers to no ${what} of this company` }]),
  invalid: (path: string, message: string) => new ValidationError(`Invalid ${path}: ${message}`, [{ path, message }]),
  quoteState: (state: string, action: string) =>
    new ConflictError('SALES_QUOTE_STATE', `A ${state} quote cannot be ${action}`, [
      { path: 'state', message: `is ${state}` },
    ]),
  orderState: (state: string, action: string) =>
    new ConflictError('SALES_ORDER_STATE', `A ${state} order cannot be ${action}`, [
      { path: 'state', message: `is ${state}` },
    ]),
  invoiceState: (state: string, action: string) =>
    new ConflictError('SALES_INVOICE_STATE', `A ${state} invoice cannot be ${action}`, [
      { path: 'state', message: `is ${state}` },
    ]),
  nothingToInvoice: (policy: string) =>
    new ConflictError(
      'SALES_NOTHING_TO_INVOICE',
      `Nothing left to invoice on this order (the company invoices ${policy} quantities)`,
      [{ path: 'lines', message: `no ${policy} quantity is left to invoice` }],
    ),
  /** A pay link needs a payment addon (Stripe, ...) enabled for the company. */
  noPaymentProvider: () =>
    new ConflictError(
      'SALES_NO_PAYMENT_PROVIDER',
      'No payment provider is enabled: enable one (e.g. Stripe) under Addons to send pay links',
      [{ path: 'provider', message: 'no enabled addon provides payments' }],
    ),
  /** Confirming an order found too little stock for a line: nothing was reserved. */
  insufficient: (lineId: string, s: Shortfall) =>
    new ConflictError(
      'SALES_INSUFFICIENT_STOCK',
      `Not enough ${s.sku} at ${s.location}: ${s.requested} asked, ${s.available} available`,
      [{ path: `lines.${lineId}`, message: `is ${s.shortfall} more than available`, ...s }],
    ),
  /** A public link that is unknown, revoked or expired: all look the same from outside. */
  link: () => new NotFoundError('Quote'),
};
