import { randomUUID } from 'node:crypto';
import type pg from 'pg';

// The raw-SQL reference of the inventory benches: the rows a REST receipt writes for its valuation
// (moves, their cost layers, the layers' history entries, the quants' new levels), as the database
// owner (no RLS, no checks), in one transaction of two statements: the inserts of all lines at
// once, then the quants' upsert in product order (as the service orders them, so writers never
// deadlock). Ids are made here, as the service makes them, so the layers name their moves without
// a RETURNING round trip.
//
// Four writers at once are slower than one here (measured on 2026-12-04: ~1,900 against ~4,000
// moves/s; 3/4 of the samples wait in Lock:transactionid on inventory_quant rows; the same as one
// statement in autocommit, or as four statements): the benches also run it alone, and compare
// with the faster.

export interface RawReceiptTarget {
  tenantId: string;
  supplierId: string;
  stockId: string;
  warehouseId: string;
}

/** Writes one received unit at 2.50 for each of `productIds` (repeats allowed); returns the moves written. */
export async function rawReceipt(c: pg.PoolClient, to: RawReceiptTarget, productIds: string[]): Promise<number> {
  const moves = productIds.map(() => randomUUID());
  const layers = productIds.map(() => randomUUID());
  const perProduct = new Map<string, number>();
  for (const p of productIds) perProduct.set(p, (perProduct.get(p) ?? 0) + 1);
  const quants = [...perProduct.keys()].sort();
  await c.query('begin');
  try {
    await c.query(
      `with d as (select * from unnest($2::uuid[], $3::uuid[], $4::uuid[]) with ordinality d(move, product, layer, n)),
       m as (insert into inventory_move (tenant_id, id, product_id, quantity, from_id, to_id, state, kind, unit_cost, value, done_at)
             select $1, d.move, d.product, 1, $5, $6, 'done', 'receipt', 2.5, 2.5, now() from d),
       l as (insert into inventory_cost_layer (tenant_id, id, product_id, move_id, warehouse_id, quantity, remaining, unit_cost, remaining_value, created_at)
             select $1, d.layer, d.product, d.move, $7, 1, 1, 2.5, 2.5, now() + make_interval(secs => d.n / 1000000.0) from d)
       insert into inventory_layer_entry (tenant_id, product_id, layer_id, move_id, kind, quantity, value, at)
       select $1, d.product, d.layer, d.move, 'in', 1, 2.5, now() from d`,
      [to.tenantId, moves, productIds, layers, to.supplierId, to.stockId, to.warehouseId],
    );
    await c.query(
      `insert into inventory_quant (tenant_id, product_id, location_id, quantity, reserved)
       select $1, q.product, $2, q.qty, 0 from unnest($3::uuid[], $4::numeric[]) with ordinality q(product, qty, n) order by q.n
       on conflict (tenant_id, product_id, location_id)
       do update set quantity = inventory_quant.quantity + excluded.quantity, updated_at = now()`,
      [to.tenantId, to.stockId, quants, quants.map((p) => perProduct.get(p))],
    );
    await c.query('commit');
  } catch (err) {
    await c.query('rollback');
    throw err;
  }
  return productIds.length;
}

/** The tables the benches write: analysed before each measured phase (see the benches' comment). */
export const WRITTEN_TABLES =
  'inventory_move, inventory_cost_layer, inventory_layer_entry, inventory_quant, inventory_operation, core_outbox';
