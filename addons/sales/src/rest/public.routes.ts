import { Contact } from '@elevate/crm';
import type { PublicContext, RestRouter } from '@elevate/sdk';
import { salesErrors } from '../errors.ts';
import { Quote } from '../models/quote.model.ts';
import type { permissions } from '../permissions.ts';
import { acceptByToken, publicQuote, tenantOfToken } from '../services/share.service.ts';
import { checkSignature, liveLink, SIGNATURE_MAX } from './public-quote.ts';

// The customer's side of a share link (`/q/<token>` in the web app): no sign-in, the token is the
// proof. The platform resolves `:tenant` and counts every call against the caller's address
// (THROTTLE_PUBLIC_IP); a token of another company finds nothing here (404).

type TokenParams = { tenant: string; token: string };

const tokenParam = (params: TokenParams) => {
  // A token names its company; with another company in the path it is unknown here.
  if (tenantOfToken(params.token) !== params.tenant) throw salesErrors.link();
  return params.token;
};

const amount = { type: 'string' } as const;
const publicQuoteSchema = {
  type: 'object',
  properties: {
    company: { type: 'string' },
    customer: { type: ['object', 'null'] },
    number: { type: 'string' },
    revision: { type: 'integer' },
    state: { type: 'string' },
    expired: { type: 'boolean' },
    currency: { type: 'string' },
    validUntil: { type: ['string', 'null'], format: 'date' },
    amountUntaxed: amount,
    amountTax: amount,
    amountTotal: amount,
    acceptedAt: { type: ['string', 'null'] },
    acceptedName: { type: ['string', 'null'] },
    lines: { type: 'array', items: { type: 'object' } },
    taxSummary: { type: 'array', items: { type: 'object' } },
  },
};
const problem = { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } };

export const publicAcceptBody = {
  type: 'object',
  required: ['name', 'signature'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    signature: { type: 'string', minLength: 1, maxLength: SIGNATURE_MAX },
  },
  additionalProperties: false,
};

/** The quote as the customer sees it: the document, none of the company's internals. */
async function customerView(ctx: PublicContext, token: string, quoteId: string) {
  // The quote's own note is the company's internal note: the customer reads note lines instead.
  const { note: _internal, ...view } = await publicQuote(ctx, token);
  const q = await ctx.db.repo(Quote).get(quoteId);
  const contacts = ctx.db.repo(Contact);
  const person = q?.contact ? await contacts.get(q.contact) : null;
  const company = q?.company ? await contacts.get(q.company) : null;
  const today = new Date().toISOString().slice(0, 10);
  return {
    ...view,
    customer: person || company ? { name: person?.name ?? null, company: company?.name ?? null } : null,
    expired: view.state === 'expired' || (view.state === 'sent' && !!view.validUntil && view.validUntil < today),
  };
}

export function publicQuoteRoutes(r: RestRouter<typeof permissions>): void {
  r.public.get<TokenParams>(
    '/public/:tenant/quotes/:token',
    {
      summary: 'A shared quote, as its customer sees it (no sign-in: the link’s token)',
      responses: { 200: publicQuoteSchema, 404: problem, 410: problem },
    },
    async ({ params, ctx }) => {
      const token = tokenParam(params);
      const { quoteId } = await liveLink(ctx, token);
      return customerView(ctx, token, quoteId);
    },
  );
  r.public.post<TokenParams, { name: string; signature: string }>(
    '/public/:tenant/quotes/:token/accept',
    {
      body: publicAcceptBody,
      summary: 'The customer accepts a shared quote with a typed name and a signature (drawn PNG or typed)',
      responses: {
        201: { type: 'object', properties: { accepted: { type: 'boolean' }, orderNumber: { type: 'string' } } },
        400: problem,
        404: problem,
        409: problem,
        410: problem,
      },
    },
    async ({ params, body, ip, ctx }) => {
      const token = tokenParam(params);
      await liveLink(ctx, token);
      const signature = checkSignature(body.signature);
      return { status: 201, body: await acceptByToken(ctx, token, { name: body.name, signature, ip }) };
    },
  );
}
