import type { RestRouter } from '@elevate/sdk';
import { expiryJob } from '../jobs/expiry.job.ts';
import type { permissions } from '../permissions.ts';
import { attachPdf, listPdfs, quoteDocument } from '../services/documents.service.ts';
import { linesSchema } from '../services/lines.service.ts';
import {
  cancelQuote,
  createQuote,
  QUOTE_READ,
  QUOTE_WRITE,
  type QuoteInput,
  quoteOf,
  quoteView,
  reviseQuote,
  sendQuote,
  updateQuote,
} from '../services/quotes.service.ts';
import { type Acceptance, acceptQuote, createShareLink, revokeShareLink } from '../services/share.service.ts';

const id = { type: ['string', 'null'], format: 'uuid' } as const;
const quoteFields = {
  contactId: id,
  companyId: id,
  opportunityId: id,
  ownerId: id,
  currency: { type: 'string', pattern: '^[A-Za-z]{3}$' },
  validUntil: { type: ['string', 'null'], format: 'date' },
  note: { type: ['string', 'null'], maxLength: 10000 },
  lines: linesSchema,
};
const quoteBody = { type: 'object', properties: quoteFields, additionalProperties: false };
export const acceptBody = {
  type: 'object',
  required: ['name', 'signature'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    signature: { type: 'string', minLength: 1, maxLength: 500_000 },
  },
  additionalProperties: false,
};

type IdParams = { id: string };

export function quoteRoutes(r: RestRouter<typeof permissions>): void {
  r.get<IdParams>(
    '/quotes/:id',
    { permission: QUOTE_READ, summary: 'A quote with its lines and tax summary' },
    async ({ params, ctx }) => quoteView(ctx, await quoteOf(ctx, params.id)),
  );
  r.post<Record<string, string>, QuoteInput>(
    '/quotes',
    { permission: QUOTE_WRITE, body: quoteBody, summary: 'Create a draft quote with its lines' },
    async ({ body, ctx }) => ({ status: 201, body: await quoteView(ctx, await createQuote(ctx, body)) }),
  );
  r.patch<IdParams, QuoteInput>(
    '/quotes/:id',
    { permission: QUOTE_WRITE, body: quoteBody, summary: 'Change a draft quote (lines given replace its lines)' },
    async ({ params, body, ctx }) => quoteView(ctx, await updateQuote(ctx, params.id, body)),
  );
  const action = (path: string, summary: string, run: typeof sendQuote) =>
    r.post<IdParams>(`/quotes/:id/${path}`, { permission: QUOTE_WRITE, summary }, async ({ params, ctx }) =>
      quoteView(ctx, await run(ctx, params.id)),
    );
  action('send', 'Mark a draft quote sent (it no longer changes in place)', sendQuote);
  action('revise', 'Copy a sent quote into its next revision; the sent one is superseded', reviseQuote);
  action('cancel', 'Cancel a quote', cancelQuote);
  r.post<IdParams, Omit<Acceptance, 'ip'>>(
    '/quotes/:id/accept',
    {
      permission: QUOTE_WRITE,
      body: acceptBody,
      summary: 'Record the customer’s acceptance (signed elsewhere): the quote becomes an order',
    },
    async ({ params, body, ctx }) => {
      const { quote, order } = await acceptQuote(ctx, await quoteOf(ctx, params.id, QUOTE_WRITE), {
        ...body,
        ip: null,
      });
      return { status: 201, body: { quote, order } };
    },
  );
  r.post<IdParams>(
    '/quotes/:id/documents',
    {
      permission: QUOTE_READ,
      summary: 'Render the quote as a PDF (a new version, attached) with a signed download link',
    },
    async ({ params, ctx }) => {
      const q = await quoteOf(ctx, params.id);
      return { status: 201, body: await attachPdf(ctx, 'sales.quote', q.id, await quoteDocument(ctx, q)) };
    },
  );
  r.get<IdParams>(
    '/quotes/:id/documents',
    { permission: QUOTE_READ, summary: 'The quote’s PDFs, newest first, with signed download links' },
    async ({ params, ctx }) => listPdfs(ctx, 'sales.quote', (await quoteOf(ctx, params.id)).id),
  );
  r.post(
    '/quotes/mark-expired',
    {
      permission: 'sales.quote.delete',
      summary: 'Run the daily expiry of sent quotes past their validity now (answers the job id)',
    },
    async ({ ctx }) => ({ status: 202, body: { jobId: await ctx.jobs.enqueue(expiryJob, {}) } }),
  );
  r.post<IdParams>(
    '/quotes/:id/share-links',
    { permission: QUOTE_WRITE, summary: 'A public link to a sent quote (the token is shown once)' },
    async ({ params, ctx }) => ({
      status: 201,
      body: await createShareLink(ctx, params.id),
    }),
  );
  r.delete<IdParams & { linkId: string }>(
    '/quotes/:id/share-links/:linkId',
    { permission: QUOTE_WRITE, summary: 'Revoke a share link' },
    async ({ params, ctx }) => {
      await revokeShareLink(ctx, params.id, params.linkId);
      return { status: 204, body: null };
    },
  );
}
