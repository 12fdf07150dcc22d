import { isCurrency, type Money, type RequestContext, round, type SystemContext } from '@elevate/sdk';
import { today } from './clock.ts';
import { INVOICE_READ } from './invoices.service.ts';
import { QUOTE_READ } from './quotes.service.ts';

// Dashboard figures, each one grouped statement over every row the caller may see.

const stored = (amount: string, currency: string): Money =>
  isCurrency(currency) ? round(amount, currency) : { amount, currency };

async function owners(ctx: SystemContext, permission: string): Promise<string[] | null> {
  const rc = ctx as Partial<RequestContext>;
  const ids = typeof rc.ownerIds === 'function' ? await rc.ownerIds(permission) : null;
  return ids ? [...ids] : null;
}

export interface CountByCurrency {
  count: number;
  byCurrency: (Money & { count: number })[];
}

/**
 * Posted invoices with a due part dated before today that the payments have not covered (the
 * definition of `overdue`, computed now rather than read from the daily job's flag), and per
 * currency the amount past due: those parts' open amounts (the aged report's past-due buckets).
 */
export async function overdueInvoices(ctx: SystemContext): Promise<CountByCurrency & { asOf: string }> {
  const asOf = today();
  const rows = await ctx.db.query<{ currency: string; n: number; amount: string }>(
    `with parts as (
       select i.id, i.currency, s.due_date, s.amount, i.amount_paid,
              sum(s.amount) over (partition by i.id order by s.sequence) as upto
         from sales_invoice i
         join sales_installment s on s.tenant_id = i.tenant_id and s.invoice_id = i.id
        where i.tenant_id = $1 and i.kind = 'invoice' and i.state = 'posted' and i.amount_residual > 0
          and ($3::uuid[] is null or i.owner_id = any($3::uuid[]))
     ), late as (
       select id, currency, greatest(0, least(amount, upto - amount_paid)) as open
         from parts where due_date < $2::date
     )
     select currency, count(distinct id)::int as n, sum(open)::text as amount
       from late where open > 0 group by currency order by currency`,
    [ctx.tenant.id, asOf, await owners(ctx, INVOICE_READ)],
  );
  return {
    asOf,
    count: rows.reduce((t, r) => t + r.n, 0),
    byCurrency: rows.map((r) => ({ ...stored(r.amount, r.currency), count: r.n })),
  };
}

/** Sent quotes still valid today (the customer has not answered): count and totals per currency. */
export async function quotesAwaiting(ctx: SystemContext): Promise<CountByCurrency & { asOf: string }> {
  const asOf = today();
  const rows = await ctx.db.query<{ currency: string; n: number; amount: string }>(
    `select currency, count(*)::int as n, sum(amount_total)::text as amount
       from sales_quote
      where tenant_id = $1 and state = 'sent' and (valid_until is null or valid_until >= $2::date)
        and ($3::uuid[] is null or owner_id = any($3::uuid[]))
      group by currency order by currency`,
    [ctx.tenant.id, asOf, await owners(ctx, QUOTE_READ)],
  );
  return {
    asOf,
    count: rows.reduce((t, r) => t + r.n, 0),
    byCurrency: rows.map((r) => ({ ...stored(r.amount, r.currency), count: r.n })),
  };
}
