import { Contact, Opportunity } from '@elevate/crm';
import { NotFoundError, type SystemContext } from '@elevate/sdk';
import { salesErrors } from '../errors.ts';
import { QuoteCancelled, QuoteCreated, type QuoteEvent, QuoteRevised, QuoteSent } from '../events.ts';
import { DocumentMail, type DocumentMailRow } from '../models/document-mail.model.ts';
import { Quote, type QuoteRow } from '../models/quote.model.ts';
import { QuoteLine } from '../models/quote-line.model.ts';
import { Tax } from '../models/tax.model.ts';
import type { SalesSettings } from '../settings.ts';
import { repoFor } from './access.ts';
import { addDays, today } from './clock.ts';
import { asInput, type LineInput, readLines, resolveLines, writeLines } from './lines.service.ts';
import { nextNumber } from './sequence.service.ts';
import { computeTotals, type Totals } from './totals.ts';

export const QUOTE_READ = 'sales.quote.read';
export const QUOTE_WRITE = 'sales.quote.write';

export interface QuoteInput {
  contactId?: string | null;
  companyId?: string | null;
  opportunityId?: string | null;
  currency?: string;
  validUntil?: string | null;
  note?: string | null;
  ownerId?: string | null;
  lines?: LineInput[];
}

export const quoteEvent = (q: QuoteRow): QuoteEvent => ({
  id: q.id,
  number: q.number,
  revision: q.revision,
  state: q.state,
  ownerId: q.ownerId,
  contactId: q.contact ?? q.company,
  opportunityId: q.opportunity,
  amountTotal: q.amountTotal,
  currency: q.currency,
});

async function checkParties(ctx: SystemContext, input: QuoteInput): Promise<void> {
  const contacts = ctx.db.repo(Contact);
  if (input.contactId && !(await contacts.get(input.contactId))) throw salesErrors.notFound('contact', 'contactId');
  if (input.companyId) {
    const c = await contacts.get(input.companyId);
    if (!c) throw salesErrors.notFound('company', 'companyId');
    if (c.kind !== 'company') throw salesErrors.invalid('companyId', 'must be a contact of kind company');
  }
  if (input.opportunityId && !(await ctx.db.repo(Opportunity).get(input.opportunityId))) {
    throw salesErrors.notFound('opportunity', 'opportunityId');
  }
}

export async function createQuote(
  ctx: SystemContext,
  input: QuoteInput,
  from?: { parent: QuoteRow },
): Promise<QuoteRow> {
  if (!input.contactId && !input.companyId)
    throw salesErrors.invalid('contactId', 'a contact or a company is required');
  await checkParties(ctx, input);
  const currency = (input.currency ?? 'USD').toUpperCase();
  const { lines, totals } = await resolveLines(ctx, currency, input.lines ?? []);
  const settings = await ctx.settings<SalesSettings>('sales');
  const repo = await repoFor(ctx, Quote, QUOTE_WRITE);
  const quote = await repo.insert({
    number: from ? from.parent.number : await nextNumber(ctx, 'quote', 'S'),
    revision: from ? from.parent.revision + 1 : 1,
    parent: from?.parent.id ?? null,
    contact: input.contactId ?? null,
    company: input.companyId ?? null,
    opportunity: input.opportunityId ?? null,
    currency,
    validUntil: input.validUntil ?? addDays(today(), settings.quoteValidityDays),
    note: input.note ?? null,
    amountUntaxed: totals.amountUntaxed,
    amountTax: totals.amountTax,
    amountTotal: totals.amountTotal,
    ...(input.ownerId !== undefined ? { ownerId: input.ownerId } : from ? { ownerId: from.parent.ownerId } : {}),
  });
  await writeLines(ctx, QuoteLine, quote.id, lines);
  await ctx.events.publish(from ? QuoteRevised : QuoteCreated, quote.id, quoteEvent(quote));
  return quote;
}

/** A quote the caller may see, or 404. */
export async function quoteOf(ctx: SystemContext, id: string, permission = QUOTE_READ): Promise<QuoteRow> {
  const q = await (await repoFor(ctx, Quote, permission)).get(id);
  if (!q) throw new NotFoundError('Quote');
  return q;
}

export interface QuoteView extends QuoteRow {
  lines: Awaited<ReturnType<typeof readLines<typeof QuoteLine>>>;
  taxSummary: Totals['taxes'];
  /** The quote's PDFs sent by email (its timeline of mails). */
  mails: DocumentMailRow[];
}

/** The quote with its lines and the tax summary per rate. */
export async function quoteView(ctx: SystemContext, quote: QuoteRow): Promise<QuoteView> {
  const lines = await readLines(ctx, QuoteLine, quote.id);
  const taxes = new Map(
    (await ctx.db.repo(Tax).getMany([...new Set(lines.flatMap((l) => l.taxIds))])).flatMap((t) =>
      t ? [[t.id, t]] : [],
    ),
  );
  const { rounding } = await ctx.settings<SalesSettings>('sales');
  const totals = computeTotals(
    quote.currency,
    rounding,
    lines.map((l) => ({
      ...l,
      taxes: l.taxIds.flatMap((id) => {
        const t = taxes.get(id);
        return t ? [{ id: t.id, name: t.name, rate: t.rate, inclusive: t.inclusive }] : [];
      }),
    })),
  );
  const mails = await ctx.db
    .repo(DocumentMail)
    .find({ where: { model: 'sales.quote', recordId: quote.id }, orderBy: [{ field: 'createdAt' }] });
  return { ...quote, lines, taxSummary: totals.taxes, mails };
}

/** Only a draft changes in place; lines given replace the lines. */
export async function updateQuote(ctx: SystemContext, id: string, patch: QuoteInput): Promise<QuoteRow> {
  const q = await quoteOf(ctx, id, QUOTE_WRITE);
  if (q.state !== 'draft') throw salesErrors.quoteState(q.state, 'changed (revise it)');
  const next = {
    contactId: patch.contactId !== undefined ? patch.contactId : q.contact,
    companyId: patch.companyId !== undefined ? patch.companyId : q.company,
    opportunityId: patch.opportunityId !== undefined ? patch.opportunityId : q.opportunity,
  };
  if (!next.contactId && !next.companyId) throw salesErrors.invalid('contactId', 'a contact or a company is required');
  await checkParties(ctx, next);
  const currency = (patch.currency ?? q.currency).toUpperCase();
  const lines = patch.lines ?? (await readLines(ctx, QuoteLine, q.id)).map(asInput);
  const resolved = await resolveLines(ctx, currency, lines);
  const repo = await repoFor(ctx, Quote, QUOTE_WRITE);
  const updated = await repo.update(id, {
    contact: next.contactId,
    company: next.companyId,
    opportunity: next.opportunityId,
    currency,
    ...(patch.validUntil !== undefined ? { validUntil: patch.validUntil } : {}),
    ...(patch.note !== undefined ? { note: patch.note } : {}),
    ...(patch.ownerId !== undefined ? { ownerId: patch.ownerId } : {}),
    amountUntaxed: resolved.totals.amountUntaxed,
    amountTax: resolved.totals.amountTax,
    amountTotal: resolved.totals.amountTotal,
  });
  if (patch.lines || patch.currency) {
    await ctx.db.query('delete from sales_quote_line where tenant_id = $1 and quote_id = $2', [ctx.tenant.id, id]);
    await writeLines(ctx, QuoteLine, id, resolved.lines);
  }
  return updated as QuoteRow;
}

/**
 * Moves a quote from one of `from` to `to` with a conditional update, so two requests at once
 * cannot both send, accept or revise the same quote.
 */
export async function transitionQuote(
  ctx: SystemContext,
  q: QuoteRow,
  from: readonly QuoteRow['state'][],
  to: QuoteRow['state'],
  extra: Record<string, unknown> = {},
): Promise<QuoteRow> {
  const sets = Object.keys(extra).map((k, i) => `${k} = $${i + 5}`);
  const rows = await ctx.db.query<{ id: string }>(
    `update sales_quote set state = $3, updated_at = now()${sets.map((s) => `, ${s}`).join('')}
      where tenant_id = $1 and id = $2 and state = any($4::text[]) returning id`,
    [ctx.tenant.id, q.id, to, from, ...Object.values(extra)],
  );
  if (!rows.length) {
    const now = (await ctx.db.repo(Quote).get(q.id)) ?? q;
    throw salesErrors.quoteState(now.state, to === 'superseded' ? 'revised' : to);
  }
  return (await ctx.db.repo(Quote).get(q.id)) as QuoteRow;
}

export async function sendQuote(ctx: SystemContext, id: string): Promise<QuoteRow> {
  const q = await quoteOf(ctx, id, QUOTE_WRITE);
  if (!(await ctx.db.repo(QuoteLine).count({ quote: q.id, kind: 'product' }))) {
    throw salesErrors.invalid('lines', 'a quote needs at least one product line before it is sent');
  }
  const sent = await transitionQuote(ctx, q, ['draft'], 'sent', { sent_at: new Date().toISOString() });
  await ctx.events.publish(QuoteSent, sent.id, quoteEvent(sent));
  return sent;
}

/** A sent (or expired) quote is never changed: its next revision is a draft copy, and it is superseded. */
export async function reviseQuote(ctx: SystemContext, id: string): Promise<QuoteRow> {
  const q = await quoteOf(ctx, id, QUOTE_WRITE);
  await transitionQuote(ctx, q, ['sent', 'expired'], 'superseded');
  await ctx.db.query(
    `update sales_share_link set revoked_at = now(), updated_at = now()
      where tenant_id = $1 and quote_id = $2 and revoked_at is null`,
    [ctx.tenant.id, q.id],
  );
  const lines = (await readLines(ctx, QuoteLine, q.id)).map(asInput);
  return createQuote(
    ctx,
    {
      contactId: q.contact,
      companyId: q.company,
      opportunityId: q.opportunity,
      currency: q.currency,
      validUntil: q.validUntil,
      note: q.note,
      lines,
    },
    { parent: q },
  );
}

export async function cancelQuote(ctx: SystemContext, id: string): Promise<QuoteRow> {
  const q = await quoteOf(ctx, id, QUOTE_WRITE);
  const done = await transitionQuote(ctx, q, ['draft', 'sent', 'expired'], 'cancelled');
  await ctx.events.publish(QuoteCancelled, done.id, quoteEvent(done));
  return done;
}
