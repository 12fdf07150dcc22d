import type { JsonSchema, RestRouter } from '@elevate/sdk';
import type { permissions } from '../permissions.ts';
import { INVOICE_WRITE } from '../services/invoices.service.ts';
import { type EmailInput, emailInvoice, emailQuote } from '../services/mail.service.ts';
import { QUOTE_WRITE } from '../services/quotes.service.ts';

const emailBody: JsonSchema = {
  type: 'object',
  required: ['to'],
  additionalProperties: false,
  properties: {
    // The platform's mail service checks the address itself (one plain address, 400 naming `to`).
    to: { type: 'string', minLength: 3, maxLength: 320 },
    subject: { type: ['string', 'null'], maxLength: 200 },
    message: { type: ['string', 'null'], maxLength: 5000 },
  },
};

/** "Send by email": the PDF (a new version) through the platform's mail service, on the timeline. */
export function mailRoutes(r: RestRouter<typeof permissions>): void {
  r.post<{ id: string }, EmailInput>(
    '/quotes/:id/email',
    {
      permission: QUOTE_WRITE,
      body: emailBody,
      summary: 'Email the quote’s PDF to the customer (a draft is sent first)',
    },
    async ({ params, body, ctx }) => ({ status: 202, body: await emailQuote(ctx, params.id, body) }),
  );
  r.post<{ id: string }, EmailInput>(
    '/invoices/:id/email',
    { permission: INVOICE_WRITE, body: emailBody, summary: 'Email a posted invoice’s PDF to the customer' },
    async ({ params, body, ctx }) => ({ status: 202, body: await emailInvoice(ctx, params.id, body) }),
  );
}
