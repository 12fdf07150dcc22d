import type { InventorySettings } from '../settings.ts';
import { convert, format, parse } from './decimal.ts';

// The arithmetic of valuation layers, with no database: what a move out of a warehouse takes from
// a product's layers in that warehouse, and what stays. Shared by the one-move path (valuation.service.ts) and the
// batch path (operations.service.ts), so both value the same way. Amounts are BigInt at the
// scale of decimal.ts; every value is rounded to 4 places as it is computed.

export interface LayerState {
  id: string;
  remaining: bigint;
  unitCost: string;
  value: bigint;
}

export interface Consumed {
  /** What the move takes out of the valuation. */
  value: bigint;
  /** The layers whose remaining quantity or value changed. */
  touched: Set<LayerState>;
  /** What changed in each of them (negative: taken), for the layers' history (inventory.layer_entry). */
  changes: LayerChange[];
  /** The quantity the layers covered (the rest is negative stock). */
  covered: bigint;
  /** The part of `value` no layer covered: the uncovered quantity at the product's cost. */
  uncoveredValue: bigint;
}

export interface LayerChange {
  layer: LayerState;
  /** `out`: the move took quantity from it; `revalue`: only its value changed (AVCO). */
  kind: 'out' | 'revalue';
  quantity: bigint;
  value: bigint;
}

function changesOf(before: Map<LayerState, [bigint, bigint]>, touched: Set<LayerState>): LayerChange[] {
  const out: LayerChange[] = [];
  for (const l of touched) {
    const [q, v] = before.get(l) ?? [0n, 0n];
    const dq = l.remaining - q;
    const dv = l.value - v;
    if (dq !== 0n || dv !== 0n) out.push({ layer: l, kind: dq !== 0n ? 'out' : 'revalue', quantity: dq, value: dv });
  }
  return out;
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);

/**
 * Takes `want` out of `layers` (a product's layers in one warehouse, oldest first; changed in place). FIFO: each
 * layer gives `q × its unit cost`, a layer used up gives exactly what it still held. AVCO: what
 * leaves is worth `q × average`, what stays is spread over the remaining layers by quantity (the
 * last takes the rounding). What no layer covers (negative stock) is valued at `productCost`.
 */
export function consume(
  layers: LayerState[],
  want: bigint,
  valuation: InventorySettings['valuation'],
  productCost: string | null,
): Consumed {
  const open = layers.filter((l) => l.remaining > 0n);
  const before = new Map(open.map((l): [LayerState, [bigint, bigint]] => [l, [l.remaining, l.value]]));
  const totalQ = open.reduce((s, l) => s + l.remaining, 0n);
  const totalV = open.reduce((s, l) => s + l.value, 0n);
  const take = min(want, totalQ);
  const uncovered = want - take;
  const uncoveredValue = uncovered > 0n ? parse(convert(format(uncovered), productCost ?? '0', '1')) : 0n;
  const touched = new Set<LayerState>();
  let left = take;
  let taken = 0n;
  for (const l of open) {
    if (left === 0n) break;
    const q = min(l.remaining, left);
    left -= q;
    const v = q === l.remaining ? l.value : parse(convert(format(q, 6), l.unitCost, '1'));
    taken += v;
    l.remaining -= q;
    l.value -= v;
    touched.add(l);
  }
  if (valuation !== 'avco' || take === 0n) {
    return {
      value: taken + uncoveredValue,
      touched,
      changes: changesOf(before, touched),
      covered: take,
      uncoveredValue,
    };
  }
  const outValue = take === totalQ ? totalV : parse(convert(format(take, 6), format(totalV, 6), format(totalQ, 6)));
  const newV = totalV - outValue;
  const newQ = totalQ - take;
  const staying = open.filter((l) => l.remaining > 0n);
  let spread = 0n;
  staying.forEach((l, i) => {
    l.value =
      i === staying.length - 1
        ? newV - spread
        : parse(convert(format(l.remaining, 6), format(newV, 6), format(newQ, 6)));
    spread += l.value;
    touched.add(l);
  });
  for (const l of touched) if (l.remaining === 0n) l.value = 0n;
  return {
    value: outValue + uncoveredValue,
    touched,
    changes: changesOf(before, touched),
    covered: take,
    uncoveredValue,
  };
}
