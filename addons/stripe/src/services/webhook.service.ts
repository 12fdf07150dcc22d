import { PaymentSucceeded, type PublicContext } from '@elevate/sdk';
import type Stripe from 'stripe';
import { signatureError } from '../errors.ts';
import { secretsOf } from './account.service.ts';
import { fromStripeAmount } from './amounts.ts';
import { REFERENCE_KEY, TENANT_KEY } from './checkout.service.ts';
import { stripeClient } from './client.ts';

/** Stripe's documented default: a signature older (or newer) than 5 minutes is refused. */
export const TOLERANCE_SEC = 300;

export interface WebhookOutcome {
  received: true;
  /** This event id was processed before (a redelivery): nothing was done again. */
  duplicate: boolean;
  outcome: string;
}

/**
 * Verifies a delivery with the tenant's signing secret (Stripe-Signature: t=…,v1=HMAC-SHA256 of
 * `${t}.${payload}`, 300 s tolerance, stripe.webhooks.constructEvent) and processes it once.
 */
export async function receive(
  ctx: PublicContext,
  rawBody: string,
  signature: string | undefined,
): Promise<WebhookOutcome> {
  if (!signature) throw signatureError('The request has no Stripe-Signature header');
  // The library refuses signatures older than the tolerance; one from further than that in the
  // future is refused here too (a clock that far off, or a forged time).
  const t = Number(/(?:^|,)t=(\d{1,12})(?:,|$)/.exec(signature)?.[1] ?? Number.NaN);
  if (t > Math.floor(Date.now() / 1000) + TOLERANCE_SEC) {
    throw signatureError('The Stripe signature is dated in the future, beyond the 300 s tolerance');
  }
  const { secretKey, webhookSecret } = await secretsOf(ctx);
  let event: Stripe.Event;
  try {
    event = stripeClient(secretKey).webhooks.constructEvent(rawBody, signature, webhookSecret, TOLERANCE_SEC);
  } catch (err) {
    throw signatureError(`The Stripe signature does not verify: ${String((err as Error).message).slice(0, 200)}`);
  }
  return processOnce(ctx, event);
}

interface Effect {
  outcome: string;
  objectId: string | null;
  reference: string | null;
  amount: { amount: string; currency: string } | null;
  publish?: () => Promise<void>;
}

function effectOf(ctx: PublicContext, event: Stripe.Event): Effect {
  const none: Effect = { outcome: 'ignored', objectId: null, reference: null, amount: null };
  if (event.type !== 'checkout.session.completed' && event.type !== 'checkout.session.async_payment_succeeded') {
    const obj = (event.data?.object ?? {}) as { id?: unknown };
    return { ...none, objectId: typeof obj.id === 'string' ? obj.id.slice(0, 255) : null };
  }
  const s = event.data.object as Stripe.Checkout.Session;
  const reference = s.metadata?.[REFERENCE_KEY] ?? null;
  const base = { objectId: s.id, reference };
  // A session created for another tenant (its metadata says so) has no effect here.
  if (s.metadata?.[TENANT_KEY] && s.metadata[TENANT_KEY] !== ctx.tenant.id)
    return { ...none, ...base, outcome: 'ignored:tenant' };
  // `completed` with a delayed method (a bank debit) is unpaid until async_payment_succeeded.
  if (s.payment_status !== 'paid' || !reference || s.amount_total == null || !s.currency) {
    return { ...none, ...base, outcome: 'ignored:unpaid' };
  }
  const amount = fromStripeAmount(s.amount_total, s.currency);
  const pi = typeof s.payment_intent === 'string' ? s.payment_intent : (s.payment_intent?.id ?? null);
  return {
    ...base,
    amount,
    outcome: 'payment.succeeded',
    publish: () =>
      ctx.events.publish(PaymentSucceeded, reference, {
        reference,
        provider: 'stripe',
        providerPaymentId: pi ?? s.id,
        checkoutId: s.id,
        providerEventId: event.id,
        amount: amount.amount,
        currency: amount.currency,
      }),
  };
}

/**
 * The event row and the effect (an outbox event) commit together. `on conflict do nothing` on
 * the (tenant, event id) key: a concurrent duplicate waits for the first transaction, then
 * inserts nothing and does nothing; an ORM insert would abort the transaction with a unique
 * violation instead, which Stripe would see as a failed delivery and retry for days.
 */
async function processOnce(ctx: PublicContext, event: Stripe.Event): Promise<WebhookOutcome> {
  const effect = effectOf(ctx, event);
  const inserted = await ctx.db.query<{ id: string }>(
    `insert into stripe_event (tenant_id, event_id, type, livemode, object_id, reference, amount, currency, outcome)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (tenant_id, event_id) do nothing returning id`,
    [
      ctx.tenant.id,
      String(event.id).slice(0, 255),
      String(event.type).slice(0, 100),
      event.livemode === true,
      effect.objectId,
      effect.reference,
      effect.amount?.amount ?? null,
      effect.amount?.currency ?? null,
      effect.outcome,
    ],
  );
  if (!inserted.length) return { received: true, duplicate: true, outcome: 'duplicate' };
  await effect.publish?.();
  ctx.log.info({ event: event.id, type: event.type, outcome: effect.outcome }, 'stripe event processed');
  return { received: true, duplicate: false, outcome: effect.outcome };
}
