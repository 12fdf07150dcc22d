import type { SystemContext } from '@elevate/sdk';
import { CostLayer } from '../models/cost-layer.model.ts';
import type { LocationRow } from '../models/location.model.ts';
import type { MoveRow } from '../models/move.model.ts';
import type { ProductRow } from '../models/product.model.ts';
import type { InventorySettings } from '../settings.ts';
import { convert, format, parse } from './decimal.ts';
import { consume, type LayerChange, type LayerState } from './layers.ts';

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
    const layer = await ctx.db.repo(CostLayer).insert({
      product: product.id,
      move: move.id,
      quantity: move.quantity,
      remaining: move.quantity,
      unitCost,
      remainingValue: value,
    });
    await writeEntries(ctx, [
      {
        productId: product.id,
        layerId: layer.id,
        moveId: move.id,
        kind: 'in',
        quantity: parse(move.quantity),
        value: parse(value),
      },
    ]);
    return value;
  }
  const layers = await lockLayers(ctx, [{ productId: product.id, need: parse(move.quantity) }], valuation);
  const own = layers.get(product.id) ?? [];
  const { value, touched, changes } = consume(own, parse(move.quantity), valuation, product.cost);
  await writeLayers(ctx, [...touched]);
  await writeEntries(ctx, entriesOf(changes, product.id, move.id));
  return format(value);
}

export interface EntryInput {
  productId: string;
  layerId: string;
  moveId: string | null;
  kind: 'in' | 'out' | 'revalue' | 'landed';
  quantity: bigint;
  value: bigint;
}

export const entriesOf = (changes: LayerChange[], productId: string, moveId: string): EntryInput[] =>
  changes.map((c) => ({ productId, layerId: c.layer.id, moveId, kind: c.kind, quantity: c.quantity, value: c.value }));

/**
 * Records changes of layers in their history (inventory.layer_entry), at the transaction's time
 * (the `done_at` of its moves): one statement however many.
 */
export async function writeEntries(ctx: SystemContext, entries: EntryInput[]): Promise<void> {
  if (!entries.length) return;
  await ctx.db.query(
    `insert into inventory_layer_entry (tenant_id, product_id, layer_id, move_id, kind, quantity, value, at, created_by)
     select $1, d.product_id, d.layer_id, d.move_id, d.kind, d.quantity, d.value, now(),
            nullif(current_setting('app.user_id', true), '')::uuid
       from unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::numeric[], $7::numeric[])
            as d(product_id, layer_id, move_id, kind, quantity, value)`,
    [
      ctx.tenant.id,
      entries.map((e) => e.productId),
      entries.map((e) => e.layerId),
      entries.map((e) => e.moveId),
      entries.map((e) => e.kind),
      entries.map((e) => format(e.quantity)),
      entries.map((e) => format(e.value)),
    ],
  );
}

interface LayerRow {
  id: string;
  product_id: string;
  remaining: string;
  unit_cost: string;
  remaining_value: string;
  created_at: string;
}

const FIRST = { at: '-infinity', id: '00000000-0000-0000-0000-000000000000' };

/**
 * Locks the open layers that moves out of the company will consume, per product, oldest first.
 * FIFO takes only as many as cover `need` (pages through the partial index of open layers, one
 * statement per round for all products); AVCO needs them all (it revalues what stays). Raw SQL
 * with FOR UPDATE in a fixed order (products sorted, then layers by age): two deliveries of one
 * product never consume a layer twice, and never deadlock.
 */
export async function lockLayers(
  ctx: SystemContext,
  wants: { productId: string; need: bigint }[],
  valuation: InventorySettings['valuation'],
): Promise<Map<string, LayerState[]>> {
  const out = new Map<string, LayerState[]>();
  const need = new Map<string, bigint>();
  for (const w of wants) need.set(w.productId, (need.get(w.productId) ?? 0n) + w.need);
  const after = new Map<string, { at: string; id: string }>();
  let pending = [...need.keys()].sort();
  for (const p of pending) {
    out.set(p, []);
    after.set(p, FIRST);
  }
  while (pending.length) {
    const page = (p: string) => (valuation === 'avco' ? 1_000_000 : Math.max(16, out.get(p)?.length ?? 0));
    const rows = await ctx.db.query<LayerRow>(
      `select c.id, c.product_id, c.remaining::text, c.unit_cost::text, c.remaining_value::text, c.created_at::text
         from unnest($2::uuid[], $3::timestamptz[], $4::uuid[], $5::int[]) with ordinality d(product_id, at, after_id, k, n)
         cross join lateral (
           select l.id, l.product_id, l.remaining, l.unit_cost, l.remaining_value, l.created_at
             from inventory_cost_layer l
            where l.tenant_id = $1 and l.product_id = d.product_id and l.remaining > 0
              and (l.created_at, l.id) > (d.at, d.after_id)
            order by l.created_at, l.id limit d.k for update) c
        order by d.n, c.created_at, c.id`,
      [
        ctx.tenant.id,
        pending,
        pending.map((p) => after.get(p)?.at),
        pending.map((p) => after.get(p)?.id),
        pending.map(page),
      ],
    );
    const got = new Map<string, number>();
    for (const r of rows) {
      const list = out.get(r.product_id) as LayerState[];
      list.push({ id: r.id, remaining: parse(r.remaining), unitCost: r.unit_cost, value: parse(r.remaining_value) });
      after.set(r.product_id, { at: r.created_at, id: r.id });
      got.set(r.product_id, (got.get(r.product_id) ?? 0) + 1);
    }
    pending = pending.filter((p) => {
      if (valuation === 'avco' || !got.get(p)) return false;
      const have = (out.get(p) ?? []).reduce((s, l) => s + l.remaining, 0n);
      return have < (need.get(p) ?? 0n);
    });
  }
  return out;
}

/** Writes the remaining quantity and value of changed layers: one statement. */
export async function writeLayers(ctx: SystemContext, layers: LayerState[]): Promise<void> {
  if (!layers.length) return;
  await ctx.db.query(
    `update inventory_cost_layer l set remaining = d.r, remaining_value = d.v, updated_at = now()
       from unnest($2::uuid[], $3::numeric[], $4::numeric[]) d(id, r, v)
      where l.tenant_id = $1 and l.id = d.id`,
    [
      ctx.tenant.id,
      layers.map((l) => l.id),
      layers.map((l) => format(l.remaining)),
      layers.map((l) => format(l.value)),
    ],
  );
}
