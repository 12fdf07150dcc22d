import type { SystemContext } from '@elevate/sdk';
import { QuoteExpired } from '../events.ts';
import { Quote, type QuoteRow } from '../models/quote.model.ts';
import { today } from './clock.ts';
import { quoteEvent } from './quotes.service.ts';

/**
 * Sent quotes whose validity date has passed (valid through `validUntil`, expired the day after)
 * become `expired`, each with a `sales.quote.expired` event. One conditional update: a quote
 * accepted at the same moment is either accepted or expired, never both; a second run changes
 * nothing. Their share links stop accepting (acceptance needs a sent quote).
 */
export async function expireQuotes(ctx: SystemContext): Promise<{ expired: number }> {
  const rows = await ctx.db.query<{ id: string }>(
    `update sales_quote set state = 'expired', updated_at = now()
      where tenant_id = $1 and state = 'sent' and valid_until < $2::date returning id`,
    [ctx.tenant.id, today()],
  );
  const quotes = (await ctx.db.repo(Quote).getMany(rows.map((r) => r.id))).filter((q): q is QuoteRow => !!q);
  for (const q of quotes) await ctx.events.publish(QuoteExpired, q.id, quoteEvent(q));
  return { expired: quotes.length };
}
