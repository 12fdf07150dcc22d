import { money, NotFoundError, type SystemContext } from '@elevate/sdk';
import { salesErrors } from '../errors.ts';
import { InvoiceCancelled, InvoiceCreated, type InvoiceEvent, InvoicePosted } from '../events.ts';
import { DocumentMail, type DocumentMailRow } from '../models/document-mail.model.ts';
import { Installment, Invoice, type InvoiceRow, Payment, type PaymentRow } from '../models/invoice.model.ts';
import { InvoiceLine } from '../models/invoice-line.model.ts';
import type { OrderRow } from '../models/order.model.ts';
import { OrderLine } from '../models/order-line.model.ts';
import { PaymentTerm } from '../models/payment-term.model.ts';
import type { SalesSettings } from '../settings.ts';
import { repoFor } from './access.ts';
import { today } from './clock.ts';
import { decimal, div, exact, mul, quantity4, ZERO } from './decimal.ts';
import { taxSummaryOf } from './documents.service.ts';
import { companyAmounts } from './fx.service.ts';
import { type LineInput, readLines, resolveLines, writeLines } from './lines.service.ts';
import { ORDER_READ, orderOf } from './orders.service.ts';
import { announce, applyCreditNote, refreshPaymentStatus } from './payments.service.ts';
import { nextNumber } from './sequence.service.ts';
import { dueParts } from './terms.service.ts';

export const INVOICE_READ = 'sales.invoice.read';
export const INVOICE_WRITE = 'sales.invoice.write';

export const invoiceEvent = (i: InvoiceRow): InvoiceEvent => ({
  id: i.id,
  kind: i.kind,
  number: i.number,
  state: i.state,
  paymentStatus: i.paymentStatus,
  ownerId: i.ownerId,
  contactId: i.contact ?? i.company,
  orderId: i.order,
  reversesId: i.reverses,
  invoiceDate: i.invoiceDate,
  dueDate: i.dueDate,
  amountTotal: i.amountTotal,
  amountResidual: i.amountResidual,
  currency: i.currency,
});

export async function invoiceOf(ctx: SystemContext, id: string, permission = INVOICE_READ): Promise<InvoiceRow> {
  const inv = await (await repoFor(ctx, Invoice, permission)).get(id);
  if (!inv) throw new NotFoundError('Invoice');
  return inv;
}

export const reloadInvoice = async (ctx: SystemContext, id: string) =>
  (await ctx.db.repo(Invoice).get(id)) as InvoiceRow;

export interface DraftFields {
  invoiceDate?: string | null;
  paymentTermId?: string | null;
  note?: string | null;
}

async function checkTerm(ctx: SystemContext, id: string | null | undefined): Promise<void> {
  if (id && !(await ctx.db.repo(PaymentTerm).get(id))) throw salesErrors.notFound('payment term', 'paymentTermId');
}

/**
 * What each line of an order still has to be invoiced, in the line's (sale) unit: the ordered
 * quantity, or (policy `delivered`) what left less what came back, converted from the stock unit
 * by the line's own ratio; less what draft and posted invoices already bill, plus what posted
 * credit notes gave back. Lines without stock (services, free text) count as delivered.
 */
async function dueQuantities(ctx: SystemContext, order: OrderRow, policy: SalesSettings['invoicePolicy']) {
  const lines = (await readLines(ctx, OrderLine, order.id)).filter((l) => l.kind === 'product');
  const billed = await ctx.db.query<{ line: string; qty: string }>(
    `select l.order_line_id as line,
            sum(case when i.kind = 'invoice' then l.quantity else -l.quantity end)::text as qty
       from sales_invoice_line l join sales_invoice i on i.tenant_id = l.tenant_id and i.id = l.invoice_id
      where l.tenant_id = $1 and i.order_id = $2 and l.order_line_id is not null
        and (i.state = 'posted' or (i.state = 'draft' and i.kind = 'invoice'))
      group by l.order_line_id`,
    [ctx.tenant.id, order.id],
  );
  const reserved = await ctx.db.query<{ line: string; qty: string }>(
    `select dl.order_line_id as line, sum(dl.quantity)::text as qty
       from sales_delivery_line dl join sales_delivery d on d.tenant_id = dl.tenant_id and d.id = dl.delivery_id
      where dl.tenant_id = $1 and d.order_id = $2 and d.kind = 'delivery'
      group by dl.order_line_id`,
    [ctx.tenant.id, order.id],
  );
  const billedOf = new Map(billed.map((b) => [b.line, exact(b.qty)]));
  const stockOf = new Map(reserved.map((r) => [r.line, exact(r.qty)]));
  return lines.flatMap((l) => {
    const ordered = exact(l.quantity);
    let base = ordered;
    const stock = stockOf.get(l.id);
    if (policy === 'delivered' && l.reservation && stock && stock > ZERO) {
      base = div(mul(exact(l.delivered) - exact(l.returned), ordered), stock);
    }
    const due = base - (billedOf.get(l.id) ?? ZERO);
    return due > ZERO ? [{ line: l, quantity: quantity4(due) }] : [];
  });
}

/**
 * A draft invoice for what is left to invoice on a confirmed (or done) order, per the company's
 * invoice policy. A fixed discount is shared out by quantity. The order row is locked, so two
 * invoicings at once never bill the same quantity twice.
 */
export async function invoiceOrder(ctx: SystemContext, orderId: string, fields: DraftFields): Promise<InvoiceRow> {
  const order = await orderOf(ctx, orderId, ORDER_READ);
  await ctx.db.query('select id from sales_order where tenant_id = $1 and id = $2 for update', [
    ctx.tenant.id,
    order.id,
  ]);
  const fresh = await orderOf(ctx, orderId, ORDER_READ);
  if (fresh.state !== 'confirmed' && fresh.state !== 'done') throw salesErrors.orderState(fresh.state, 'invoiced');
  await checkTerm(ctx, fields.paymentTermId);
  const { invoicePolicy } = await ctx.settings<SalesSettings>('sales');
  const due = await dueQuantities(ctx, fresh, invoicePolicy);
  if (!due.length) throw salesErrors.nothingToInvoice(invoicePolicy);
  const inputs: LineInput[] = due.map(({ line, quantity }) => ({
    kind: 'product',
    productId: line.product,
    description: line.description,
    quantity,
    uomId: line.uomId,
    unitPrice: line.unitPrice,
    discountPercent: line.discountPercent,
    discountAmount: line.discountAmount
      ? quantity4(div(mul(exact(line.discountAmount), exact(quantity)), exact(line.quantity)))
      : null,
    taxIds: line.taxIds,
  }));
  const resolved = await resolveLines(ctx, fresh.currency, inputs);
  const inv = await (await repoFor(ctx, Invoice, INVOICE_WRITE)).insert({
    kind: 'invoice',
    order: fresh.id,
    contact: fresh.contact,
    company: fresh.company,
    currency: fresh.currency,
    invoiceDate: fields.invoiceDate ?? null,
    paymentTerm: fields.paymentTermId ?? null,
    note: fields.note ?? null,
    amountUntaxed: resolved.totals.amountUntaxed,
    amountTax: resolved.totals.amountTax,
    amountTotal: resolved.totals.amountTotal,
    amountPaid: '0',
    amountResidual: resolved.totals.amountTotal,
    ownerId: fresh.ownerId,
  });
  await writeLines(ctx, InvoiceLine, inv.id, resolved.lines, (_l, i) => ({ orderLine: due[i]?.line.id ?? null }));
  await ctx.events.publish(InvoiceCreated, inv.id, invoiceEvent(inv));
  return inv;
}

/** A draft's date, payment term and note (lines come from the order; a posted invoice never changes). */
export async function updateDraft(ctx: SystemContext, id: string, patch: DraftFields): Promise<InvoiceRow> {
  const inv = await invoiceOf(ctx, id, INVOICE_WRITE);
  if (inv.state !== 'draft') throw salesErrors.invoiceState(inv.state, 'changed (make a credit note)');
  await checkTerm(ctx, patch.paymentTermId);
  return (await (
    await repoFor(ctx, Invoice, INVOICE_WRITE)
  ).update(id, {
    ...(patch.invoiceDate !== undefined ? { invoiceDate: patch.invoiceDate } : {}),
    ...(patch.paymentTermId !== undefined ? { paymentTerm: patch.paymentTermId } : {}),
    ...(patch.note !== undefined ? { note: patch.note } : {}),
  })) as InvoiceRow;
}

/**
 * Posts a draft: the next number of its kind and year — one counter row per company, kind and
 * year, updated (and so locked) inside this transaction: concurrent posts wait their turn, a
 * rolled-back post gives its number back, so the sequence has no gap and no duplicate —, the
 * rate of the invoice date, the due parts of its payment term. A credit note is applied to the
 * invoice it reverses.
 */
export async function postInvoice(ctx: SystemContext, id: string): Promise<InvoiceRow> {
  const inv = await invoiceOf(ctx, id, INVOICE_WRITE);
  const date = inv.invoiceDate ?? today();
  const moved = await ctx.db.query<{ id: string }>(
    `update sales_invoice set state = 'posted', posted_at = now(), invoice_date = $3, updated_at = now()
      where tenant_id = $1 and id = $2 and state = 'draft' returning id`,
    [ctx.tenant.id, inv.id, date],
  );
  if (!moved.length) throw salesErrors.invoiceState((await reloadInvoice(ctx, inv.id)).state, 'posted');
  if (!(await ctx.db.repo(InvoiceLine).count({ invoice: inv.id }))) {
    throw salesErrors.invalid('lines', 'an invoice needs at least one line before it is posted');
  }
  const credit = inv.kind === 'credit_note';
  const term = inv.paymentTerm ? await ctx.db.repo(PaymentTerm).get(inv.paymentTerm) : null;
  const parts = dueParts(inv.amountTotal, inv.currency, date, credit ? null : (term?.parts ?? null));
  for (const [i, p] of parts.entries()) {
    await ctx.db.repo(Installment).insert({ invoice: inv.id, sequence: i, dueDate: p.dueDate, amount: p.amount });
  }
  await ctx.db.repo(Invoice).update(inv.id, {
    dueDate: parts[parts.length - 1]?.dueDate ?? date,
    ...(await companyAmounts(ctx, inv.currency, date, inv)),
  });
  let r = await refreshPaymentStatus(ctx, inv.id);
  // The number last: the counter row stays locked until commit, so every other post of the
  // company's year waits behind this one; the less that follows, the shorter the wait.
  const year = date.slice(0, 4);
  const number = await nextNumber(ctx, `${inv.kind}/${year}`, `${credit ? 'RINV' : 'INV'}/${year}/`);
  r = { ...r, invoice: (await ctx.db.repo(Invoice).update(inv.id, { number })) as InvoiceRow };
  if (credit) {
    await applyCreditNote(ctx, r.invoice);
    r = await refreshPaymentStatus(ctx, inv.id);
  }
  await ctx.events.publish(InvoicePosted, inv.id, invoiceEvent(r.invoice));
  await announce(ctx, r);
  return r.invoice;
}

/** A draft that will not be posted (a posted invoice is reversed with a credit note instead). */
export async function cancelInvoice(ctx: SystemContext, id: string): Promise<InvoiceRow> {
  const inv = await invoiceOf(ctx, id, INVOICE_WRITE);
  const rows = await ctx.db.query<{ id: string }>(
    `update sales_invoice set state = 'cancelled', updated_at = now()
      where tenant_id = $1 and id = $2 and state = 'draft' returning id`,
    [ctx.tenant.id, inv.id],
  );
  if (!rows.length) throw salesErrors.invoiceState((await reloadInvoice(ctx, inv.id)).state, 'cancelled');
  const done = await reloadInvoice(ctx, inv.id);
  await ctx.events.publish(InvoiceCancelled, inv.id, invoiceEvent(done));
  return done;
}

/**
 * A draft credit note reversing a posted invoice: every line (default) or `quantities`
 * (invoice line id → quantity to give back), never more than what earlier credit notes left.
 */
export async function creditNote(
  ctx: SystemContext,
  invoiceId: string,
  input: { lines?: Record<string, string>; note?: string | null },
): Promise<InvoiceRow> {
  const inv = await invoiceOf(ctx, invoiceId, INVOICE_WRITE);
  if (inv.kind !== 'invoice' || inv.state !== 'posted') {
    throw salesErrors.invoiceState(inv.kind === 'invoice' ? inv.state : 'credit note', 'credited');
  }
  await ctx.db.query('select id from sales_invoice where tenant_id = $1 and id = $2 for update', [
    ctx.tenant.id,
    inv.id,
  ]);
  const lines = await readLines(ctx, InvoiceLine, inv.id);
  for (const key of Object.keys(input.lines ?? {})) {
    if (!lines.some((l) => l.id === key)) throw salesErrors.notFound('line of this invoice', `lines.${key}`);
  }
  const credited = await ctx.db.query<{ line: string; qty: string }>(
    `select l.reverses_line_id as line, sum(l.quantity)::text as qty
       from sales_invoice_line l join sales_invoice i on i.tenant_id = l.tenant_id and i.id = l.invoice_id
      where l.tenant_id = $1 and i.reverses_id = $2 and i.state <> 'cancelled'
      group by l.reverses_line_id`,
    [ctx.tenant.id, inv.id],
  );
  const creditedOf = new Map(credited.map((c) => [c.line, exact(c.qty)]));
  const picked = lines.flatMap((l) => {
    const left = exact(l.quantity) - (creditedOf.get(l.id) ?? ZERO);
    const asked = input.lines ? input.lines[l.id] : decimal(left);
    if (asked === undefined) return [];
    const want = exact(asked);
    if (want < ZERO || want > left)
      throw salesErrors.invalid(`lines.${l.id}`, `must be between 0 and ${quantity4(left)}`);
    return want > ZERO ? [{ line: l, quantity: quantity4(want) }] : [];
  });
  if (!picked.length) throw salesErrors.invalid('lines', 'nothing left to credit');
  const resolved = await resolveLines(
    ctx,
    inv.currency,
    picked.map(({ line, quantity }) => ({
      kind: 'product',
      productId: line.product,
      description: line.description,
      quantity,
      uomId: line.uomId,
      unitPrice: line.unitPrice,
      discountPercent: line.discountPercent,
      discountAmount: line.discountAmount
        ? quantity4(div(mul(exact(line.discountAmount), exact(quantity)), exact(line.quantity)))
        : null,
      taxIds: line.taxIds,
    })),
  );
  const cn = await (await repoFor(ctx, Invoice, INVOICE_WRITE)).insert({
    kind: 'credit_note',
    order: inv.order,
    reverses: inv.id,
    contact: inv.contact,
    company: inv.company,
    currency: inv.currency,
    note: input.note ?? `Reverses ${inv.number}`,
    amountUntaxed: resolved.totals.amountUntaxed,
    amountTax: resolved.totals.amountTax,
    amountTotal: resolved.totals.amountTotal,
    amountPaid: '0',
    amountResidual: resolved.totals.amountTotal,
    ownerId: inv.ownerId,
  });
  await writeLines(ctx, InvoiceLine, cn.id, resolved.lines, (_l, i) => ({
    orderLine: picked[i]?.line.orderLine ?? null,
    reversesLine: picked[i]?.line.id ?? null,
  }));
  await ctx.events.publish(InvoiceCreated, cn.id, invoiceEvent(cn));
  return cn;
}

/** The invoice with its lines, due parts, payments and credit notes. */
export async function invoiceView(ctx: SystemContext, inv: InvoiceRow) {
  // One after the other: the statements share the request's transaction.
  const lines = await readLines(ctx, InvoiceLine, inv.id);
  const installments = await ctx.db
    .repo(Installment)
    .find({ where: { invoice: inv.id }, orderBy: [{ field: 'sequence' }] });
  const payments = await ctx.db.repo(Payment).find({ where: { invoice: inv.id }, orderBy: [{ field: 'createdAt' }] });
  const creditNotes = await ctx.db
    .repo(Invoice)
    .find({ where: { reverses: inv.id }, orderBy: [{ field: 'createdAt' }] });
  const mails = await ctx.db
    .repo(DocumentMail)
    .find({ where: { model: 'sales.invoice', recordId: inv.id }, orderBy: [{ field: 'createdAt' }] });
  return {
    ...inv,
    lines,
    installments,
    payments,
    creditNotes: creditNotes.map((c) => ({ id: c.id, number: c.number, state: c.state, amountTotal: c.amountTotal })),
    taxSummary: await taxSummaryOf(ctx, inv.currency, lines),
    mails,
    timeline: invoiceTimeline(inv, payments, creditNotes, mails),
  };
}

export interface TimelineEntry {
  at: string;
  kind: 'created' | 'posted' | 'cancelled' | 'payment' | 'credit_note' | 'mail';
  title: string;
  /** The record the entry is about (a payment, a credit note, a mail). */
  ref?: string;
}

/** What happened to an invoice, oldest first, from its own rows (no separate event table). */
export function invoiceTimeline(
  inv: InvoiceRow,
  payments: readonly PaymentRow[],
  creditNotes: readonly InvoiceRow[],
  mails: readonly DocumentMailRow[],
): TimelineEntry[] {
  const what = inv.kind === 'credit_note' ? 'Credit note' : 'Invoice';
  const out: TimelineEntry[] = [{ at: inv.createdAt, kind: 'created', title: `${what} drafted` }];
  if (inv.postedAt) out.push({ at: inv.postedAt, kind: 'posted', title: `Posted as ${inv.number}` });
  if (inv.state === 'cancelled') out.push({ at: inv.updatedAt, kind: 'cancelled', title: 'Cancelled' });
  const method: Record<string, string> = { manual: 'recorded', provider: 'received online', credit_note: 'credited' };
  for (const p of payments) {
    out.push({
      at: p.createdAt,
      kind: 'payment',
      title: `${money(p.amount, p.currency).amount} ${p.currency} ${method[p.method] ?? p.method}${p.reference ? ` (${p.reference})` : ''}`,
      ref: p.id,
    });
  }
  for (const c of creditNotes) {
    out.push({ at: c.createdAt, kind: 'credit_note', title: `Credit note ${c.number ?? '(draft)'}`, ref: c.id });
  }
  for (const m of mails) out.push({ at: m.createdAt, kind: 'mail', title: `Sent by email to ${m.to}`, ref: m.id });
  return out.sort((a, b) => a.at.localeCompare(b.at));
}
