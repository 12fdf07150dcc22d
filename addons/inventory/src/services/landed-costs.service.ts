import type { SystemContext } from '@elevate/sdk';
import { inventoryErrors, landedErrors } from '../errors.ts';
import { LandedCost, LandedCostLine, type LandedCostLineRow, type LandedCostRow } from '../models/landed-cost.model.ts';
import { Operation } from '../models/operation.model.ts';
import { convert, format, parse } from './decimal.ts';
import { writeEntries } from './valuation.service.ts';

// Landed costs (Odoo's stock.landed.cost): freight, duty, ... added after a receipt is done. The
// amount is split over the receipt's valued lines (by quantity, by value, or named per line); each
// line's share raises its layer in proportion to what the layer still holds (its unit cost goes
// up), and the rest — the share of goods already delivered from the layer — is the landed cost's
// `deliveredValue` (Odoo posts it to the cost of goods sold), so the stock value still equals the
// layers. One transaction, the layers locked first.

export interface LandedCostInput {
  operationId: string;
  amount: string;
  split?: 'quantity' | 'value' | 'manual';
  description?: string | null;
  /** `manual`: each line's amount (they must add up to `amount`). */
  lines?: { moveId: string; amount: string }[] | null;
}

interface LineRow {
  move_id: string;
  product_id: string;
  quantity: string;
  value: string | null;
  layer_id: string;
  layer_quantity: string;
  remaining: string;
  remaining_value: string;
}

/** Splits `amount` by `weights`; the last line takes the rounding. */
function byWeight(amount: bigint, weights: bigint[]): bigint[] {
  const total = weights.reduce((s, w) => s + w, 0n);
  let given = 0n;
  return weights.map((w, i) => {
    const v = i === weights.length - 1 ? amount - given : parse(convert(format(w), format(amount), format(total)));
    given += v;
    return v;
  });
}

export async function applyLandedCost(
  ctx: SystemContext,
  input: LandedCostInput,
): Promise<LandedCostRow & { lines: LandedCostLineRow[] }> {
  const split = input.split ?? 'quantity';
  const amount = parse(input.amount);
  if (amount <= 0n) throw landedErrors.field('amount', 'must be more than 0');
  const op = await ctx.db.repo(Operation).get(input.operationId);
  if (!op) throw inventoryErrors.notFound('operation', 'operationId');
  if (op.kind !== 'receipt' || op.state !== 'done') {
    throw landedErrors.state(op.kind === 'receipt' ? `a ${op.state} receipt` : `a ${op.state} ${op.kind}`);
  }
  // The receipt's valued lines with their layers, locked (in id order: no deadlock between two).
  const rows = await ctx.db.query<LineRow>(
    `select m.id as move_id, m.product_id, m.quantity::text, m.value::text, l.id as layer_id,
            l.quantity::text as layer_quantity, l.remaining::text, l.remaining_value::text
       from inventory_move m
       join inventory_cost_layer l on l.tenant_id = m.tenant_id and l.move_id = m.id
      where m.tenant_id = $1 and m.operation_id = $2 and m.state = 'done'
      order by l.id for update of l`,
    [ctx.tenant.id, op.id],
  );
  if (!rows.length) throw landedErrors.noLines();
  // In the receipt's line order (as GET /moves?operation= lists them), for the split's rounding.
  const order = await ctx.db.query<{ id: string }>(
    `select id from inventory_move where tenant_id = $1 and operation_id = $2 order by created_at, id`,
    [ctx.tenant.id, op.id],
  );
  const pos = new Map(order.map((o, i) => [o.id, i]));
  rows.sort((a, b) => (pos.get(a.move_id) ?? 0) - (pos.get(b.move_id) ?? 0));

  let shares: bigint[];
  if (split === 'manual') {
    const given = input.lines ?? [];
    if (!given.length) throw landedErrors.field('lines', 'must name each line’s amount when split is manual');
    const byMove = new Map<string, bigint>();
    given.forEach((g, i) => {
      if (!rows.some((r) => r.move_id === g.moveId)) {
        throw landedErrors.field(`lines.${i}.moveId`, 'is not a valued line of this receipt');
      }
      if (byMove.has(g.moveId)) throw landedErrors.field(`lines.${i}.moveId`, 'is given twice');
      byMove.set(g.moveId, parse(g.amount));
    });
    const sum = [...byMove.values()].reduce((s, v) => s + v, 0n);
    if (sum !== amount) throw landedErrors.field('amount', `must equal the lines’ amounts (${format(sum)})`);
    shares = rows.map((r) => byMove.get(r.move_id) ?? 0n);
  } else {
    const weights = rows.map((r) => parse(split === 'value' ? (r.value ?? '0') : r.quantity));
    if (weights.every((w) => w === 0n)) throw landedErrors.field('split', `the receipt’s lines have no ${split}`);
    shares = byWeight(amount, weights);
  }

  const lines = rows.map((r, i) => {
    const share = shares[i] as bigint;
    const q = parse(r.layer_quantity);
    const left = parse(r.remaining);
    // What the goods still in stock carry: share × remaining ÷ quantity; the rest left with deliveries.
    const stock = left === q ? share : left === 0n ? 0n : parse(convert(format(left), format(share), format(q)));
    return { r, share, stock, delivered: share - stock };
  });
  const landed = await ctx.db.repo(LandedCost).insert({
    operation: op.id,
    description: input.description ?? null,
    amount: format(amount),
    split,
    stockValue: format(lines.reduce((s, l) => s + l.stock, 0n)),
    deliveredValue: format(lines.reduce((s, l) => s + l.delivered, 0n)),
    doneAt: new Date().toISOString(),
  });
  // The transaction's time, as the layers' history and the moves have it.
  await ctx.db.query(`update inventory_landed_cost set done_at = now() where tenant_id = $1 and id = $2`, [
    ctx.tenant.id,
    landed.id,
  ]);
  // The layers: one statement. A layer still holding goods gets the unit cost of its new value.
  const raised = lines.filter((l) => l.stock !== 0n);
  if (raised.length) {
    await ctx.db.query(
      `update inventory_cost_layer l
          set remaining_value = l.remaining_value + d.add,
              unit_cost = case when l.remaining > 0 then round((l.remaining_value + d.add) / l.remaining, 6) else l.unit_cost end,
              updated_at = now()
         from unnest($2::uuid[], $3::numeric[]) d(id, add)
        where l.tenant_id = $1 and l.id = d.id`,
      [ctx.tenant.id, raised.map((l) => l.r.layer_id), raised.map((l) => format(l.stock))],
    );
    await writeEntries(
      ctx,
      raised.map((l) => ({
        productId: l.r.product_id,
        layerId: l.r.layer_id,
        moveId: null,
        kind: 'landed' as const,
        quantity: 0n,
        value: l.stock,
      })),
    );
  }
  await ctx.db.query(
    `insert into inventory_landed_cost_line (tenant_id, landed_cost_id, move_id, product_id, layer_id, amount, stock_value, delivered_value, created_by)
     select $1, $2, d.move_id, d.product_id, d.layer_id, d.amount, d.stock, d.delivered, nullif(current_setting('app.user_id', true), '')::uuid
       from unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::numeric[], $7::numeric[], $8::numeric[])
            as d(move_id, product_id, layer_id, amount, stock, delivered)`,
    [
      ctx.tenant.id,
      landed.id,
      lines.map((l) => l.r.move_id),
      lines.map((l) => l.r.product_id),
      lines.map((l) => l.r.layer_id),
      lines.map((l) => format(l.share)),
      lines.map((l) => format(l.stock)),
      lines.map((l) => format(l.delivered)),
    ],
  );
  return getLandedCost(ctx, landed.id);
}

export async function getLandedCost(ctx: SystemContext, id: string) {
  const landed = await ctx.db.repo(LandedCost).getOrThrow(id);
  const lines = await ctx.db.repo(LandedCostLine).find({ where: { landedCost: id }, limit: 5000 });
  // In the receipt's line order.
  const order = await ctx.db.query<{ id: string }>(
    `select id from inventory_move where tenant_id = $1 and operation_id = $2 order by created_at, id`,
    [ctx.tenant.id, landed.operation],
  );
  const pos = new Map(order.map((o, i) => [o.id, i]));
  lines.sort((a, b) => (pos.get(a.move) ?? 0) - (pos.get(b.move) ?? 0));
  return { ...landed, lines };
}
