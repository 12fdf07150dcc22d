import { randomUUID } from 'node:crypto';
import type { SystemContext } from '@elevate/sdk';
import type { LocationRow } from '../models/location.model.ts';
import type { MoveRow } from '../models/move.model.ts';
import type { ProductRow } from '../models/product.model.ts';
import type { InventorySettings } from '../settings.ts';
import { convert, format, parse, ratio } from './decimal.ts';
import { consume, type LayerChange, type LayerState } from './layers.ts';

// Stock valuation of stockable products, per warehouse. A move that brings goods into a
// warehouse's stock from outside the company (a supplier, an inventory gain, a customer return)
// adds a layer there at its unit cost; a move that takes them out of the company (to a customer,
// an inventory loss) consumes the source warehouse's layers and carries the value it took. A move
// between two warehouses (or a warehouse and transit, which is in none) consumes the source's
// layers and adds what it took as layers of the destination, at the same value: the company's
// value does not change. Moves within one warehouse change no value. All arithmetic is exact.

const OWN = new Set(['internal', 'transit']);

/** Where a move's value goes: `in` to a warehouse, `out` of one, or `transfer` between two (null: no warehouse). */
export type ValueFlow =
  | { kind: 'in'; to: string | null }
  | { kind: 'out'; from: string | null }
  | { kind: 'transfer'; from: string | null; to: string | null };

const warehouseOf = (l: LocationRow): string | null => (l.warehouse as string | null) ?? null;

export function flowOf(product: ProductRow, from: LocationRow, to: LocationRow): ValueFlow | null {
  if (product.type !== 'stockable') return null;
  const a = OWN.has(from.usage);
  const b = OWN.has(to.usage);
  if (a && b) {
    const [f, t] = [warehouseOf(from), warehouseOf(to)];
    return f === t ? null : { kind: 'transfer', from: f, to: t };
  }
  if (b) return { kind: 'in', to: warehouseOf(to) };
  if (a) return { kind: 'out', from: warehouseOf(from) };
  return null;
}

/** A line being done, as the valuation needs it. */
export interface ValuedLine {
  moveId: string;
  product: ProductRow;
  from: LocationRow;
  to: LocationRow;
  quantity: string;
  unitCost: string | null;
}

const keyOf = (productId: string, warehouseId: string | null) => `${productId}|${warehouseId ?? ''}`;

/**
 * Values `lines` in order: locks the layers the lines leaving a warehouse consume, then computes
 * each line's value and the layers it makes and changes. `write` stores them (call it once the
 * moves exist: a new layer points to its move).
 */
export async function planValuation(
  ctx: SystemContext,
  lines: ValuedLine[],
  valuation: InventorySettings['valuation'],
): Promise<{ values: (string | null)[]; write: () => Promise<void> }> {
  const flows = lines.map((l) => flowOf(l.product, l.from, l.to));
  const wants = lines.flatMap((l, i) => {
    const f = flows[i];
    return f && f.kind !== 'in' ? [{ productId: l.product.id, warehouseId: f.from, need: parse(l.quantity) }] : [];
  });
  const layers = wants.length ? await lockLayers(ctx, wants, valuation) : new Map<string, LayerState[]>();
  const listOf = (productId: string, warehouseId: string | null) => {
    const key = keyOf(productId, warehouseId);
    let list = layers.get(key);
    if (!list) {
      list = [];
      layers.set(key, list);
    }
    return list;
  };
  const fresh: NewLayer[] = [];
  const touched = new Set<LayerState>();
  const entries: EntryInput[] = [];
  const add = (l: ValuedLine, warehouseId: string | null, quantity: bigint, unitCost: string, value: bigint) => {
    const layer: NewLayer = {
      id: randomUUID(),
      remaining: quantity,
      unitCost,
      value,
      productId: l.product.id,
      moveId: l.moveId,
      warehouseId,
      quantity: format(quantity),
    };
    listOf(l.product.id, warehouseId).push(layer);
    fresh.push(layer);
    entries.push({ productId: l.product.id, layerId: layer.id, moveId: l.moveId, kind: 'in', quantity, value });
  };
  const values = lines.map((l, i) => {
    const f = flows[i];
    if (!f) return null;
    if (f.kind === 'in') {
      const unitCost = l.unitCost ?? l.product.cost ?? '0';
      const value = parse(convert(l.quantity, unitCost, '1'));
      add(l, f.to, parse(l.quantity), unitCost, value);
      return format(value);
    }
    const c = consume(listOf(l.product.id, f.from), parse(l.quantity), valuation, l.product.cost);
    for (const t of c.touched) touched.add(t);
    entries.push(...entriesOf(c.changes, l.product.id, l.moveId));
    if (f.kind === 'transfer') {
      // What the destination gets is exactly what the source gave. FIFO keeps each layer's cost
      // (one new layer per layer taken from); AVCO one layer at the source's average.
      if (valuation === 'fifo') {
        for (const ch of c.changes) {
          if (ch.kind === 'out') add(l, f.to, -ch.quantity, ch.layer.unitCost, -ch.value);
        }
      } else if (c.covered > 0n) {
        const covered = c.value - c.uncoveredValue;
        add(l, f.to, c.covered, unitCostOf(covered, c.covered), covered);
      }
      // Negative stock at the source: what no layer covered comes in at the product's cost.
      const uncovered = parse(l.quantity) - c.covered;
      if (uncovered > 0n) add(l, f.to, uncovered, l.product.cost ?? '0', c.uncoveredValue);
    }
    return format(c.value);
  });
  const write = async () => {
    const freshIds = new Set(fresh.map((x) => x.id));
    await insertLayers(ctx, fresh);
    await writeLayers(
      ctx,
      [...touched].filter((t) => !freshIds.has(t.id)),
    );
    await writeEntries(ctx, entries);
  };
  return { values, write };
}

/** value ÷ quantity with 6 decimals (a layer's unit cost). */
const unitCostOf = (value: bigint, quantity: bigint) => ratio(value, quantity, 6);

/** Values one move being done and stores its layers; returns its value (null when it changes no value). */
export async function valueMove(
  ctx: SystemContext,
  move: MoveRow,
  product: ProductRow,
  from: LocationRow,
  to: LocationRow,
  valuation: InventorySettings['valuation'],
): Promise<string | null> {
  const plan = await planValuation(
    ctx,
    [{ moveId: move.id, product, from, to, quantity: move.quantity, unitCost: move.unitCost }],
    valuation,
  );
  await plan.write();
  return plan.values[0] ?? null;
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

type NewLayer = LayerState & { productId: string; moveId: string; warehouseId: string | null; quantity: string };

async function insertLayers(ctx: SystemContext, fresh: NewLayer[]): Promise<void> {
  if (!fresh.length) return;
  // Oldest first within one transaction too: the n-th layer is n microseconds younger.
  await ctx.db.query(
    `insert into inventory_cost_layer (tenant_id, id, product_id, move_id, warehouse_id, quantity, remaining, unit_cost, remaining_value, created_at, created_by)
     select $1, d.id, d.product_id, d.move_id, d.warehouse_id, d.quantity, d.remaining, d.unit_cost, d.value,
            now() + make_interval(secs => d.n / 1000000.0), nullif(current_setting('app.user_id', true), '')::uuid
       from unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[])
            with ordinality d(id, product_id, move_id, warehouse_id, quantity, remaining, unit_cost, value, n)`,
    [
      ctx.tenant.id,
      fresh.map((f) => f.id),
      fresh.map((f) => f.productId),
      fresh.map((f) => f.moveId),
      fresh.map((f) => f.warehouseId),
      fresh.map((f) => f.quantity),
      fresh.map((f) => format(f.remaining)),
      fresh.map((f) => f.unitCost),
      fresh.map((f) => format(f.value)),
    ],
  );
}

interface LayerRow {
  id: string;
  product_id: string;
  warehouse_id: string | null;
  remaining: string;
  unit_cost: string;
  remaining_value: string;
  created_at: string;
}

const FIRST = { at: '-infinity', id: '00000000-0000-0000-0000-000000000000' };
/** Stands for "no warehouse" in the open-layers index (migration 0020), so one index scan serves both. */
const NONE = '00000000-0000-0000-0000-000000000000';

/**
 * Locks the open layers that moves leaving a warehouse will consume, per product and warehouse,
 * oldest first; keyed `productId|warehouseId` (empty for no warehouse). FIFO takes only as many
 * as cover `need` (pages through the partial index of open layers, one statement per round for
 * all keys); AVCO needs them all (it revalues what stays). Raw SQL with FOR UPDATE in a fixed
 * order (keys sorted, then layers by age): two deliveries never consume a layer twice, and never
 * deadlock.
 */
export async function lockLayers(
  ctx: SystemContext,
  wants: { productId: string; warehouseId: string | null; need: bigint }[],
  valuation: InventorySettings['valuation'],
): Promise<Map<string, LayerState[]>> {
  const out = new Map<string, LayerState[]>();
  const need = new Map<string, bigint>();
  const keys = new Map<string, { productId: string; warehouseId: string | null }>();
  for (const w of wants) {
    const k = keyOf(w.productId, w.warehouseId);
    need.set(k, (need.get(k) ?? 0n) + w.need);
    keys.set(k, { productId: w.productId, warehouseId: w.warehouseId });
  }
  const after = new Map<string, { at: string; id: string }>();
  let pending = [...need.keys()].sort();
  for (const k of pending) {
    out.set(k, []);
    after.set(k, FIRST);
  }
  while (pending.length) {
    const page = (k: string) => (valuation === 'avco' ? 1_000_000 : Math.max(16, out.get(k)?.length ?? 0));
    const rows = await ctx.db.query<LayerRow>(
      `select c.id, c.product_id, c.warehouse_id, c.remaining::text, c.unit_cost::text, c.remaining_value::text, c.created_at::text
         from unnest($2::uuid[], $3::uuid[], $4::timestamptz[], $5::uuid[], $6::int[]) with ordinality d(product_id, warehouse_id, at, after_id, k, n)
         cross join lateral (
           select l.id, l.product_id, l.warehouse_id, l.remaining, l.unit_cost, l.remaining_value, l.created_at
             from inventory_cost_layer l
            where l.tenant_id = $1 and l.product_id = d.product_id and l.remaining > 0
              and coalesce(l.warehouse_id, '${NONE}'::uuid) = d.warehouse_id
              and (l.created_at, l.id) > (d.at, d.after_id)
            order by l.created_at, l.id limit d.k for update) c
        order by d.n, c.created_at, c.id`,
      [
        ctx.tenant.id,
        pending.map((k) => keys.get(k)?.productId),
        pending.map((k) => keys.get(k)?.warehouseId ?? NONE),
        pending.map((k) => after.get(k)?.at),
        pending.map((k) => after.get(k)?.id),
        pending.map(page),
      ],
    );
    const got = new Map<string, number>();
    for (const r of rows) {
      const k = keyOf(r.product_id, r.warehouse_id);
      const list = out.get(k) as LayerState[];
      list.push({ id: r.id, remaining: parse(r.remaining), unitCost: r.unit_cost, value: parse(r.remaining_value) });
      after.set(k, { at: r.created_at, id: r.id });
      got.set(k, (got.get(k) ?? 0) + 1);
    }
    pending = pending.filter((k) => {
      if (valuation === 'avco' || !got.get(k)) return false;
      const have = (out.get(k) ?? []).reduce((s, l) => s + l.remaining, 0n);
      return have < (need.get(k) ?? 0n);
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
