import { Contact } from '@elevate/crm';
import {
  type BusinessDocument,
  type DocumentLine,
  type DocumentParty,
  isLanguage,
  minorUnits,
  money,
  type RequestContext,
  type SystemContext,
  type Translate,
} from '@elevate/sdk';
import { messages } from '../messages.ts';
import { Installment, Invoice, type InvoiceRow } from '../models/invoice.model.ts';
import { InvoiceLine } from '../models/invoice-line.model.ts';
import { Order } from '../models/order.model.ts';
import type { QuoteRow } from '../models/quote.model.ts';
import { QuoteLine } from '../models/quote-line.model.ts';
import { Tax, type TaxRow } from '../models/tax.model.ts';
import type { SalesSettings } from '../settings.ts';
import { today } from './clock.ts';
import { readLines } from './lines.service.ts';
import { computeTotals } from './totals.ts';

// Quote and invoice PDFs through the platform's documents service (ctx.documents): this file
// only maps a sales record onto the SDK's BusinessDocument; layout, branding, the tenant's
// template, storage and signed links are the platform's. Every amount is the stored one.

type Line = Awaited<ReturnType<typeof readLines<typeof QuoteLine>>>[number];

// What sales itself writes on an invoice PDF, in the reader's language (../messages/<lang>.json);
// the platform prints the rest in the same language.
const LOCALE_OF: Record<string, string> = { en: 'en-US', de: 'de-DE', es: 'es-ES' };

/**
 * The PDF's language and locale: those of the user making it (a request), the locale following
 * the language when the profile sets none; a job without a user: the platform's default (English).
 */
function readerOf(ctx: SystemContext): {
  language?: string;
  locale?: string;
  t: Translate<typeof import('../messages/en.json')>;
} {
  const user = (ctx as Partial<RequestContext>).user;
  const language = isLanguage(user?.language) ? user.language : null;
  const locale = user?.locale ?? (language ? LOCALE_OF[language] : null);
  return {
    ...(language ? { language } : {}),
    ...(locale ? { locale } : {}),
    t: messages.in(language),
  };
}

const plain = (v: string) => v.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');

async function party(ctx: SystemContext, id: string | null): Promise<DocumentParty> {
  const c = id ? await ctx.db.repo(Contact).get(id) : null;
  if (!c) return { name: '—' };
  const cityLine = [c.postalCode, c.city].filter(Boolean).join(' ');
  const address = [c.street, cityLine, c.country].filter((x): x is string => !!x);
  return {
    name: c.name,
    ...(address.length ? { address } : {}),
    ...(c.email ? { email: c.email } : {}),
    ...(c.phone ? { phone: c.phone } : {}),
  };
}

/** The tax summary per rate of stored lines, as the quote view and the PDFs compute it. */
export async function taxSummaryOf(
  ctx: SystemContext,
  currency: string,
  lines: readonly { taxIds: string[] }[],
  known?: Map<string, TaxRow>,
) {
  const taxes =
    known ??
    new Map(
      (await ctx.db.repo(Tax).getMany([...new Set(lines.flatMap((l) => l.taxIds))])).flatMap((t) =>
        t ? [[t.id, t]] : [],
      ),
    );
  const { rounding } = await ctx.settings<SalesSettings>('sales');
  return computeTotals(
    currency,
    rounding,
    lines.map((l) => ({
      ...(l as unknown as Line),
      taxes: l.taxIds.flatMap((id) => {
        const t = taxes.get(id);
        return t ? [{ id: t.id, name: t.name, rate: t.rate, inclusive: t.inclusive }] : [];
      }),
    })),
  ).taxes;
}

async function documentLines(ctx: SystemContext, currency: string, lines: readonly Line[]) {
  const taxes = new Map(
    (await ctx.db.repo(Tax).getMany([...new Set(lines.flatMap((l) => l.taxIds))])).flatMap((t) =>
      t ? [[t.id, t]] : [],
    ),
  );
  const digits = minorUnits(currency);
  const out = lines.map((l): DocumentLine => {
    if (l.kind !== 'product') return { type: l.kind, description: l.description ?? '' };
    const price = plain(l.unitPrice);
    // A unit price finer than the currency (0.0125 USD) is not an amount the renderer shows: it
    // goes, exact, in the line's detail instead of being rounded.
    const fine = (price.split('.')[1]?.length ?? 0) > digits;
    return {
      description: l.description ?? '',
      ...(fine ? { detail: `${price} ${currency} each` } : { unitPrice: price }),
      quantity: plain(l.quantity),
      ...(l.discountPercent ? { discount: `${plain(l.discountPercent)}%` } : {}),
      ...(l.discountAmount ? { discount: money(l.discountAmount, currency).amount } : {}),
      taxes: l.taxIds.flatMap((id) => {
        const t = taxes.get(id);
        return t ? [t.name] : [];
      }),
      total: money(l.amountTotal, currency).amount,
    };
  });
  const summary = await taxSummaryOf(ctx, currency, lines, taxes);
  return { lines: out, taxSummary: summary.map((t) => ({ label: t.name, base: t.base, amount: t.amount })) };
}

export async function quoteDocument(ctx: SystemContext, q: QuoteRow): Promise<BusinessDocument> {
  const { lines, taxSummary } = await documentLines(ctx, q.currency, await readLines(ctx, QuoteLine, q.id));
  const m = (v: string) => money(v, q.currency).amount;
  const { t: _, ...reader } = readerOf(ctx);
  return {
    ...reader,
    kind: 'quote',
    number: q.revision > 1 ? `${q.number}-v${q.revision}` : q.number,
    date: (q.sentAt ?? q.createdAt).slice(0, 10),
    ...(q.validUntil ? { dueDate: q.validUntil } : {}),
    currency: q.currency,
    customer: await party(ctx, q.company ?? q.contact),
    lines,
    taxSummary,
    totals: { subtotal: m(q.amountUntaxed), tax: m(q.amountTax), total: m(q.amountTotal) },
    ...(q.note ? { notes: [q.note] } : {}),
  };
}

export async function invoiceDocument(ctx: SystemContext, inv: InvoiceRow): Promise<BusinessDocument> {
  const stored = await readLines(ctx, InvoiceLine, inv.id);
  const { lines, taxSummary } = await documentLines(ctx, inv.currency, stored as unknown as Line[]);
  const m = (v: string) => money(v, inv.currency).amount;
  const credit = inv.kind === 'credit_note';
  const order = inv.order ? await ctx.db.repo(Order).get(inv.order) : null;
  const reversed = inv.reverses ? await ctx.db.repo(Invoice).get(inv.reverses) : null;
  const parts = await ctx.db.repo(Installment).find({ where: { invoice: inv.id }, orderBy: [{ field: 'sequence' }] });
  const { t, ...reader } = readerOf(ctx);
  const notes = [
    ...(parts.length > 1
      ? [
          t('invoice.due', {
            parts: parts
              .map((p) => t('invoice.part', { amount: m(p.amount), currency: inv.currency, date: p.dueDate }))
              .join('; '),
          }),
        ]
      : []),
    ...(reversed?.number ? [t('invoice.reverses', { number: reversed.number })] : []),
    ...(inv.note && !credit ? [inv.note] : []),
  ];
  const draft = inv.state === 'draft';
  const title = credit ? t('invoice.credit') : t('invoice.invoice');
  return {
    ...reader,
    kind: 'invoice',
    title: draft ? t('invoice.draft', { title }) : title,
    number: inv.number ?? 'DRAFT',
    date: inv.invoiceDate ?? today(),
    ...(inv.dueDate && !credit ? { dueDate: inv.dueDate } : {}),
    ...(order ? { reference: order.number } : {}),
    currency: inv.currency,
    customer: await party(ctx, inv.company ?? inv.contact),
    lines,
    taxSummary,
    totals: {
      subtotal: m(inv.amountUntaxed),
      tax: m(inv.amountTax),
      total: m(inv.amountTotal),
      ...(credit ? {} : { paid: m(inv.amountPaid), due: m(inv.amountResidual) }),
    },
    ...(notes.length ? { notes } : {}),
  };
}

/** Renders, attaches (a new version each time) and links the PDF of a quote or an invoice. */
export async function attachPdf(
  ctx: SystemContext,
  model: 'sales.quote' | 'sales.invoice',
  id: string,
  doc: BusinessDocument,
) {
  const stored = await ctx.documents.attach({ model, id }, doc);
  return { ...stored, link: await ctx.documents.link(stored.id) };
}

/** The record's PDFs, newest first, each with a fresh signed link. */
export async function listPdfs(ctx: SystemContext, model: 'sales.quote' | 'sales.invoice', id: string) {
  const files = await ctx.documents.list({ model, id });
  const out = [];
  for (const f of files) out.push({ ...f, link: await ctx.documents.link(f.id) });
  return { data: out };
}
