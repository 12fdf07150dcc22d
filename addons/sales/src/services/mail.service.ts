import { Contact } from '@elevate/crm';
import { formatMoney, money, type SystemContext } from '@elevate/sdk';
import { salesErrors } from '../errors.ts';
import { DocumentMail, type DocumentMailRow } from '../models/document-mail.model.ts';
import type { InvoiceRow } from '../models/invoice.model.ts';
import type { QuoteRow } from '../models/quote.model.ts';
import { attachPdf, invoiceDocument, quoteDocument } from './documents.service.ts';
import { INVOICE_WRITE, invoiceOf } from './invoices.service.ts';
import { QUOTE_WRITE, quoteOf, sendQuote } from './quotes.service.ts';

export interface EmailInput {
  to: string;
  subject?: string | null;
  message?: string | null;
}

type Model = 'sales.quote' | 'sales.invoice';

/** The customer's address: the contact's email, else the company's (the page pre-fills it). */
export async function recipientOf(ctx: SystemContext, doc: { contact: string | null; company: string | null }) {
  for (const id of [doc.contact, doc.company]) {
    const c = id ? await ctx.db.repo(Contact).get(id) : null;
    if (c?.email) return { email: c.email, name: c.name };
  }
  return null;
}

async function send(
  ctx: SystemContext,
  model: Model,
  record: QuoteRow | InvoiceRow,
  what: { title: string; number: string; amount: string },
  pdf: Parameters<typeof attachPdf>[3],
  input: EmailInput,
) {
  const customer = await recipientOf(ctx, record);
  const subject = input.subject?.trim() || `${what.title} ${what.number} from ${ctx.tenant.name}`;
  const greeting = customer?.name ? `Hello ${customer.name},` : 'Hello,';
  const body =
    input.message?.trim() ||
    `${greeting}\n\nplease find attached ${what.title.toLowerCase()} ${what.number} for ${what.amount}.\n\nKind regards,\n${ctx.tenant.name}`;
  // A new PDF version: what the customer receives is what was true when it was sent.
  const stored = await attachPdf(ctx, model, record.id, pdf);
  const mail = await ctx.mail.send({
    to: input.to.trim(),
    template: 'core.document',
    data: { subject, body },
    attachments: [{ documentId: stored.id }],
  });
  const entry = await ctx.db.repo(DocumentMail).insert({
    model,
    recordId: record.id,
    to: input.to.trim(),
    subject,
    documentId: stored.id,
    mailId: mail.id,
  });
  return { mail: entry, document: stored };
}

/** Emails the quote's PDF; a draft is sent first (an emailed quote is a sent quote, never changed in place). */
export async function emailQuote(ctx: SystemContext, id: string, input: EmailInput) {
  let q = await quoteOf(ctx, id, QUOTE_WRITE);
  if (q.state === 'draft') q = await sendQuote(ctx, q.id);
  if (!['sent', 'accepted', 'expired'].includes(q.state)) throw salesErrors.quoteState(q.state, 'emailed');
  const number = `${q.number}${q.revision > 1 ? ` (v${q.revision})` : ''}`;
  const amount = formatMoney(money(q.amountTotal, q.currency), 'en-US');
  return send(ctx, 'sales.quote', q, { title: 'Quote', number, amount }, await quoteDocument(ctx, q), input);
}

/** Emails a posted invoice's (or credit note's) PDF with what is still due. */
export async function emailInvoice(ctx: SystemContext, id: string, input: EmailInput) {
  const inv = await invoiceOf(ctx, id, INVOICE_WRITE);
  if (inv.state !== 'posted') throw salesErrors.invoiceState(inv.state, 'emailed (post it first)');
  const credit = inv.kind === 'credit_note';
  const amount = formatMoney(money(credit ? inv.amountTotal : inv.amountResidual, inv.currency), 'en-US');
  return send(
    ctx,
    'sales.invoice',
    inv,
    { title: credit ? 'Credit note' : 'Invoice', number: inv.number ?? '', amount },
    await invoiceDocument(ctx, inv),
    input,
  );
}

/** The mails of one quote or invoice, oldest first (the caller has checked it may see the record). */
export async function mailsOf(ctx: SystemContext, model: Model, recordId: string): Promise<DocumentMailRow[]> {
  return ctx.db.repo(DocumentMail).find({ where: { model, recordId }, orderBy: [{ field: 'createdAt' }] });
}
