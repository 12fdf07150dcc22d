import type { SystemContext } from '@elevate/sdk';
import { format, parse } from './decimal.ts';

// What the dashboard widgets show: products running low and the stock's value per currency.

export interface LowStock {
  productId: string;
  sku: string;
  name: string;
  /** On hand − reserved in internal locations + what open moves bring in from outside. */
  forecast: string;
  /** The rule's min when a rule is why it is listed; null when it is listed for being at or below zero. */
  min: string | null;
  warehouse: string | null;
  reason: 'below_min' | 'none_left';
}

/**
 * Products whose forecast in a warehouse is below their reorder rule's min, and stocked products
 * (ones with a quant: they were in stock once) whose company-wide forecast is at or below zero,
 * most short first. A product listed by a rule is not listed again for being at zero.
 */
export async function lowStock(ctx: SystemContext, limit: number): Promise<{ data: LowStock[]; total: number }> {
  const rows = await ctx.db.query<{
    product_id: string;
    sku: string;
    name: string;
    forecast: string;
    min: string | null;
    warehouse: string | null;
    reason: 'below_min' | 'none_left';
  }>(
    `with internal as (
       select id, warehouse_id from inventory_location where tenant_id = $1 and usage = 'internal'
     ), ruled as (
       select r.product_id, w.code as warehouse, r.min,
              coalesce((select sum(q.quantity - q.reserved) from inventory_quant q join internal l on l.id = q.location_id
                         where q.tenant_id = $1 and q.product_id = r.product_id and l.warehouse_id = r.warehouse_id), 0)
            + coalesce((select sum(m.quantity) from inventory_move m
                          join internal t on t.id = m.to_id
                          join inventory_location s on s.tenant_id = m.tenant_id and s.id = m.from_id
                         where m.tenant_id = $1 and m.product_id = r.product_id and m.state in ('draft', 'confirmed')
                           and t.warehouse_id = r.warehouse_id and s.warehouse_id is distinct from r.warehouse_id), 0) as forecast
         from inventory_reorder_rule r join inventory_warehouse w on w.tenant_id = r.tenant_id and w.id = r.warehouse_id
        where r.tenant_id = $1 and r.active
     ), stocked as (
       select q.product_id,
              sum(q.quantity - q.reserved) filter (where l.id is not null)
            + coalesce((select sum(m.quantity) from inventory_move m
                          join internal t on t.id = m.to_id
                          join inventory_location s on s.tenant_id = m.tenant_id and s.id = m.from_id
                         where m.tenant_id = $1 and m.product_id = q.product_id and m.state in ('draft', 'confirmed')
                           and s.usage not in ('internal', 'transit')), 0) as forecast
         from inventory_quant q left join internal l on l.id = q.location_id
        where q.tenant_id = $1 group by q.product_id
     ), listed as (
       select product_id, forecast, min, warehouse, 'below_min' as reason from ruled where forecast < min
       union all
       select s.product_id, coalesce(s.forecast, 0), null, null, 'none_left' from stocked s
        where coalesce(s.forecast, 0) <= 0 and not exists (select 1 from ruled r where r.product_id = s.product_id and r.forecast < r.min)
     )
     select x.product_id, p.sku, p.name, x.forecast::numeric(18, 4)::text as forecast, x.min::text, x.warehouse, x.reason,
            count(*) over ()::int as total
       from listed x join inventory_product p on p.tenant_id = $1 and p.id = x.product_id
      where p.active and p.type <> 'service'
      order by x.forecast - coalesce(x.min, 0), p.sku
      limit $2`,
    [ctx.tenant.id, limit],
  );
  return {
    data: rows.map((r) => ({
      productId: r.product_id,
      sku: r.sku,
      name: r.name,
      forecast: r.forecast,
      min: r.min === null ? null : format(parse(r.min)),
      warehouse: r.warehouse,
      reason: r.reason,
    })),
    total: (rows[0] as { total?: number } | undefined)?.total ?? 0,
  };
}

/**
 * The stock's value now (the valuation's remaining layers) per product currency, never added
 * across currencies; products with neither quantity nor value left are not counted. One grouped
 * statement over the tenant's layers (raw SQL: ctx.em cannot group).
 */
export async function stockValue(
  ctx: SystemContext,
): Promise<{ data: { currency: string; value: string; products: number }[] }> {
  const rows = await ctx.db.query<{ currency: string; value: string; products: number }>(
    `with per as (
       select l.product_id, sum(l.remaining) as q, sum(l.remaining_value) as v
         from inventory_cost_layer l where l.tenant_id = $1 group by l.product_id
     )
     select p.currency, sum(per.v)::text as value, count(*)::int as products
       from per join inventory_product p on p.tenant_id = $1 and p.id = per.product_id
      where per.q <> 0 or per.v <> 0
      group by p.currency order by p.currency`,
    [ctx.tenant.id],
  );
  return { data: rows.map((r) => ({ currency: r.currency, value: format(parse(r.value)), products: r.products })) };
}
