import { AppError, ConflictError } from '@elevate/sdk';

/** The tenant has not connected Stripe (settings page: secret key + webhook signing secret). */
export const notConfigured = () =>
  new ConflictError(
    'NOT_CONFIGURED',
    'Stripe is not connected for this company: an admin connects it in Settings → Stripe',
  );

/** Stripe refused the request or could not be reached: the message says which, never the key. */
export function providerError(err: unknown): AppError {
  const e = err as { type?: string; statusCode?: number; message?: string; code?: string };
  const why =
    e?.type === 'StripeAuthenticationError'
      ? 'Stripe refused the secret key (reconnect Stripe with a valid key)'
      : e?.type === 'StripeConnectionError'
        ? 'Stripe cannot be reached; try again shortly'
        : `Stripe refused the request: ${String(e?.message ?? 'unknown error').slice(0, 300)}`;
  return new AppError('PAYMENT_PROVIDER_ERROR', why, { status: 502, expose: true });
}

export const signatureError = (message: string) =>
  new AppError('STRIPE_SIGNATURE_INVALID', message, {
    status: 400,
    details: [{ path: 'stripe-signature', message: 'does not verify' }],
  });
