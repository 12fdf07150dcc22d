import { PaymentSucceeded, subscribe } from '@elevate/sdk';
import { recordProviderPayment } from '../services/pay-link.service.ts';

/** Money from a payment provider (Stripe Checkout, ...) marks the invoice paid. */
export const recordInvoicePayment = subscribe(PaymentSucceeded, 'record-invoice-payment', (e, ctx) =>
  recordProviderPayment(ctx, e.payload),
);
