import { createHash, randomBytes } from 'node:crypto';
import { OpportunityOutcome } from '@elevate/crm';
import type { SystemContext } from '@elevate/sdk';
import { salesErrors } from '../errors.ts';
import { QuoteAccepted } from '../events.ts';
import { ShareLink } from '../models/misc.model.ts';
import { Quote, type QuoteRow } from '../models/quote.model.ts';
import type { SalesSettings } from '../settings.ts';
import { today } from './clock.ts';
import { orderFromQuote } from './orders.service.ts';
import { QUOTE_WRITE, quoteEvent, quoteOf, quoteView, transitionQuote } from './quotes.service.ts';

// A share link's token is 32 random bytes (base64url) after the tenant's id: the server finds the
// tenant from the token itself, then the link by the token's SHA-256 under that tenant's
// row-level security. Only the hash is stored; a token naming another tenant finds nothing there.

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export function tenantOfToken(token: string): string | null {
  const m = /^([0-9a-f]{32})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const h = m[1] as string;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export async function createShareLink(ctx: SystemContext, quoteId: string) {
  const q = await quoteOf(ctx, quoteId, QUOTE_WRITE);
  if (q.state !== 'sent') throw salesErrors.quoteState(q.state, 'shared (send it first)');
  const { shareLinkDays } = await ctx.settings<SalesSettings>('sales');
  const token = `${ctx.tenant.id.replaceAll('-', '')}.${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + shareLinkDays * 86_400_000).toISOString();
  const link = await ctx.db.repo(ShareLink).insert({ quote: q.id, tokenHash: hash(token), expiresAt });
  return { id: link.id, token, path: `/q/${token}`, expiresAt: link.expiresAt };
}

export async function revokeShareLink(ctx: SystemContext, quoteId: string, linkId: string): Promise<void> {
  await quoteOf(ctx, quoteId, QUOTE_WRITE);
  const link = await ctx.db.repo(ShareLink).get(linkId);
  if (!link || link.quote !== quoteId) throw salesErrors.notFound('share link', 'linkId');
  await ctx.db.repo(ShareLink).update(link.id, { revokedAt: new Date().toISOString() });
}

/** The quote a live token opens, or 404 (unknown, revoked and expired links all look alike). */
async function quoteOfToken(ctx: SystemContext, token: string): Promise<QuoteRow> {
  const link = (await ctx.db.repo(ShareLink).find({ where: { tokenHash: hash(token) } }))[0];
  if (!link || link.revokedAt || Date.parse(link.expiresAt) <= Date.now()) throw salesErrors.link();
  const q = await ctx.db.repo(Quote).get(link.quote);
  if (!q) throw salesErrors.link();
  return q;
}

/** What the customer sees: the document, nothing of the company's internals (owner, opportunity, ids of others). */
export async function publicQuote(ctx: SystemContext, token: string) {
  const q = await quoteOfToken(ctx, token);
  const v = await quoteView(ctx, q);
  return {
    company: ctx.tenant.name,
    number: v.number,
    revision: v.revision,
    state: v.state,
    currency: v.currency,
    validUntil: v.validUntil,
    note: v.note,
    amountUntaxed: v.amountUntaxed,
    amountTax: v.amountTax,
    amountTotal: v.amountTotal,
    acceptedAt: v.acceptedAt,
    acceptedName: v.acceptedName,
    lines: v.lines.map((l) => ({
      kind: l.kind,
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      discountPercent: l.discountPercent,
      discountAmount: l.discountAmount,
      amountUntaxed: l.amountUntaxed,
      amountTax: l.amountTax,
      amountTotal: l.amountTotal,
    })),
    taxSummary: v.taxSummary.map(({ taxId: _id, ...t }) => t),
  };
}

export interface Acceptance {
  name: string;
  /** A PNG data URL (drawn) or the typed signature text. */
  signature: string;
  ip: string | null;
}

const PNG = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

/** Accepts a sent quote (by its link, or for the customer by the rep): the quote becomes an order. */
export async function acceptQuote(ctx: SystemContext, q: QuoteRow, a: Acceptance) {
  const name = a.name.trim();
  if (!name) throw salesErrors.invalid('name', 'is required');
  if (a.signature.startsWith('data:') && !PNG.test(a.signature)) {
    throw salesErrors.invalid('signature', 'must be a PNG data URL or typed text');
  }
  if (q.validUntil && q.validUntil < today()) {
    throw salesErrors.quoteState('expired', 'accepted');
  }
  const accepted = await transitionQuote(ctx, q, ['sent'], 'accepted', {
    accepted_at: new Date().toISOString(),
    accepted_name: name,
    accepted_signature: a.signature,
    accepted_ip: a.ip,
  });
  const order = await orderFromQuote(ctx, accepted);
  await ctx.events.publish(QuoteAccepted, accepted.id, quoteEvent(accepted));
  // A won quote wins its opportunity (crm's service acts for the tenant: the customer has no login).
  if (accepted.opportunity) await (await ctx.services.get(OpportunityOutcome)).markWon(accepted.opportunity);
  return { quote: accepted, order };
}

export async function acceptByToken(ctx: SystemContext, token: string, a: Acceptance) {
  const { order } = await acceptQuote(ctx, await quoteOfToken(ctx, token), a);
  return { accepted: true, orderNumber: order.number };
}
