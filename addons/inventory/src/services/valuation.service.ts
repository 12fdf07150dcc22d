import type { SystemContext } from '@elevate/sdk';
import { CostLayer } from '../models/cost-layer.model.ts';
import type { LocationRow } from '../models/location.model.ts';
import type { MoveRow } from '../models/move.model.ts';
import type { ProductRow } from '../models/product.model.ts';
import type { InventorySettings } from '../settings.ts';
import { convert, format, parse } from './decimal.ts';

// Stock valuation of stockable products. A move that brings goods into the company's stock
// (from a supplier, an inventory gain, a customer return) adds a layer at its unit cost; a move
// that takes them out (to a customer, an inventory loss) consumes layers and carries the value it
// took. Moves inside the company (internal, transit) change no value. All arithmetic is exact.

const OWN = new Set(['internal', 'transit']);

export type ValueDirection = 'in' | 'out' | null;

export function direction(product: ProductRow, from: LocationRow, to: LocationRow): ValueDirection {
  if (product.type !== 'stockable') return null;
  const a = OWN.has(from.usage);
  const b = OWN.has(to.usage);
  return a === b ? null : b ? 'in' : 'out';
}

interface Layer {
  id: string;
  remaining: string;
  unit_cost: string;
  remaining_value: string;
}

/** Values a move being done; returns the move's value (null when it changes no value). */
export async function valueMove(
  ctx: SystemContext,
  move: MoveRow,
  product: ProductRow,
  from: LocationRow,
  to: LocationRow,
  valuation: InventorySettings['valuation'],
): Promise<string | null> {
  const dir = direction(product, from, to);
  if (!dir) return null;
  if (dir === 'in') {
    const unitCost = move.unitCost ?? product.cost ?? '0';
    const value = convert(move.quantity, unitCost, '1');
    await ctx.db.repo(CostLayer).insert({
      product: product.id,
      move: move.id,
      quantity: move.quantity,
      remaining: move.quantity,
      unitCost,
      remainingValue: value,
    });
    return value;
  }
  // Raw SQL with FOR UPDATE, in a fixed order: two deliveries of one product never consume the
  // same layer twice, and never deadlock (they lock in the same order).
  const layers = await ctx.db.query<Layer>(
    `select id, remaining::text, unit_cost::text, remaining_value::text from inventory_cost_layer
      where tenant_id = $1 and product_id = $2 and remaining > 0
      order by created_at, id for update`,
    [ctx.tenant.id, product.id],
  );
  const want = parse(move.quantity);
  const totalQ = layers.reduce((s, l) => s + parse(l.remaining), 0n);
  const totalV = layers.reduce((s, l) => s + parse(l.remaining_value), 0n);
  // biome-ignore lint/complexity/useMathMinMax: BigInt, which Math.min does not take
  const take = want < totalQ ? want : totalQ;
  // What no layer covers (negative stock, when the company allows it) is valued at the product's cost.
  const uncovered = want - take;
  const uncoveredValue = uncovered > 0n ? parse(convert(format(uncovered), product.cost ?? '0', '1')) : 0n;

  const updates: { id: string; remaining: bigint; value: bigint }[] = [];
  let left = take;
  let taken = 0n;
  for (const l of layers) {
    if (left === 0n) break;
    const rem = parse(l.remaining);
    // biome-ignore lint/complexity/useMathMinMax: BigInt, which Math.min does not take
    const q = rem < left ? rem : left;
    left -= q;
    // FIFO: at the layer's own cost; a layer used up gives exactly what it still held.
    const v = q === rem ? parse(l.remaining_value) : parse(convert(format(q, 6), l.unit_cost, '1'));
    taken += v;
    updates.push({ id: l.id, remaining: rem - q, value: parse(l.remaining_value) - v });
  }
  let outValue = taken;
  if (valuation === 'avco' && take > 0n) {
    // AVCO: what leaves is worth the average of what there is; what stays keeps the rest, spread
    // over the remaining layers by quantity (the last one takes the rounding).
    outValue = take === totalQ ? totalV : parse(convert(format(take, 6), format(totalV, 6), format(totalQ, 6)));
    const newV = totalV - outValue;
    const newQ = totalQ - take;
    const touched = new Map(updates.map((u) => [u.id, u]));
    const staying = layers
      .map((l) => touched.get(l.id) ?? { id: l.id, remaining: parse(l.remaining), value: parse(l.remaining_value) })
      .filter((u) => u.remaining > 0n);
    let spread = 0n;
    staying.forEach((u, i) => {
      u.value =
        i === staying.length - 1
          ? newV - spread
          : parse(convert(format(u.remaining, 6), format(newV, 6), format(newQ, 6)));
      spread += u.value;
      touched.set(u.id, u);
    });
    for (const u of updates) if (u.remaining === 0n) u.value = 0n;
    updates.splice(0, updates.length, ...touched.values());
  }
  for (const u of updates) {
    await ctx.db.query(
      `update inventory_cost_layer set remaining = $3::numeric, remaining_value = $4::numeric, updated_at = now()
        where tenant_id = $1 and id = $2`,
      [ctx.tenant.id, u.id, format(u.remaining), format(u.value)],
    );
  }
  return format(outValue + uncoveredValue);
}

export interface ProductValuation {
  productId: string;
  sku: string;
  quantity: string;
  value: string;
}

/** The stock valuation now: the sum of the remaining layers, per product. */
export async function valuationReport(ctx: SystemContext, productId?: string) {
  const rows = await ctx.db.query<{ product_id: string; sku: string; q: string; v: string }>(
    `select l.product_id, p.sku, sum(l.remaining)::text as q, sum(l.remaining_value)::text as v
       from inventory_cost_layer l
       join inventory_product p on p.tenant_id = l.tenant_id and p.id = l.product_id
      where l.tenant_id = $1 and ($2::uuid is null or l.product_id = $2::uuid)
      group by l.product_id, p.sku order by p.sku`,
    [ctx.tenant.id, productId ?? null],
  );
  const data: ProductValuation[] = rows.map((r) => ({
    productId: r.product_id,
    sku: r.sku,
    quantity: format(parse(r.q)),
    value: format(parse(r.v)),
  }));
  return { data, total: format(data.reduce((s, r) => s + parse(r.value), 0n)) };
}
