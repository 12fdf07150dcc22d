import type { RestRouter } from '@elevate/sdk';
import { overdueJob } from '../jobs/overdue.job.ts';
import type { permissions } from '../permissions.ts';
import { today } from '../services/clock.ts';
import { attachPdf, invoiceDocument, listPdfs } from '../services/documents.service.ts';
import {
  cancelInvoice,
  creditNote,
  type DraftFields,
  INVOICE_READ,
  INVOICE_WRITE,
  invoiceOf,
  invoiceOrder,
  invoiceView,
  postInvoice,
  updateDraft,
} from '../services/invoices.service.ts';
import { type PayLinkInput, payLink } from '../services/pay-link.service.ts';
import { PAYMENT_WRITE, type PaymentInput, recordPayment } from '../services/payments.service.ts';
import { agedReceivables } from '../services/receivables.service.ts';

const QUANTITY = '^\\d{1,14}(\\.\\d{1,4})?$';
const draftFields = {
  invoiceDate: { type: ['string', 'null'], format: 'date' },
  paymentTermId: { type: ['string', 'null'], format: 'uuid' },
  note: { type: ['string', 'null'], maxLength: 10000 },
};
const draftBody = { type: 'object', properties: draftFields, additionalProperties: false };
const creditBody = {
  type: 'object',
  properties: {
    // Invoice line id → quantity to give back; left out: everything not credited yet.
    lines: {
      type: 'object',
      maxProperties: 500,
      propertyNames: { format: 'uuid' },
      additionalProperties: { type: 'string', pattern: QUANTITY },
    },
    note: { type: ['string', 'null'], maxLength: 10000 },
  },
  additionalProperties: false,
};
const paymentBody = {
  type: 'object',
  required: ['amount'],
  properties: {
    amount: { type: 'string', pattern: '^\\d{1,16}(\\.\\d{1,4})?$' },
    currency: { type: 'string', pattern: '^[A-Za-z]{3}$' },
    date: { type: ['string', 'null'], format: 'date' },
    reference: { type: ['string', 'null'], maxLength: 200 },
    note: { type: ['string', 'null'], maxLength: 500 },
  },
  additionalProperties: false,
};
const url = { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 };
const payLinkBody = {
  type: 'object',
  required: ['successUrl', 'cancelUrl'],
  properties: { successUrl: url, cancelUrl: url },
  additionalProperties: false,
};
const agedQuery = {
  type: 'object',
  properties: { asOf: { type: 'string', format: 'date' } },
  additionalProperties: false,
};

type IdParams = { id: string };

export function invoiceRoutes(r: RestRouter<typeof permissions>): void {
  r.post<IdParams, DraftFields>(
    '/orders/:id/invoices',
    {
      permission: INVOICE_WRITE,
      body: draftBody,
      summary: 'A draft invoice for what is left to invoice (ordered or delivered quantities: company setting)',
    },
    async ({ params, body, ctx }) => ({
      status: 201,
      body: await invoiceView(ctx, await invoiceOrder(ctx, params.id, body ?? {})),
    }),
  );
  r.get<IdParams>(
    '/invoices/:id',
    { permission: INVOICE_READ, summary: 'An invoice with its lines, due parts, payments and credit notes' },
    async ({ params, ctx }) => invoiceView(ctx, await invoiceOf(ctx, params.id)),
  );
  r.patch<IdParams, DraftFields>(
    '/invoices/:id',
    { permission: INVOICE_WRITE, body: draftBody, summary: 'Change a draft’s date, payment term or note' },
    async ({ params, body, ctx }) => invoiceView(ctx, await updateDraft(ctx, params.id, body)),
  );
  r.post<IdParams>(
    '/invoices/:id/post',
    { permission: INVOICE_WRITE, summary: 'Post a draft: number, rate of its date, due parts; it no longer changes' },
    async ({ params, ctx }) => invoiceView(ctx, await postInvoice(ctx, params.id)),
  );
  r.post<IdParams>(
    '/invoices/:id/cancel',
    { permission: INVOICE_WRITE, summary: 'Cancel a draft (a posted invoice is reversed with a credit note)' },
    async ({ params, ctx }) => invoiceView(ctx, await cancelInvoice(ctx, params.id)),
  );
  r.post<IdParams, { lines?: Record<string, string>; note?: string | null }>(
    '/invoices/:id/credit-notes',
    {
      permission: INVOICE_WRITE,
      body: creditBody,
      summary: 'A draft credit note reversing the invoice, fully or partly',
    },
    async ({ params, body, ctx }) => ({
      status: 201,
      body: await invoiceView(ctx, await creditNote(ctx, params.id, body ?? {})),
    }),
  );
  r.post<IdParams, PaymentInput>(
    '/invoices/:id/payments',
    { permission: PAYMENT_WRITE, body: paymentBody, summary: 'Record a payment received (at most what is still due)' },
    async ({ params, body, ctx }) => {
      await invoiceOf(ctx, params.id);
      const { payment, invoice } = await recordPayment(ctx, params.id, body);
      return { status: 201, body: { payment, invoice: await invoiceView(ctx, invoice) } };
    },
  );
  r.post<IdParams, PayLinkInput>(
    '/invoices/:id/pay-link',
    {
      permission: PAYMENT_WRITE,
      body: payLinkBody,
      summary:
        'A hosted checkout for what is due, through the payment provider (409 SALES_NO_PAYMENT_PROVIDER without one)',
    },
    async ({ params, body, ctx }) => ({ status: 201, body: await payLink(ctx, params.id, body) }),
  );
  r.post<IdParams>(
    '/invoices/:id/documents',
    {
      permission: INVOICE_READ,
      summary: 'Render the invoice as a PDF (a new version, attached) with a signed download link',
    },
    async ({ params, ctx }) => {
      const inv = await invoiceOf(ctx, params.id);
      return { status: 201, body: await attachPdf(ctx, 'sales.invoice', inv.id, await invoiceDocument(ctx, inv)) };
    },
  );
  r.get<IdParams>(
    '/invoices/:id/documents',
    { permission: INVOICE_READ, summary: 'The invoice’s PDFs, newest first, with signed download links' },
    async ({ params, ctx }) => listPdfs(ctx, 'sales.invoice', (await invoiceOf(ctx, params.id)).id),
  );
  r.post(
    '/invoices/mark-overdue',
    { permission: PAYMENT_WRITE, summary: 'Run the daily overdue check now (answers the job id)' },
    async ({ ctx }) => ({ status: 202, body: { jobId: await ctx.jobs.enqueue(overdueJob, {}) } }),
  );
  r.get<Record<string, string>, { asOf?: string }>(
    '/reports/aged-receivables',
    {
      permission: INVOICE_READ,
      query: agedQuery,
      summary: 'What customers owe, per customer and currency, by days past due (0-30, 31-60, 61-90, 90+)',
    },
    async ({ query, ctx }) => agedReceivables(ctx, query.asOf ?? today()),
  );
}
