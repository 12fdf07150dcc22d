import { defineAction, ValidationError } from '@elevate/sdk';
import { messages } from '../messages.ts';
import { Invoice } from '../models/invoice.model.ts';
import { invoiceDocument } from '../services/documents.service.ts';
import { invoiceOf, invoiceOrder, postInvoice } from '../services/invoices.service.ts';

/**
 * "Send the invoice" for a rule about an order (invoices what is left on it) or an invoice: posts
 * it if it is a draft and attaches its PDF with a signed download link, returned for later steps
 * (a webhook, a notification). Emailing it to the customer needs addon mail templates, which the
 * platform does not have yet. Runs as the rule's owner.
 */
export const sendInvoiceAction = defineAction<
  { linkDays?: number },
  { invoiceId: string; number: string; documentId: string; url: string; expiresAt: string }
>({
  name: 'sales.send_invoice',
  title: 'Send the invoice',
  description:
    'For an order: invoices what is left to invoice. For an invoice: takes it. Posts it when it is a draft and attaches its PDF with a download link (for a following webhook or notification step).',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: { linkDays: { type: 'integer', minimum: 1, maximum: 90, default: 7, title: 'Link valid (days)' } },
  },
  result: {
    type: 'object',
    properties: {
      invoiceId: { type: 'string' },
      number: { type: 'string' },
      documentId: { type: 'string' },
      url: { type: 'string' },
      expiresAt: { type: 'string' },
    },
  },
  describe: (_p, info) => messages.text(info.language, 'describe.sales.send_invoice'),
  async run(p, ctx) {
    const { model, recordId } = ctx.trigger;
    if (!recordId || (model !== 'sales.order' && model !== 'sales.invoice')) {
      throw new ValidationError('This action needs a trigger about an order or an invoice', [
        { path: 'trigger', message: 'the trigger is about no sales.order or sales.invoice' },
      ]);
    }
    const owner = await ctx.asOwner();
    let inv = model === 'sales.order' ? await invoiceOrder(owner, recordId, {}) : await invoiceOf(owner, recordId);
    if (inv.state === 'draft') inv = await postInvoice(owner, inv.id);
    inv = (await owner.db.repo(Invoice).get(inv.id)) ?? inv;
    const doc = await ctx.documents.attach({ model: 'sales.invoice', id: inv.id }, await invoiceDocument(owner, inv));
    const link = await ctx.documents.link(doc.id, { expiresInSec: (p.linkDays ?? 7) * 86_400 });
    return {
      invoiceId: inv.id,
      number: inv.number ?? '',
      documentId: doc.id,
      url: link.url,
      expiresAt: link.expiresAt,
    };
  },
});
