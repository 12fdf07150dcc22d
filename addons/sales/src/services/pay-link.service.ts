import { Contact } from '@elevate/crm';
import {
  AppError,
  type Checkout,
  money,
  type PaymentSucceededPayload,
  Payments,
  type SystemContext,
} from '@elevate/sdk';
import { salesErrors } from '../errors.ts';
import { Invoice, Payment } from '../models/invoice.model.ts';
import { INVOICE_READ, invoiceOf } from './invoices.service.ts';
import { recordPayment } from './payments.service.ts';

const REFERENCE = /^sales\.invoice:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export interface PayLinkInput {
  successUrl: string;
  cancelUrl: string;
}

/**
 * A hosted checkout for what is still due on a posted invoice, through the tenant's payment
 * provider (Stripe, ...). 409 SALES_NO_PAYMENT_PROVIDER when no payment addon is enabled; the
 * provider's own errors (NOT_CONFIGURED 409, PAYMENT_PROVIDER_ERROR 502) pass through.
 */
export async function payLink(
  ctx: SystemContext,
  invoiceId: string,
  input: PayLinkInput,
): Promise<Checkout & { provider: string }> {
  const inv = await invoiceOf(ctx, invoiceId, INVOICE_READ);
  if (inv.kind !== 'invoice' || inv.state !== 'posted' || inv.paymentStatus === 'paid') {
    throw salesErrors.invoiceState(inv.paymentStatus === 'paid' ? 'paid' : inv.state, 'paid online');
  }
  const provider = await ctx.services.find(Payments);
  if (!provider) throw salesErrors.noPaymentProvider();
  const customer = inv.contact ? await ctx.db.repo(Contact).get(inv.contact) : null;
  const checkout = await provider.createCheckout({
    reference: `sales.invoice:${inv.id}`,
    amount: money(inv.amountResidual, inv.currency),
    description: `Invoice ${inv.number}`,
    ...(customer?.email ? { customerEmail: customer.email } : {}),
    successUrl: input.successUrl,
    cancelUrl: input.cancelUrl,
  });
  return { ...checkout, provider: provider.provider };
}

/**
 * A provider says money arrived for `sales.invoice:<id>`: record it once. A provider event id
 * pays once (unique column, looked up under the invoice's lock), and so does a provider payment
 * id. References that are not ours, unknown invoices and a currency that is not the invoice's are
 * logged and skipped: a subscriber that throws on them would hold back every later event.
 */
export async function recordProviderPayment(ctx: SystemContext, p: PaymentSucceededPayload): Promise<void> {
  const m = REFERENCE.exec(p.reference);
  if (!m) return;
  const invoiceId = m[1] as string;
  if (!(await ctx.db.repo(Invoice).get(invoiceId))) {
    ctx.log.warn({ reference: p.reference }, 'payment for an unknown invoice: skipped');
    return;
  }
  const [same] = await ctx.db
    .repo(Payment)
    .find({ where: { invoice: invoiceId, provider: p.provider, reference: p.providerPaymentId } });
  if (same) return;
  try {
    await recordPayment(
      ctx,
      invoiceId,
      { amount: p.amount, currency: p.currency, reference: p.providerPaymentId, note: `Paid through ${p.provider}` },
      { method: 'provider', provider: p.provider, providerEventId: p.providerEventId, allowOverpay: true },
    );
  } catch (e) {
    if (!(e instanceof AppError) || e.status >= 500) throw e;
    ctx.log.warn({ reference: p.reference, code: e.code, message: e.message }, 'provider payment not recorded');
  }
}
