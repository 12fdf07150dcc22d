import {
  type Checkout,
  type CheckoutRequest,
  type ErrorDetail,
  type PaymentProvider,
  type SystemContext,
  ValidationError,
} from '@elevate/sdk';
import { providerError } from '../errors.ts';
import { secretsOf } from './account.service.ts';
import { toStripeAmount } from './amounts.ts';
import { stripeClient } from './client.ts';

/** Metadata keys the webhook reads back (Stripe keeps up to 50 keys of 500 characters). */
export const REFERENCE_KEY = 'elevate_reference';
export const TENANT_KEY = 'elevate_tenant';

const REFERENCE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*:[A-Za-z0-9._:-]{1,160}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function absoluteUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 2000) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function check(req: CheckoutRequest): bigint {
  const details: ErrorDetail[] = [];
  if (typeof req.reference !== 'string' || req.reference.length > 200 || !REFERENCE.test(req.reference)) {
    details.push({ path: 'reference', message: 'must look like "sales.invoice:<id>" (at most 200 characters)' });
  }
  if (typeof req.description !== 'string' || !req.description.trim() || req.description.length > 500) {
    details.push({ path: 'description', message: 'must be 1-500 characters' });
  }
  if (req.customerEmail !== undefined && (typeof req.customerEmail !== 'string' || !EMAIL.test(req.customerEmail))) {
    details.push({ path: 'customerEmail', message: 'must be an email address' });
  }
  if (!absoluteUrl(req.successUrl)) details.push({ path: 'successUrl', message: 'must be an absolute http(s) URL' });
  if (!absoluteUrl(req.cancelUrl)) details.push({ path: 'cancelUrl', message: 'must be an absolute http(s) URL' });
  let minor = 0n;
  try {
    minor = toStripeAmount(String(req.amount?.amount ?? ''), String(req.amount?.currency ?? ''));
  } catch (err) {
    details.push(...((err as ValidationError).details ?? []));
  }
  // Stripe's ceiling for one charge: 8 digits in the minor unit (999,999.99 EUR).
  if (minor > 99_999_999n)
    details.push({ path: 'amount.amount', message: "is above Stripe's maximum of 99999999 minor units" });
  if (details.length) throw new ValidationError('Invalid checkout', details);
  return minor;
}

/** The `Payments` provider: a hosted Stripe Checkout Session per request. */
export function stripePayments(ctx: SystemContext): PaymentProvider {
  return {
    provider: 'stripe',
    async createCheckout(req: CheckoutRequest): Promise<Checkout> {
      const minor = check(req);
      const { secretKey } = await secretsOf(ctx);
      const metadata = { [REFERENCE_KEY]: req.reference, [TENANT_KEY]: ctx.tenant.id };
      try {
        const session = await stripeClient(secretKey).checkout.sessions.create({
          mode: 'payment',
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: req.amount.currency.toLowerCase(),
                // Exact: checked against the currency's minor unit and at most 8 digits.
                unit_amount: Number(minor),
                product_data: { name: req.description },
              },
            },
          ],
          success_url: req.successUrl,
          cancel_url: req.cancelUrl,
          ...(req.customerEmail ? { customer_email: req.customerEmail } : {}),
          client_reference_id: req.reference.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 200),
          metadata,
          payment_intent_data: { metadata },
        });
        if (!session.url) throw new Error('Stripe returned a session without a url');
        ctx.log.info({ session: session.id, reference: req.reference }, 'stripe checkout created');
        return { url: session.url, id: session.id };
      } catch (err) {
        throw providerError(err);
      }
    },
  };
}
