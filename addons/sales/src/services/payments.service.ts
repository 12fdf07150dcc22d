import { compare, isNegative, isZero, money, type SystemContext, subtract, sum } from '@elevate/sdk';
import { salesErrors } from '../errors.ts';
import { InvoiceOverdue, InvoicePaid, PaymentRecorded } from '../events.ts';
import {
  Installment,
  Invoice,
  type InvoiceRow,
  Payment,
  type PaymentRow,
  type PaymentStatus,
} from '../models/invoice.model.ts';
import { repoFor } from './access.ts';
import { today } from './clock.ts';
import { invoiceEvent } from './invoices.service.ts';

export const PAYMENT_WRITE = 'sales.payment.write';

const reload = async (ctx: SystemContext, id: string) => (await ctx.db.repo(Invoice).get(id)) as InvoiceRow;

async function lock(ctx: SystemContext, id: string): Promise<InvoiceRow> {
  await ctx.db.query('select id from sales_invoice where tenant_id = $1 and id = $2 for update', [ctx.tenant.id, id]);
  return reload(ctx, id);
}

/**
 * The payment status of a posted invoice as of `day`: paid when nothing is left; overdue when a
 * due part dated before `day` is not covered by what was paid (payments cover the parts in
 * order); partial when something was paid; unpaid otherwise.
 */
export function statusOf(
  inv: Pick<InvoiceRow, 'amountTotal' | 'amountPaid' | 'currency'>,
  parts: readonly { dueDate: string; amount: string }[],
  day: string,
): PaymentStatus {
  const paid = money(inv.amountPaid, inv.currency);
  const left = subtract(money(inv.amountTotal, inv.currency), paid);
  if (isZero(left) || isNegative(left)) return 'paid';
  let due = money('0', inv.currency);
  for (const p of parts) {
    due = sum([due, money(p.amount, inv.currency)], inv.currency);
    if (p.dueDate < day && compare(due, paid) > 0) return 'overdue';
  }
  return isZero(paid) ? 'unpaid' : 'partial';
}

export interface Refreshed {
  invoice: InvoiceRow;
  /** The new status when it changed. */
  became: PaymentStatus | null;
}

/** Recomputes residual and status of an invoice (after a payment, at posting, by the overdue job). */
export async function refreshPaymentStatus(ctx: SystemContext, id: string): Promise<Refreshed> {
  const inv = await reload(ctx, id);
  if (inv.state !== 'posted') return { invoice: inv, became: null };
  const parts = await ctx.db.repo(Installment).find({ where: { invoice: id }, orderBy: [{ field: 'sequence' }] });
  const status = statusOf(inv, parts, today());
  const residual = subtract(money(inv.amountTotal, inv.currency), money(inv.amountPaid, inv.currency)).amount;
  const invoice = (await ctx.db
    .repo(Invoice)
    .update(id, { paymentStatus: status, amountResidual: residual })) as InvoiceRow;
  return { invoice, became: status !== inv.paymentStatus ? status : null };
}

/** Publishes `sales.invoice.paid` or `.overdue` when the status just became that. */
export async function announce(ctx: SystemContext, r: Refreshed): Promise<void> {
  if (r.became === 'paid') await ctx.events.publish(InvoicePaid, r.invoice.id, invoiceEvent(r.invoice));
  if (r.became === 'overdue') await ctx.events.publish(InvoiceOverdue, r.invoice.id, invoiceEvent(r.invoice));
}

export interface PaymentInput {
  amount: string;
  /** Default the invoice's currency; a payment in another currency is refused. */
  currency?: string;
  date?: string | null;
  reference?: string | null;
  note?: string | null;
}

interface Origin {
  method: PaymentRow['method'];
  provider?: string;
  providerEventId?: string;
  creditNote?: string;
  /** Money that arrived (a provider's payment) is recorded even beyond what is due. */
  allowOverpay?: boolean;
}

/**
 * Records money against a posted invoice (or a credit note: money refunded). The invoice row is
 * locked, so payments at once add up; a provider event id pays once (looked up under the lock,
 * and unique in the table).
 */
export async function recordPayment(
  ctx: SystemContext,
  invoiceId: string,
  input: PaymentInput,
  origin: Origin = { method: 'manual' },
): Promise<{ payment: PaymentRow; invoice: InvoiceRow; duplicate: boolean }> {
  const visible = await (await repoFor(ctx, Invoice, 'sales.invoice.read')).get(invoiceId);
  if (!visible) throw salesErrors.notFound('invoice', 'invoiceId');
  const inv = await lock(ctx, invoiceId);
  if (origin.providerEventId) {
    const [seen] = await ctx.db.repo(Payment).find({ where: { providerEventId: origin.providerEventId } });
    if (seen) return { payment: seen, invoice: inv, duplicate: true };
  }
  if (inv.state !== 'posted') throw salesErrors.invoiceState(inv.state, 'paid');
  if (input.currency && input.currency.toUpperCase() !== inv.currency) {
    throw salesErrors.invalid('currency', `must be the invoice's currency, ${inv.currency}`);
  }
  const amount = money(input.amount, inv.currency, 'amount');
  if (isZero(amount) || isNegative(amount)) throw salesErrors.invalid('amount', 'must be more than 0');
  const left = money(inv.amountResidual, inv.currency);
  if (!origin.allowOverpay && compare(amount, left) > 0) {
    throw salesErrors.invalid('amount', `is more than the ${left.amount} ${inv.currency} still due`);
  }
  const payment = await ctx.db.repo(Payment).insert({
    invoice: inv.id,
    method: origin.method,
    amount: amount.amount,
    currency: inv.currency,
    date: input.date ?? today(),
    reference: input.reference ?? null,
    note: input.note ?? null,
    provider: origin.provider ?? null,
    providerEventId: origin.providerEventId ?? null,
    creditNote: origin.creditNote ?? null,
  });
  await ctx.db.repo(Invoice).update(inv.id, {
    amountPaid: sum([money(inv.amountPaid, inv.currency), amount], inv.currency).amount,
  });
  const r = await refreshPaymentStatus(ctx, inv.id);
  await ctx.events.publish(PaymentRecorded, inv.id, {
    ...invoiceEvent(r.invoice),
    paymentId: payment.id,
    method: payment.method,
    amount: payment.amount,
  });
  await announce(ctx, r);
  return { payment, invoice: r.invoice, duplicate: false };
}

/**
 * A posted credit note settles the invoice it reverses, up to what is still due there; what is
 * left on the credit note is owed back to the customer (its own residual).
 */
export async function applyCreditNote(ctx: SystemContext, cn: InvoiceRow): Promise<void> {
  if (!cn.reverses) return;
  const target = await lock(ctx, cn.reverses);
  const total = money(cn.amountTotal, cn.currency);
  const due = money(target.amountResidual, target.currency);
  const applied = compare(total, due) > 0 ? due : total;
  if (isZero(applied) || isNegative(applied)) return;
  await recordPayment(
    ctx,
    target.id,
    { amount: applied.amount, reference: cn.number, note: `Credit note ${cn.number}` },
    { method: 'credit_note', creditNote: cn.id },
  );
  await ctx.db.repo(Invoice).update(cn.id, { amountPaid: applied.amount });
}

/**
 * Marks overdue every posted invoice of the tenant with a due part dated before today and not
 * covered by its payments, publishing `sales.invoice.overdue` for each. Run by the daily schedule
 * (and on demand); a second run the same day changes nothing.
 */
export async function markOverdue(ctx: SystemContext): Promise<{ marked: number }> {
  const rows = await ctx.db.query<{ id: string }>(
    `select distinct i.id from sales_invoice i
       join sales_installment s on s.tenant_id = i.tenant_id and s.invoice_id = i.id
      where i.tenant_id = $1 and i.state = 'posted' and i.payment_status <> 'overdue'
        and i.amount_residual > 0 and s.due_date < $2::date`,
    [ctx.tenant.id, today()],
  );
  let marked = 0;
  for (const { id } of rows) {
    await lock(ctx, id);
    const r = await refreshPaymentStatus(ctx, id);
    if (r.became === 'overdue') marked += 1;
    await announce(ctx, r);
  }
  return { marked };
}
