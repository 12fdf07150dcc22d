import { Contact } from '@elevate/crm';
import { money, type RequestContext, type SystemContext, sumByCurrency } from '@elevate/sdk';
import { INVOICE_READ } from './invoices.service.ts';

export const BUCKETS = ['notDue', '0-30', '31-60', '61-90', '90+'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface AgedRow {
  customerId: string;
  customerName: string | null;
  currency: string;
  buckets: Record<Bucket, string>;
  total: string;
}

/**
 * What customers still owe on posted invoices as of `asOf`, per customer (the company when the
 * invoice names one, else the contact) and currency (never added across currencies), in buckets
 * by days past each due part's date: not due yet, 0–30, 31–60, 61–90, over 90. Payments cover the
 * due parts in order (a window sum), so a part is open for what the payments have not reached.
 * One statement; the caller's record rules apply (a sales rep sees own invoices).
 */
export async function agedReceivables(ctx: SystemContext, asOf: string) {
  const rc = ctx as Partial<RequestContext>;
  const owners = typeof rc.ownerIds === 'function' ? await rc.ownerIds(INVOICE_READ) : null;
  const rows = await ctx.db.query<{ customer: string; currency: string; bucket: Bucket; open: string }>(
    `with parts as (
       select coalesce(i.company_id, i.contact_id) as customer, i.currency, s.due_date, s.amount, i.amount_paid,
              sum(s.amount) over (partition by i.id order by s.sequence) as upto
         from sales_invoice i
         join sales_installment s on s.tenant_id = i.tenant_id and s.invoice_id = i.id
        where i.tenant_id = $1 and i.kind = 'invoice' and i.state = 'posted' and i.amount_residual > 0
          and ($3::uuid[] is null or i.owner_id = any($3::uuid[]))
     ), open as (
       select customer, currency, greatest(0, least(amount, upto - amount_paid)) as open,
              case when due_date >= $2::date then 'notDue'
                   when $2::date - due_date <= 30 then '0-30'
                   when $2::date - due_date <= 60 then '31-60'
                   when $2::date - due_date <= 90 then '61-90'
                   else '90+' end as bucket
         from parts
     )
     select customer, currency, bucket, sum(open)::text as open from open
      where open > 0 group by customer, currency, bucket`,
    [ctx.tenant.id, asOf, owners ? [...owners] : null],
  );
  const byKey = new Map<string, AgedRow>();
  for (const r of rows) {
    const key = `${r.customer}|${r.currency}`;
    const zero = money('0', r.currency).amount;
    const row = byKey.get(key) ?? {
      customerId: r.customer,
      customerName: null,
      currency: r.currency,
      buckets: Object.fromEntries(BUCKETS.map((b) => [b, zero])) as Record<Bucket, string>,
      total: zero,
    };
    row.buckets[r.bucket] = money(r.open, r.currency).amount;
    row.total = sumByCurrency([money(row.total, r.currency), money(r.open, r.currency)])[0]?.amount ?? zero;
    byKey.set(key, row);
  }
  const customers = [...new Set(rows.map((r) => r.customer))];
  const names = new Map((await ctx.db.repo(Contact).getMany(customers)).flatMap((c) => (c ? [[c.id, c.name]] : [])));
  const data = [...byKey.values()]
    .map((r) => ({ ...r, customerName: names.get(r.customerId) ?? null }))
    .sort((a, b) => (a.customerName ?? '').localeCompare(b.customerName ?? '') || a.currency.localeCompare(b.currency));
  // Totals per currency and bucket, for the report's footer.
  const totals = [...new Set(data.map((r) => r.currency))].sort().map((currency) => {
    const mine = data.filter((r) => r.currency === currency);
    const add = (pick: (r: AgedRow) => string) =>
      sumByCurrency(mine.map((r) => money(pick(r), currency)))[0]?.amount ?? money('0', currency).amount;
    return {
      currency,
      buckets: Object.fromEntries(BUCKETS.map((b) => [b, add((r) => r.buckets[b])])) as Record<Bucket, string>,
      total: add((r) => r.total),
    };
  });
  return { asOf, buckets: BUCKETS, data, totals };
}
