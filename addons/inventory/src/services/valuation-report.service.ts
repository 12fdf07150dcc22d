import { addExact, multiplyExact, round, type SystemContext } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { Warehouse } from '../models/warehouse.model.ts';
import { format, parse } from './decimal.ts';

// The stock valuation report, now or at a past moment, per product and per warehouse. Layers
// belong to a warehouse (null: no warehouse, the transit location), so a warehouse's value of a
// product is the sum of that warehouse's layers' remaining value: now from the layers themselves,
// at a past moment from their history (inventory.layer_entry up to it), which adds up to the same
// figures. A product's value is the sum over its warehouses.
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

interface LayerSum {
  product_id: string;
  sku: string;
  name: string;
  currency: string;
  warehouse_id: string | null;
  code: string | null;
  warehouse: string | null;
  q: string;
  v: string;
}

/** A warehouse filter that names no warehouse of this company is refused, naming `warehouseId`. */
export async function checkWarehouse(ctx: SystemContext, id: string | undefined): Promise<void> {
  if (id && !(await ctx.db.repo(Warehouse).get(id))) throw inventoryErrors.notFound('warehouse', 'warehouseId');
}

/** The remaining quantity and value of the layers per (product, warehouse), now or then. */
async function layerSums(ctx: SystemContext, scope: ValuationScope): Promise<LayerSum[]> {
  const source = scope.before
    ? `select e.product_id, l.warehouse_id, sum(e.quantity) as q, sum(e.value) as v
         from inventory_layer_entry e
         join inventory_cost_layer l on l.tenant_id = e.tenant_id and l.id = e.layer_id
        where e.tenant_id = $1 and e.at < $3::timestamptz group by e.product_id, l.warehouse_id`
    : `select l.product_id, l.warehouse_id, sum(l.remaining) as q, sum(l.remaining_value) as v from inventory_cost_layer l
        where l.tenant_id = $1 group by l.product_id, l.warehouse_id`;
  const rows = await ctx.db.query<LayerSum>(
    `select s.product_id, p.sku, p.name, p.currency, s.warehouse_id, w.code, w.name as warehouse, s.q::text, s.v::text
       from (${source}) s
       join inventory_product p on p.tenant_id = $1 and p.id = s.product_id
       left join inventory_warehouse w on w.tenant_id = $1 and w.id = s.warehouse_id
      where ($2::uuid is null or s.product_id = $2::uuid)
      order by p.sku`,
    scope.before ? [ctx.tenant.id, scope.productId ?? null, scope.before] : [ctx.tenant.id, scope.productId ?? null],
  );
  // Within a product, the warehouses in code order, no warehouse (transit) last.
  const rank = new Map<string, number>();
  for (const r of rows) if (!rank.has(r.product_id)) rank.set(r.product_id, rank.size);
  return rows.sort(
    (a, b) =>
      (rank.get(a.product_id) ?? 0) - (rank.get(b.product_id) ?? 0) ||
      (a.code ?? '\uffff').localeCompare(b.code ?? '\uffff'),
  );
}

/** The valuation per product, per warehouse and per (product, warehouse), now or at a past moment. */
export async function valuationReport(ctx: SystemContext, scope: ValuationScope) {
  await checkWarehouse(ctx, scope.warehouseId);
  const sums = await layerSums(ctx, scope);
  const names = new Map<string | null, string | null>();
  const byProduct = new Map<string, ProductValuation & { q: bigint; v: bigint }>();
  let lines: ValuationLine[] = [];
  for (const r of sums) {
    const q = parse(r.q);
    const v = parse(r.v);
    names.set(r.warehouse_id, r.warehouse);
    const p = byProduct.get(r.product_id) ?? {
      productId: r.product_id,
      sku: r.sku,
      name: r.name,
      currency: r.currency,
      quantity: '',
      value: '',
      q: 0n,
      v: 0n,
    };
    p.q += q;
    p.v += v;
    byProduct.set(r.product_id, p);
    if (q === 0n && v === 0n) continue;
    lines.push({
      productId: r.product_id,
      sku: r.sku,
      currency: r.currency,
      warehouseId: r.warehouse_id,
      code: r.code,
      quantity: format(q),
      value: format(v),
    });
  }
  let data: ProductValuation[] = [...byProduct.values()].map(({ q, v, ...p }) => ({
    ...p,
    quantity: format(q),
    value: format(v),
  }));
  if (scope.warehouseId) {
    lines = lines.filter((l) => l.warehouseId === scope.warehouseId);
    data = lines.map((l) => ({
      productId: l.productId,
      sku: l.sku,
      name: byProduct.get(l.productId)?.name ?? '',
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
      name: names.get(l.warehouseId) ?? null,
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
 * it, else the first currency that has any history; `currencies` lists them all. `warehouseId`
 * narrows it to that warehouse's layers.
 */
export async function valuationSeries(ctx: SystemContext, days: number, currency?: string, warehouseId?: string) {
  await checkWarehouse(ctx, warehouseId);
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
                       join inventory_cost_layer l on l.tenant_id = e.tenant_id and l.id = e.layer_id
                      where e.tenant_id = $1 and p.currency = $3 and ($4::uuid is null or l.warehouse_id = $4::uuid)),
          opening as (select coalesce(sum(v.value), 0) as v from valued v, span
                       where v.at < span.first::timestamp at time zone 'UTC'),
          daily as (select (v.at at time zone 'UTC')::date as d, sum(v.value) as v from valued v, span
                     where v.at >= span.first::timestamp at time zone 'UTC' group by 1)
     select g.d::date::text as d, (opening.v + coalesce(sum(daily.v) over (order by g.d), 0))::text as v
       from span, opening, generate_series(span.first, span.today, interval '1 day') g(d)
       left join daily on daily.d = g.d::date
      order by g.d`,
    [ctx.tenant.id, days, chosen, warehouseId ?? null],
  );
  return {
    days,
    currency: chosen,
    warehouseId: warehouseId ?? null,
    currencies,
    data: rows.map((r) => ({ date: r.d, value: format(parse(r.v)) })),
  };
}
