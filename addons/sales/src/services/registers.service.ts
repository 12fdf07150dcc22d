import { Contact } from '@elevate/crm';
import { isCurrency, type Money, type RequestContext, round, type SystemContext } from '@elevate/sdk';
import { INVOICE_READ } from './invoices.service.ts';

// The invoices and payments lists of the web pages: filters the resource layer has no words for
// (a status across state and payment status, a customer as contact or company, a date range) and
// totals per currency computed in SQL over every matching row, never added across currencies.

export const INVOICE_STATUSES = ['draft', 'unpaid', 'partial', 'paid', 'overdue', 'cancelled'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface RegisterQuery {
  status?: InvoiceStatus;
  kind?: 'invoice' | 'credit_note';
  customer?: string;
  from?: string;
  to?: string;
  q?: string;
  limit?: number;
  offset?: number;
}

const stored = (amount: string, currency: string): Money =>
  isCurrency(currency) ? round(amount, currency) : { amount, currency };

async function owners(ctx: SystemContext): Promise<string[] | null> {
  const rc = ctx as Partial<RequestContext>;
  const ids = typeof rc.ownerIds === 'function' ? await rc.ownerIds(INVOICE_READ) : null;
  return ids ? [...ids] : null;
}

async function names(ctx: SystemContext, ids: readonly (string | null)[]) {
  const unique = [...new Set(ids.filter((x): x is string => !!x))];
  return new Map((await ctx.db.repo(Contact).getMany(unique)).flatMap((c) => (c ? [[c.id, c.name]] : [])));
}

/** `where` of the invoice list (alias `i`) with its parameters, after `$1` = the tenant. */
function invoiceWhere(query: RegisterQuery, owned: string[] | null, params: unknown[]): string {
  const w = ['i.tenant_id = $1', `i.kind = $${params.push(query.kind ?? 'invoice')}`];
  const s = query.status;
  if (s === 'draft' || s === 'cancelled') w.push(`i.state = $${params.push(s)}`);
  else if (s) w.push(`i.state = 'posted' and i.payment_status = $${params.push(s)}`);
  if (query.customer) w.push(`$${params.push(query.customer)}::uuid in (i.contact_id, i.company_id)`);
  // Drafts have no invoice date yet: their creation day stands in.
  if (query.from) w.push(`coalesce(i.invoice_date, i.created_at::date) >= $${params.push(query.from)}::date`);
  if (query.to) w.push(`coalesce(i.invoice_date, i.created_at::date) <= $${params.push(query.to)}::date`);
  if (query.q) w.push(`i.number ilike $${params.push(`%${query.q.replace(/[\\%_]/g, '\\$&')}%`)}`);
  if (owned) w.push(`i.owner_id = any($${params.push(owned)}::uuid[])`);
  return w.join(' and ');
}

interface InvoiceListRow {
  id: string;
  kind: string;
  number: string | null;
  state: string;
  payment_status: string;
  invoice_date: string | null;
  due_date: string | null;
  contact_id: string | null;
  company_id: string | null;
  currency: string;
  amount_total: string;
  amount_residual: string;
  total_count: number;
}

/** A page of invoices (or credit notes) and, over every matching row, count and sums per currency. */
/** How many invoices the register shows for these filters (a saved view's count), in one statement. */
export async function countInvoices(ctx: SystemContext, query: RegisterQuery): Promise<number> {
  const params: unknown[] = [ctx.tenant.id];
  const where = invoiceWhere(query, await owners(ctx), params);
  const rows = await ctx.db.query<{ n: number }>(
    `select count(*)::int as n from sales_invoice i where ${where}`,
    params,
  );
  return rows[0]?.n ?? 0;
}

export async function invoiceRegister(ctx: SystemContext, query: RegisterQuery) {
  const owned = await owners(ctx);
  const params: unknown[] = [ctx.tenant.id];
  const where = invoiceWhere(query, owned, params);
  const n = params.length;
  const rows = await ctx.db.query<InvoiceListRow>(
    `select i.id, i.kind, i.number, i.state, i.payment_status, i.invoice_date::text, i.due_date::text,
            i.contact_id, i.company_id, i.currency, i.amount_total::text, i.amount_residual::text,
            count(*) over ()::int as total_count
       from sales_invoice i where ${where}
      order by coalesce(i.invoice_date, i.created_at::date) desc, i.number desc nulls first, i.id
      limit $${n + 1} offset $${n + 2}`,
    [...params, query.limit ?? 25, query.offset ?? 0],
  );
  const sums = await ctx.db.query<{ currency: string; count: number; total: string; residual: string }>(
    `select i.currency, count(*)::int as count, sum(i.amount_total)::text as total, sum(i.amount_residual)::text as residual
       from sales_invoice i where ${where} group by i.currency order by i.currency`,
    params,
  );
  const named = await names(
    ctx,
    rows.map((r) => r.company_id ?? r.contact_id),
  );
  return {
    data: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      number: r.number,
      state: r.state,
      paymentStatus: r.payment_status,
      invoiceDate: r.invoice_date,
      dueDate: r.due_date,
      contact: r.contact_id,
      company: r.company_id,
      customerName: named.get(r.company_id ?? r.contact_id ?? '') ?? null,
      currency: r.currency,
      amountTotal: stored(r.amount_total, r.currency).amount,
      amountResidual: stored(r.amount_residual, r.currency).amount,
    })),
    total_count: sums.reduce((t, s) => t + s.count, 0),
    totals: sums.map((s) => ({
      currency: s.currency,
      count: s.count,
      amountTotal: stored(s.total, s.currency).amount,
      amountResidual: stored(s.residual, s.currency).amount,
    })),
  };
}

export interface PaymentQuery {
  method?: 'manual' | 'provider' | 'credit_note';
  customer?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

/** A page of payments with their invoice and customer, and the sums per currency of every match. */
export async function paymentRegister(ctx: SystemContext, query: PaymentQuery) {
  const owned = await owners(ctx);
  const params: unknown[] = [ctx.tenant.id];
  const w = ['p.tenant_id = $1'];
  if (query.method) w.push(`p.method = $${params.push(query.method)}`);
  if (query.customer) w.push(`$${params.push(query.customer)}::uuid in (i.contact_id, i.company_id)`);
  if (query.from) w.push(`p.date >= $${params.push(query.from)}::date`);
  if (query.to) w.push(`p.date <= $${params.push(query.to)}::date`);
  // A payment is seen with its invoice: the invoice's record rule applies.
  if (owned) w.push(`i.owner_id = any($${params.push(owned)}::uuid[])`);
  const from = `sales_payment p join sales_invoice i on i.tenant_id = p.tenant_id and i.id = p.invoice_id where ${w.join(' and ')}`;
  const n = params.length;
  const rows = await ctx.db.query<{
    id: string;
    date: string;
    method: string;
    amount: string;
    currency: string;
    reference: string | null;
    provider: string | null;
    invoice_id: string;
    invoice_number: string | null;
    customer: string | null;
  }>(
    `select p.id, p.date::text, p.method, p.amount::text, p.currency, p.reference, p.provider, p.invoice_id,
            i.number as invoice_number, coalesce(i.company_id, i.contact_id) as customer
       from ${from} order by p.date desc, p.created_at desc, p.id limit $${n + 1} offset $${n + 2}`,
    [...params, query.limit ?? 25, query.offset ?? 0],
  );
  const sums = await ctx.db.query<{ currency: string; count: number; amount: string }>(
    `select p.currency, count(*)::int as count, sum(p.amount)::text as amount from ${from} group by p.currency order by p.currency`,
    params,
  );
  const named = await names(
    ctx,
    rows.map((r) => r.customer),
  );
  return {
    data: rows.map((r) => ({
      id: r.id,
      date: r.date,
      method: r.method,
      amount: stored(r.amount, r.currency).amount,
      currency: r.currency,
      reference: r.reference,
      provider: r.provider,
      invoice: r.invoice_id,
      invoiceNumber: r.invoice_number,
      customer: r.customer,
      customerName: named.get(r.customer ?? '') ?? null,
    })),
    total_count: sums.reduce((t, s) => t + s.count, 0),
    totals: sums.map((s) => ({ currency: s.currency, count: s.count, amount: stored(s.amount, s.currency).amount })),
  };
}
