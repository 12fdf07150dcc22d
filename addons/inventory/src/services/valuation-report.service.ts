import { addExact, multiplyExact, round, type SystemContext } from '@elevate/sdk';
import { convert, format, parse } from './decimal.ts';
import { movedQuantities } from './history.service.ts';

// The stock valuation report, now or at a past moment, per product and per warehouse.
// A product's value is the sum of its layers' remaining value: now from the layers themselves, at
// a past moment from their history (inventory.layer_entry up to it), which adds up to the same
// figures. Layers are company-wide (a transfer between warehouses changes no value), so a
// warehouse's share of a product's value is by quantity, as Odoo values quants: the product's
// value × what the warehouse holds ÷ what all stocked locations hold, the last warehouse taking
// the rounding, so the warehouses of a product always add up to its value exactly.
// Values are in each product's currency and never added across currencies: the report's totals
// and each warehouse's value are per currency, and `total` is the sum only when there is one.

export interface ValuationScope {
  /** Exclusive bound from parseAt (null: now). */
  before: string | null;
  productId?: string;
  warehouseId?: string;
}

export interface ProductValuation {
  productId: string;
  sku: string;
  name: string;
  currency: string;
  quantity: string;
  value: string;
}

export interface WarehouseValuation {
  warehouseId: string | null;
  code: string | null;
  name: string | null;
  currency: string;
  value: string;
}

export interface CurrencyTotal {
  currency: string;
  value: string;
  /** Products valued in it. */
  products: number;
}

export interface ValuationLine {
  productId: string;
  sku: string;
  currency: string;
  warehouseId: string | null;
  code: string | null;
  quantity: string;
  value: string;
}

interface Held {
  productId: string;
  warehouseId: string | null;
  code: string | null;
  q: bigint;
}

async function productValues(ctx: SystemContext, scope: ValuationScope) {
  const source = scope.before
    ? `select e.product_id, sum(e.quantity) as q, sum(e.value) as v from inventory_layer_entry e
        where e.tenant_id = $1 and e.at < $3::timestamptz group by e.product_id`
    : `select l.product_id, sum(l.remaining) as q, sum(l.remaining_value) as v from inventory_cost_layer l
        where l.tenant_id = $1 group by l.product_id`;
  return ctx.db.query<{ product_id: string; sku: string; name: string; currency: string; q: string; v: string }>(
    `select s.product_id, p.sku, p.name, p.currency, s.q::text, s.v::text
       from (${source}) s
       join inventory_product p on p.tenant_id = $1 and p.id = s.product_id
      where ($2::uuid is null or s.product_id = $2::uuid)
      order by p.sku`,
    scope.before ? [ctx.tenant.id, scope.productId ?? null, scope.before] : [ctx.tenant.id, scope.productId ?? null],
  );
}

/** What each warehouse holds of each product (internal and transit locations), now or then. */
async function held(ctx: SystemContext, scope: ValuationScope): Promise<Held[]> {
  if (scope.before) {
    const rows = await movedQuantities(ctx, { before: scope.before, productId: scope.productId }, true);
    return rows.map((r) => ({
      productId: r.productId,
      warehouseId: r.warehouseId,
      code: r.warehouse,
      q: parse(r.onHand),
    }));
  }
  const rows = await ctx.db.query<{ product_id: string; warehouse_id: string | null; code: string | null; q: string }>(
    `select q.product_id, l.warehouse_id, w.code, sum(q.quantity)::text as q
       from inventory_quant q
       join inventory_location l on l.tenant_id = q.tenant_id and l.id = q.location_id
       left join inventory_warehouse w on w.tenant_id = l.tenant_id and w.id = l.warehouse_id
      where q.tenant_id = $1 and l.usage in ('internal', 'transit') and ($2::uuid is null or q.product_id = $2::uuid)
      group by q.product_id, l.warehouse_id, w.code`,
    [ctx.tenant.id, scope.productId ?? null],
  );
  return rows.map((r) => ({ productId: r.product_id, warehouseId: r.warehouse_id, code: r.code, q: parse(r.q) }));
}

/** Splits `value` over the holdings by quantity; the last takes the rounding. Nothing held: one unplaced row. */
export function split(value: bigint, holdings: Held[]): { h: Held; value: bigint }[] {
  const positive = holdings
    .filter((h) => h.q > 0n)
    .sort((a, b) => (a.code ?? '\uffff').localeCompare(b.code ?? '\uffff'));
  const total = positive.reduce((s, h) => s + h.q, 0n);
  if (total === 0n) return [];
  let given = 0n;
  return positive.map((h, i) => {
    const v = i === positive.length - 1 ? value - given : parse(convert(format(h.q), format(value), format(total)));
    given += v;
    return { h, value: v };
  });
}

/** The valuation per product, per warehouse and per (product, warehouse), now or at a past moment. */
export async function valuationReport(ctx: SystemContext, scope: ValuationScope) {
  const values = await productValues(ctx, scope);
  const holdings = await held(ctx, scope);
  const byProduct = new Map<string, Held[]>();
  for (const h of holdings) byProduct.set(h.productId, [...(byProduct.get(h.productId) ?? []), h]);
  const names = new Map<string, string>();
  if (holdings.some((h) => h.warehouseId)) {
    const ws = await ctx.db.query<{ id: string; name: string }>(
      `select id, name from inventory_warehouse where tenant_id = $1`,
      [ctx.tenant.id],
    );
    for (const w of ws) names.set(w.id, w.name);
  }
  let lines: ValuationLine[] = [];
  let data: ProductValuation[] = [];
  for (const r of values) {
    const value = parse(r.v);
    const parts = split(value, byProduct.get(r.product_id) ?? []);
    // Value with no stock to carry it (negative stock elsewhere, goods not placed): shown unplaced.
    const placed = parts.length
      ? parts
      : value !== 0n
        ? [{ h: { productId: r.product_id, warehouseId: null, code: null, q: 0n }, value }]
        : [];
    for (const p of placed) {
      lines.push({
        productId: r.product_id,
        sku: r.sku,
        currency: r.currency,
        warehouseId: p.h.warehouseId,
        code: p.h.code,
        quantity: format(p.h.q),
        value: format(p.value),
      });
    }
    data.push({
      productId: r.product_id,
      sku: r.sku,
      name: r.name,
      currency: r.currency,
      quantity: format(parse(r.q)),
      value: format(value),
    });
  }
  if (scope.warehouseId) {
    lines = lines.filter((l) => l.warehouseId === scope.warehouseId);
    const names = new Map(data.map((d) => [d.productId, d.name]));
    data = lines.map((l) => ({
      productId: l.productId,
      sku: l.sku,
      name: names.get(l.productId) ?? '',
      currency: l.currency,
      quantity: l.quantity,
      value: l.value,
    }));
  }
  const wh = new Map<string, WarehouseValuation & { v: bigint }>();
  for (const l of lines) {
    const key = `${l.warehouseId ?? ''}/${l.currency}`;
    const w = wh.get(key) ?? {
      warehouseId: l.warehouseId,
      code: l.code,
      name: l.warehouseId ? (names.get(l.warehouseId) ?? null) : null,
      currency: l.currency,
      value: '',
      v: 0n,
    };
    w.v += parse(l.value);
    wh.set(key, w);
  }
  const warehouses = [...wh.values()]
    .sort((a, b) => (a.code ?? '\uffff').localeCompare(b.code ?? '\uffff') || a.currency.localeCompare(b.currency))
    .map(({ v, ...w }) => ({ ...w, value: format(v) }));
  const totals = totalsOf(data);
  const at = scope.before ? new Date(Date.parse(scope.before) - 1).toISOString() : null;
  return {
    at,
    data,
    /** The sum when every product is valued in one currency (or there is none); null otherwise. */
    total: totals.length > 1 ? null : (totals[0]?.value ?? format(0n)),
    totals,
    converted: await convertedTotal(ctx, totals, (at ?? new Date().toISOString()).slice(0, 10)),
    warehouses,
    lines,
  };
}

/** The report's total in the company currency: each currency's value at its rate on `date`. */
export interface ConvertedValuation {
  /** The company currency. */
  currency: string;
  /** The day whose rates were used (YYYY-MM-DD, UTC: the report's `at`, else today). */
  date: string;
  /** Σ value × rate, rounded once to the company currency's minor units; null when a rate is missing. */
  total: string | null;
  /** The rates used, one per currency other than the company's. */
  rates: { currency: string; rate: string; validOn: string }[];
  /** Currencies with no rate to the company currency on or before `date`. */
  missingRates: string[];
}

async function convertedTotal(ctx: SystemContext, totals: CurrencyTotal[], date: string): Promise<ConvertedValuation> {
  const currency = await ctx.money.companyCurrency();
  const rates: ConvertedValuation['rates'] = [];
  const missingRates: string[] = [];
  let exact = '0';
  for (const t of totals) {
    let rate = '1';
    if (t.currency !== currency) {
      try {
        const r = await ctx.money.rate(t.currency, currency, date);
        rates.push({ currency: t.currency, rate: r.rate, validOn: r.validOn });
        rate = r.rate;
      } catch (err) {
        if ((err as { code?: string }).code !== 'NO_EXCHANGE_RATE') throw err;
        missingRates.push(t.currency);
        continue;
      }
    }
    // Summed exactly (values have 4 decimals, rates up to 12), rounded once at the end.
    exact = addExact(exact, multiplyExact(t.value, rate));
  }
  return {
    currency,
    date,
    total: missingRates.length ? null : round(exact, currency).amount,
    rates,
    missingRates,
  };
}

/** Value per currency (products with neither quantity nor value left out), by currency code. */
function totalsOf(data: ProductValuation[]): CurrencyTotal[] {
  const by = new Map<string, { v: bigint; n: number }>();
  for (const r of data) {
    if (parse(r.quantity) === 0n && parse(r.value) === 0n) continue;
    const t = by.get(r.currency) ?? { v: 0n, n: 0 };
    t.v += parse(r.value);
    t.n += 1;
    by.set(r.currency, t);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, t]) => ({ currency, value: format(t.v), products: t.n }));
}

/**
 * The stock value in one currency at the end of each of the last `days` days (UTC), today
 * included: one statement. `currency` defaults to the company currency when stock is valued in
 * it, else the first currency that has any history; `currencies` lists them all.
 */
export async function valuationSeries(ctx: SystemContext, days: number, currency?: string) {
  const used = await ctx.db.query<{ currency: string }>(
    `select distinct p.currency from inventory_product p
      where p.tenant_id = $1 and exists (select 1 from inventory_cost_layer l where l.tenant_id = $1 and l.product_id = p.id)
      order by 1`,
    [ctx.tenant.id],
  );
  const currencies = used.map((r) => r.currency);
  const company = await ctx.money.companyCurrency();
  const chosen = currency ?? (currencies.includes(company) ? company : (currencies[0] ?? company));
  const rows = await ctx.db.query<{ d: string; v: string }>(
    `with span as (select (now() at time zone 'UTC')::date as today, ((now() at time zone 'UTC')::date - ($2::int - 1)) as first),
          valued as (select e.at, e.value from inventory_layer_entry e
                       join inventory_product p on p.tenant_id = e.tenant_id and p.id = e.product_id
                      where e.tenant_id = $1 and p.currency = $3),
          opening as (select coalesce(sum(v.value), 0) as v from valued v, span
                       where v.at < span.first::timestamp at time zone 'UTC'),
          daily as (select (v.at at time zone 'UTC')::date as d, sum(v.value) as v from valued v, span
                     where v.at >= span.first::timestamp at time zone 'UTC' group by 1)
     select g.d::date::text as d, (opening.v + coalesce(sum(daily.v) over (order by g.d), 0))::text as v
       from span, opening, generate_series(span.first, span.today, interval '1 day') g(d)
       left join daily on daily.d = g.d::date
      order by g.d`,
    [ctx.tenant.id, days, chosen],
  );
  return { days, currency: chosen, currencies, data: rows.map((r) => ({ date: r.d, value: format(parse(r.v)) })) };
}
