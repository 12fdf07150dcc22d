import { isCurrency, type Money, minorUnits, type RequestContext, round, ValidationError } from '@elevate/sdk';
import { OPP_READ } from './opportunity-stage.service.ts';

/**
 * A sum read from the database as Money: rounded to the currency's own minor units (a no-op for
 * amounts stored within them). A code that is no ISO currency keeps the database's digits.
 */
export function storedMoney(amount: string, currency: string): Money {
  return isCurrency(currency) ? round(amount, currency) : { amount, currency };
}

export function isTimeZone(tz: string): boolean {
  if (tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface WonSummary {
  /** When "this month" started in the time zone asked for (ISO instant). */
  since: string;
  timeZone: string;
  /** Won deals closed since then (with or without a value). */
  count: number;
  /** Their values per currency, never added across currencies. */
  byCurrency: Money[];
  /** The sum in the company currency at today's rates; null when a currency has no rate. */
  total: Money | null;
  companyCurrency: string;
  /** Currencies without a rate to the company currency (then `total` is null). */
  missingRates: string[];
}

/**
 * "Won this month": every won deal the caller may see that closed since the first of the month
 * in `timeZone`, summed per currency in SQL (exact numeric, over all matching rows), then
 * converted into the company currency where the tenant has rates.
 */
export async function wonThisMonth(ctx: RequestContext, timeZone = 'UTC'): Promise<WonSummary> {
  if (!isTimeZone(timeZone)) {
    throw new ValidationError('Invalid time zone', [
      { path: 'timeZone', message: 'must be an IANA time zone like "Europe/Berlin"' },
    ]);
  }
  const owners = await ctx.ownerIds(OPP_READ);
  const params: unknown[] = [ctx.tenant.id, timeZone];
  let where = "t.tenant_id = $1 and t.status = 'won' and t.closed_at >= m.since";
  if (owners) {
    params.push(owners);
    where += ` and t.owner_id = any($${params.length}::uuid[])`;
  }
  // Raw SQL: one grouped statement (ctx.em cannot group); record rule: `owners` above.
  const rows = await ctx.db.query<{ since: string; currency: string | null; n: number; amount: string | null }>(
    `with m as (select date_trunc('month', now() at time zone $2) at time zone $2 as since)
     select to_char(m.since at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as since, g.currency, coalesce(g.n, 0) as n, g.amount from m
       left join lateral (
         select t.currency, count(*)::int as n, sum(t.value)::text as amount
           from crm_opportunity t where ${where} group by t.currency
       ) g on true
      order by g.currency`,
    params,
  );
  const since = rows[0]?.since ?? new Date().toISOString();
  const found = rows.filter((r) => r.currency !== null);
  const byCurrency = found
    .filter((r) => r.amount !== null)
    .map((r) => storedMoney(r.amount as string, r.currency as string));
  const totals = await ctx.money.totals(byCurrency.filter((m) => isCurrency(m.currency)));
  const unknown = byCurrency.filter((m) => !isCurrency(m.currency)).map((m) => m.currency);
  return {
    since,
    timeZone,
    count: found.reduce((n, r) => n + r.n, 0),
    byCurrency,
    total: unknown.length ? null : totals.total,
    companyCurrency: await ctx.money.companyCurrency(),
    missingRates: [...totals.missingRates, ...unknown],
  };
}

/**
 * An amount as a currency allows it: the code must be ISO 4217 and the value may have no more
 * decimals than the currency's minor units ("10.50" JPY is refused, not rounded). Fields named.
 */
export function checkAmount(value: string | null | undefined, currency: string | null | undefined): void {
  if (currency == null) return;
  if (!isCurrency(currency)) {
    throw new ValidationError('Invalid currency', [
      { path: 'currency', message: 'must be an ISO 4217 currency code like "EUR"' },
    ]);
  }
  const digits = minorUnits(currency);
  const decimals = value?.split('.')[1]?.replace(/0+$/, '').length ?? 0;
  if (decimals > digits) {
    throw new ValidationError('Invalid amount', [
      {
        path: 'value',
        message: `${currency} has ${digits === 0 ? 'no' : digits} decimal${digits === 1 ? '' : 's'}: ${value} cannot be stored exactly`,
      },
    ]);
  }
}
