import { ContactDirectory, type ContactSummary } from '@elevate/crm';
import {
  type AnyModel,
  type Money,
  NotFoundError,
  negate,
  type RequestContext,
  type Row,
  round,
  sumByCurrency,
  ValidationError,
} from '@elevate/sdk';
import { Invoice, type InvoiceRow } from '../models/invoice.model.ts';
import { Order, type OrderRow } from '../models/order.model.ts';
import { Quote, type QuoteRow } from '../models/quote.model.ts';
import { INVOICE_READ } from './invoices.service.ts';
import { ORDER_READ } from './orders.service.ts';
import { QUOTE_READ } from './quotes.service.ts';

// The sales side of a crm contact or company: its documents for the contact page's Sales panel,
// and the names behind a page of documents (one call to crm's ContactDirectory, not one per row).

export const SALES_READ = [QUOTE_READ, ORDER_READ, INVOICE_READ] as const;
export const MAX_CUSTOMER_IDS = 200;
/** The panel sums at most this many documents of each kind (and says so when there are more). */
export const SUMMED = 1000;
const RECENT = 5;

function requireSalesRead(ctx: RequestContext): void {
  // Any one of the reads will do: the answer holds only what the caller may read.
  if (!SALES_READ.some((p) => ctx.can(p))) ctx.require(QUOTE_READ);
}

/** The customers behind sales documents, by id (unknown, hidden or not-UUID ids are left out). */
export async function customersByIds(ctx: RequestContext, idsParam: string): Promise<ContactSummary[]> {
  requireSalesRead(ctx);
  const ids = idsParam
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length > MAX_CUSTOMER_IDS) {
    throw new ValidationError(`Too many ids: at most ${MAX_CUSTOMER_IDS}`, [
      { path: 'ids', message: `must name at most ${MAX_CUSTOMER_IDS} ids` },
    ]);
  }
  const bad = ids.find((id) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
  if (bad !== undefined) throw new ValidationError('Invalid ids', [{ path: 'ids', message: 'must be UUIDs' }]);
  const directory = await ctx.services.get(ContactDirectory);
  return directory.byIds(ids);
}

type Party = { contact: string | null; company: string | null; id: string; createdAt: string };

/** A customer's rows of `model` (as contact or as company), newest first, under the caller's record rules. */
async function documentsOf<M extends AnyModel>(
  ctx: RequestContext,
  model: M,
  permission: string,
  customerId: string,
): Promise<{ rows: Row<M>[]; count: number }> {
  const repo = await ctx.scoped(model, permission);
  const where = (k: 'contact' | 'company') => ({ [k]: customerId }) as never;
  const orderBy = [{ field: 'createdAt', dir: 'desc' }] as never;
  const [asContact, asCompany, n1, n2] = await Promise.all([
    repo.find({ where: where('contact'), orderBy, limit: SUMMED }),
    repo.find({ where: where('company'), orderBy, limit: SUMMED }),
    repo.count(where('contact')),
    repo.count(where('company')),
  ]);
  const seen = new Set<string>();
  const rows = [...asContact, ...asCompany]
    .filter((r) => {
      const id = (r as unknown as Party).id;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort((a, b) => ((b as unknown as Party).createdAt > (a as unknown as Party).createdAt ? 1 : -1));
  // A document naming the customer as both contact and company is counted once.
  const both = (await repo.count({ contact: customerId, company: customerId } as never)) ?? 0;
  return { rows, count: n1 + n2 - both };
}

const sum = (rows: readonly { currency: string; amount: string }[]): Money[] =>
  sumByCurrency(rows.map((r) => round(r.amount, r.currency)));

export interface CustomerSales {
  customer: ContactSummary;
  /** null: the caller may not read quotes. */
  quotes: {
    count: number;
    recent: Pick<QuoteRow, 'id' | 'number' | 'revision' | 'state' | 'currency' | 'amountTotal' | 'validUntil'>[];
    /** Draft and sent quotes, per currency. */
    open: Money[];
  } | null;
  orders: {
    count: number;
    recent: Pick<OrderRow, 'id' | 'number' | 'state' | 'deliveryStatus' | 'currency' | 'amountTotal'>[];
    /** Orders not cancelled, per currency. */
    ordered: Money[];
  } | null;
  invoices: {
    count: number;
    recent: Pick<
      InvoiceRow,
      | 'id'
      | 'kind'
      | 'number'
      | 'order'
      | 'state'
      | 'paymentStatus'
      | 'currency'
      | 'amountTotal'
      | 'amountResidual'
      | 'dueDate'
    >[];
    /** Posted invoices less posted credit notes, per currency. */
    invoiced: Money[];
    /** What is still to be paid on posted invoices, per currency. */
    due: Money[];
  } | null;
  /** How many documents of each kind at most went into the sums. */
  summedLimit: number;
}

/** A crm contact's (or company's) quotes, orders and invoices: the latest and the amounts per currency. */
export async function customerSales(ctx: RequestContext, customerId: string): Promise<CustomerSales> {
  requireSalesRead(ctx);
  const directory = await ctx.services.get(ContactDirectory);
  const [customer] = await directory.byIds([customerId]);
  if (!customer) throw new NotFoundError('Contact');
  const [quotes, orders, invoices] = await Promise.all([
    ctx.can(QUOTE_READ) ? documentsOf(ctx, Quote, QUOTE_READ, customerId) : null,
    ctx.can(ORDER_READ) ? documentsOf(ctx, Order, ORDER_READ, customerId) : null,
    ctx.can(INVOICE_READ) ? documentsOf(ctx, Invoice, INVOICE_READ, customerId) : null,
  ]);
  const amount = (r: { currency: string; amountTotal: string }) => ({ currency: r.currency, amount: r.amountTotal });
  return {
    customer,
    quotes: quotes && {
      count: quotes.count,
      recent: quotes.rows.slice(0, RECENT).map((q) => ({
        id: q.id,
        number: q.number,
        revision: q.revision,
        state: q.state,
        currency: q.currency,
        amountTotal: q.amountTotal,
        validUntil: q.validUntil,
      })),
      open: sum(quotes.rows.filter((q) => q.state === 'draft' || q.state === 'sent').map(amount)),
    },
    orders: orders && {
      count: orders.count,
      recent: orders.rows.slice(0, RECENT).map((o) => ({
        id: o.id,
        number: o.number,
        state: o.state,
        deliveryStatus: o.deliveryStatus,
        currency: o.currency,
        amountTotal: o.amountTotal,
      })),
      ordered: sum(orders.rows.filter((o) => o.state !== 'cancelled').map(amount)),
    },
    invoices: invoices && {
      count: invoices.count,
      recent: invoices.rows.slice(0, RECENT).map((i) => ({
        id: i.id,
        kind: i.kind,
        number: i.number,
        order: i.order,
        state: i.state,
        paymentStatus: i.paymentStatus,
        currency: i.currency,
        amountTotal: i.amountTotal,
        amountResidual: i.amountResidual,
        dueDate: i.dueDate,
      })),
      invoiced: sumByCurrency(
        invoices.rows
          .filter((i) => i.state === 'posted')
          .map((i) => {
            const m = round(i.amountTotal, i.currency);
            return i.kind === 'credit_note' ? negate(m) : m;
          }),
      ),
      due: sum(
        invoices.rows
          .filter((i) => i.state === 'posted' && i.kind === 'invoice')
          .map((i) => ({ currency: i.currency, amount: i.amountResidual })),
      ),
    },
    summedLimit: SUMMED,
  };
}
