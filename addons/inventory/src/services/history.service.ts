import { type SystemContext, ValidationError } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { Location } from '../models/location.model.ts';
import { format, parse } from './decimal.ts';

// Stock as it was: everything is derived from the done moves (quants are only the present), so
// the on hand at any past moment is Σ moves in − Σ moves out with done_at up to that moment.

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A moment given as an ISO date-time (`2026-12-01T12:00:00Z`, inclusive to the millisecond) or a
 * date (`2026-12-01`: the end of that day, UTC). Returns the exclusive upper bound as ISO text.
 */
export function parseAt(value: string | null | undefined, path = 'at'): string | null {
  if (value === undefined || value === null || value === '') return null;
  const bad = () =>
    new ValidationError(`Invalid ${path}`, [
      { path, message: 'must be an ISO 8601 date (2026-12-01) or date-time (2026-12-01T12:00:00Z)' },
    ]);
  if (!DATE.test(value) && !DATE_TIME.test(value)) throw bad();
  const t = Date.parse(DATE.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(t)) throw bad();
  const d = new Date(t);
  // A date that does not exist (2026-02-30) parses to another day: refuse it.
  if (DATE.test(value) && d.toISOString().slice(0, 10) !== value) throw bad();
  return new Date(DATE.test(value) ? t + 86_400_000 : t + 1).toISOString();
}

export interface StockAtScope {
  /** Exclusive bound from parseAt (null: now). */
  before: string | null;
  productId?: string;
  locationId?: string;
  warehouseId?: string;
}

export interface LocationStockAt {
  productId: string;
  sku: string;
  locationId: string;
  location: string;
  warehouseId: string | null;
  onHand: string;
}

export interface WarehouseStockAt {
  productId: string;
  sku: string;
  warehouseId: string | null;
  warehouse: string | null;
  onHand: string;
}

/** Where a location filter is: the location and its sub-locations (`like 'WH/Stock/%'`). */
async function locationFilter(ctx: SystemContext, id: string | undefined) {
  if (!id) return null;
  const root = await ctx.db.repo(Location).get(id);
  if (!root) throw inventoryErrors.notFound('location', 'locationId');
  return { id: root.id, like: `${root.fullName.replace(/[\\%_]/g, (c) => `\\${c}`)}/%` };
}

/** On hand per product per internal location (what `/stock` counts) from done moves before `before`. */
export async function movedQuantities(
  ctx: SystemContext,
  scope: StockAtScope,
): Promise<(LocationStockAt & { warehouse: string | null })[]> {
  const loc = await locationFilter(ctx, scope.locationId);
  const rows = await ctx.db.query<{
    product_id: string;
    sku: string;
    location_id: string;
    full_name: string;
    warehouse_id: string | null;
    code: string | null;
    q: string;
  }>(
    `with flows as (
       select m.product_id, m.to_id as location_id, m.quantity from inventory_move m
        where m.tenant_id = $1 and m.state = 'done' and ($2::timestamptz is null or m.done_at < $2::timestamptz)
          and ($3::uuid is null or m.product_id = $3::uuid)
       union all
       select m.product_id, m.from_id, -m.quantity from inventory_move m
        where m.tenant_id = $1 and m.state = 'done' and ($2::timestamptz is null or m.done_at < $2::timestamptz)
          and ($3::uuid is null or m.product_id = $3::uuid)
     )
     select f.product_id, p.sku, f.location_id, l.full_name, l.warehouse_id, w.code, sum(f.quantity)::text as q
       from flows f
       join inventory_location l on l.tenant_id = $1 and l.id = f.location_id
       join inventory_product p on p.tenant_id = $1 and p.id = f.product_id
       left join inventory_warehouse w on w.tenant_id = $1 and w.id = l.warehouse_id
      where l.usage = 'internal'
        and ($4::uuid is null or l.warehouse_id = $4::uuid)
        and ($5::uuid is null or l.id = $5::uuid or l.full_name like $6)
      group by f.product_id, p.sku, f.location_id, l.full_name, l.warehouse_id, w.code
     having sum(f.quantity) <> 0
      order by p.sku, l.full_name`,
    [
      ctx.tenant.id,
      scope.before,
      scope.productId ?? null,
      scope.warehouseId ?? null,
      loc?.id ?? null,
      loc?.like ?? null,
    ],
  );
  return rows.map((r) => ({
    productId: r.product_id,
    sku: r.sku,
    locationId: r.location_id,
    location: r.full_name,
    warehouseId: r.warehouse_id,
    warehouse: r.code,
    onHand: format(parse(r.q)),
  }));
}

/** On hand per product per location and per warehouse at a past moment (or now), from the moves. */
export async function stockAt(ctx: SystemContext, scope: StockAtScope) {
  const rows = await movedQuantities(ctx, scope);
  const wh = new Map<string, WarehouseStockAt & { q: bigint }>();
  for (const r of rows) {
    const key = `${r.productId}|${r.warehouseId}`;
    const w = wh.get(key) ?? {
      productId: r.productId,
      sku: r.sku,
      warehouseId: r.warehouseId,
      warehouse: r.warehouse,
      onHand: '',
      q: 0n,
    };
    w.q += parse(r.onHand);
    wh.set(key, w);
  }
  return {
    at: scope.before ? new Date(Date.parse(scope.before) - 1).toISOString() : new Date().toISOString(),
    locations: rows.map(({ warehouse: _w, ...r }) => r),
    warehouses: [...wh.values()].map(({ q, ...w }) => ({ ...w, onHand: format(q) })),
  };
}
