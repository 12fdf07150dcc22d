import Stripe from 'stripe';

/**
 * The official client for one tenant's key. `STRIPE_API_BASE` (default https://api.stripe.com)
 * is the deployment's API base, read per call: tests point it at a local server speaking Stripe's
 * documented format; production leaves it unset. It is a process setting, never a tenant's: a
 * tenant must not be able to send its key elsewhere.
 */
export function stripeClient(secretKey: string): Stripe {
  const base = new URL(process.env.STRIPE_API_BASE || 'https://api.stripe.com');
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(secretKey, {
    host: base.hostname,
    port: base.port || (protocol === 'http' ? 80 : 443),
    protocol,
    // One retry (the client adds an idempotency key to it); a payment page is asked for by a user.
    maxNetworkRetries: 1,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: 'ElevateCRM' },
  });
}
