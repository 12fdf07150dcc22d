import type { SystemContext } from '@elevate/sdk';
import { Lot, type LotRow } from '../models/lot.model.ts';
import { Product, type ProductRow } from '../models/product.model.ts';
import { format, parse } from './decimal.ts';
import { type LocationStock, quantsByLocation } from './stock.service.ts';

/** A lot's stock at each stocked location that holds or held some of it. */
export function lotStockByLocation(ctx: SystemContext, lotId: string): Promise<LocationStock[]> {
  return quantsByLocation(ctx, 'inventory_lot_quant', 'lot_id', lotId);
}

/** One step of a lot's way: a move of it, with the names of its ends and of its operation. */
export interface LotMove {
  id: string;
  state: string;
  kind: string;
  quantity: string;
  fromLocationId: string;
  from: string;
  toLocationId: string;
  to: string;
  reference: string | null;
  operationId: string | null;
  operation: string | null;
  doneAt: string | null;
  createdAt: string;
}

export interface LotTrace {
  lot: LotRow;
  product: ProductRow;
  onHand: string;
  stock: LocationStock[];
  moves: LotMove[];
}

/** Traceability: where a lot or serial came from and went, oldest first, and where it is now. */
export async function lotTrace(ctx: SystemContext, lotId: string): Promise<LotTrace> {
  const lot = await ctx.db.repo(Lot).getOrThrow(lotId);
  const product = await ctx.db.repo(Product).getOrThrow(lot.product);
  const rows = await ctx.db.query<{
    id: string;
    state: string;
    kind: string;
    quantity: string;
    from_id: string;
    from_name: string;
    to_id: string;
    to_name: string;
    reference: string | null;
    operation_id: string | null;
    operation: string | null;
    done_at: Date | null;
    created_at: Date;
  }>(
    `select m.id, m.state, m.kind, m.quantity::text, m.from_id, f.full_name as from_name, m.to_id, t.full_name as to_name,
            m.reference, m.operation_id, o.reference as operation, m.done_at, m.created_at
       from inventory_move m
       join inventory_location f on f.tenant_id = m.tenant_id and f.id = m.from_id
       join inventory_location t on t.tenant_id = m.tenant_id and t.id = m.to_id
       left join inventory_operation o on o.tenant_id = m.tenant_id and o.id = m.operation_id
      where m.tenant_id = $1 and m.lot_id = $2
      order by coalesce(m.done_at, m.created_at), m.created_at, m.id`,
    [ctx.tenant.id, lot.id],
  );
  const stock = await lotStockByLocation(ctx, lot.id);
  const [total] = await ctx.db.query<{ q: string }>(
    `select coalesce(sum(q.quantity), 0)::text as q from inventory_lot_quant q
       join inventory_location l on l.tenant_id = q.tenant_id and l.id = q.location_id
      where q.tenant_id = $1 and q.lot_id = $2 and l.usage = 'internal'`,
    [ctx.tenant.id, lot.id],
  );
  return {
    lot,
    product,
    onHand: format(parse(total?.q ?? '0')),
    stock,
    moves: rows.map((r) => ({
      id: r.id,
      state: r.state,
      kind: r.kind,
      quantity: format(parse(r.quantity)),
      fromLocationId: r.from_id,
      from: r.from_name,
      toLocationId: r.to_id,
      to: r.to_name,
      reference: r.reference,
      operationId: r.operation_id,
      operation: r.operation,
      doneAt: r.done_at ? new Date(r.done_at).toISOString() : null,
      createdAt: new Date(r.created_at).toISOString(),
    })),
  };
}

export interface LotSummary {
  id: string;
  name: string;
  expiresAt: string | null;
  createdAt: string;
  productId: string;
  sku: string;
  productName: string;
  tracking: string;
  /** In the company's internal locations. */
  onHand: string;
  reserved: string;
}

/** Lots with their product and what is on hand of each, newest first; `q` searches lot names and SKUs. */
export async function lotList(
  ctx: SystemContext,
  args: { productId?: string; q?: string; limit: number; offset: number; inStock?: boolean },
): Promise<{ data: LotSummary[]; total_count: number; limit: number; offset: number }> {
  const params: unknown[] = [ctx.tenant.id];
  let where = '';
  if (args.productId) {
    params.push(args.productId);
    where += ` and l.product_id = $${params.length}`;
  }
  if (args.q) {
    params.push(`%${args.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where += ` and (l.name ilike $${params.length} or p.sku ilike $${params.length})`;
  }
  const base = `from inventory_lot l
       join inventory_product p on p.tenant_id = l.tenant_id and p.id = l.product_id
       left join lateral (
         select coalesce(sum(q.quantity), 0) as on_hand, coalesce(sum(q.reserved), 0) as reserved
           from inventory_lot_quant q
           join inventory_location loc on loc.tenant_id = q.tenant_id and loc.id = q.location_id and loc.usage = 'internal'
          where q.tenant_id = l.tenant_id and q.lot_id = l.id) s on true
      where l.tenant_id = $1${where}`;
  const filtered = args.inStock ? `${base} and s.on_hand > 0` : base;
  const [count] = await ctx.db.query<{ n: number }>(`select count(*)::int as n ${filtered}`, params);
  const rows = await ctx.db.query<{
    id: string;
    name: string;
    expires_at: string | null;
    created_at: Date;
    product_id: string;
    sku: string;
    product_name: string;
    tracking: string;
    on_hand: string;
    reserved: string;
  }>(
    `select l.id, l.name, l.expires_at::text, l.created_at, l.product_id, p.sku, p.name as product_name, p.tracking,
            s.on_hand::text, s.reserved::text
       ${filtered}
      order by l.created_at desc, l.id
      limit ${Number(args.limit)} offset ${Number(args.offset)}`,
    params,
  );
  return {
    data: rows.map((r) => ({
      id: r.id,
      name: r.name,
      expiresAt: r.expires_at,
      createdAt: new Date(r.created_at).toISOString(),
      productId: r.product_id,
      sku: r.sku,
      productName: r.product_name,
      tracking: r.tracking,
      onHand: format(parse(r.on_hand)),
      reserved: format(parse(r.reserved)),
    })),
    total_count: count?.n ?? 0,
    limit: args.limit,
    offset: args.offset,
  };
}
