import { defineEvent } from './events.ts';
import { defineService } from './services.ts';

/**
 * An exact amount: a decimal string in the currency's major unit (`"19.99"` EUR, `"1500"` JPY,
 * `"1.250"` KWD), never a float. The same shape as the SDK's `Money`.
 */
export interface PaymentAmount {
  /** `^-?\d+(\.\d+)?$`, at most the currency's minor digits. */
  amount: string;
  /** ISO 4217, upper case. */
  currency: string;
}

export interface CheckoutRequest {
  /**
   * What the payment is for, as `<model>:<id>` (`sales.invoice:5b0c…`): comes back unchanged in
   * `payments.payment.succeeded`, so the consumer finds its record. At most 200 characters.
   */
  reference: string;
  amount: PaymentAmount;
  /** Shown to the payer on the provider's page (e.g. "Invoice INV/2026/0042"). */
  description: string;
  /** Pre-fills the payer's email where the provider supports it. */
  customerEmail?: string;
  /** Where the payer's browser goes after paying, and after giving up. Absolute http(s) URLs. */
  successUrl: string;
  cancelUrl: string;
}

export interface Checkout {
  /** The provider's hosted payment page: send the payer there. */
  url: string;
  /** The provider's id of the checkout (a Stripe Checkout Session id `cs_…`). */
  id: string;
}

/**
 * A payment provider (Stripe, ...): creates hosted checkouts and, when money arrives, publishes
 * `PaymentSucceeded` in the same transaction that records the provider's event, exactly once per
 * provider event. Resolve the tenant's provider with `ctx.services.get(Payments)`.
 */
export interface PaymentProvider {
  /** The providing addon's id (`stripe`). */
  readonly provider: string;
  /**
   * Creates a hosted checkout for `amount`. Throws NOT_CONFIGURED (409) when the tenant has not
   * connected the provider, VALIDATION_FAILED (400) naming the field for bad input, and
   * PAYMENT_PROVIDER_ERROR (502) when the provider refuses or cannot be reached.
   */
  createCheckout(request: CheckoutRequest): Promise<Checkout>;
}

/** The tenant's payment provider (several may be enabled: the tenant chooses one). */
export const Payments = defineService<PaymentProvider>('payments.provider');

export interface PaymentSucceededPayload {
  /** The `reference` given to `createCheckout`. */
  reference: string;
  /** The provider (`stripe`). */
  provider: string;
  /** The provider's id of the payment (Stripe: the PaymentIntent `pi_…`, else the session id). */
  providerPaymentId: string;
  /** The provider's id of the checkout the payment came through, when there was one. */
  checkoutId: string | null;
  /** The provider's event id: unique per provider, for the consumer's own idempotence. */
  providerEventId: string;
  /** What was paid, exact, in the currency's major unit (`"19.99"`). */
  amount: string;
  currency: string;
}

/**
 * Published by the provider when money arrives (Stripe: `checkout.session.completed` with
 * `payment_status: paid`). Once per provider event, even when the provider delivers it twice.
 * Subscribe with `subscribe(PaymentSucceeded, 'mark-invoice-paid', handler)`. A provider addon lists
 * it in its `events` (the manifest allows the events of a contract the addon `provides`), so
 * outgoing webhooks can subscribe to it too.
 */
export const PaymentSucceeded = defineEvent<PaymentSucceededPayload>('payments.payment.succeeded', {
  // On the live channel only to those who manage the tenant's integrations; the consumer's own
  // event (e.g. an invoice paid) is what its pages listen to.
  permission: 'core.settings.manage',
});
