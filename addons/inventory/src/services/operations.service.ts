import { randomUUID } from 'node:crypto';
import type { RequestContext, SystemContext } from '@elevate/sdk';
import { inventoryErrors, locationErrors } from '../errors.ts';
import { StockChanged } from '../events.ts';
import { Location, type LocationRow } from '../models/location.model.ts';
import { Move, type MoveRow } from '../models/move.model.ts';
import { Operation, type OperationKind, type OperationRow } from '../models/operation.model.ts';
import { Product, type ProductRow } from '../models/product.model.ts';
import { Uom, type UomRow } from '../models/uom.model.ts';
import type { InventorySettings } from '../settings.ts';
import { convert, format, parse } from './decimal.ts';
import { defaultStockLocation, systemLocation } from './locations.service.ts';
import { applyLotDeltas, assignLots, type LotEntry, type LotFields, lotDeltasOf } from './lots.service.ts';
import { STOCKED } from './moves.service.ts';
import { planValuation } from './valuation.service.ts';

// Operations with many lines, done in one transaction with set-based SQL: one statement each for
// the moves, the new cost layers, the consumed layers and the quants, however many lines. The
// rules are those of one move (moves.service.ts): the same checks, the same negative-stock policy,
// the same valuation arithmetic (layers.ts); a refused line refuses the whole operation.

export interface LineInput {
  productId: string;
  quantity: string;
  uomId?: string | null;
  /** Goods coming in: their unit cost (default: the product's cost). */
  unitCost?: string | null;
  /** Default: the operation's ends. */
  fromLocationId?: string | null;
  toLocationId?: string | null;
  /** Tracked products: the line's lots (`lotId` / `lotName` for one). */
  lotId?: string | null;
  lotName?: string | null;
  lots?: LotEntry[] | null;
}

export interface OperationInput {
  kind: OperationKind;
  /** Receipts default to the supplier location, deliveries to the first warehouse's Stock. */
  fromLocationId?: string | null;
  /** Receipts default to the first warehouse's Stock, deliveries to the customer location. */
  toLocationId?: string | null;
  reference?: string | null;
  origin?: string | null;
  /** `done` (default) validates at once; `draft` keeps the lines as draft moves. */
  state?: 'draft' | 'done';
  lines: LineInput[];
}

/** A line ready to be done: the rows it refers to, its quantity in the stock unit. */
export interface ResolvedLine {
  moveId: string;
  product: ProductRow;
  from: LocationRow;
  to: LocationRow;
  quantity: string;
  uom: string | null;
  uomQuantity: string | null;
  unitCost: string | null;
  lotId: string | null;
  lotName?: string;
  lotPath?: string;
}

async function byId<T extends { id: string }>(rows: Promise<(T | null)[]>): Promise<Map<string, T>> {
  return new Map((await rows).filter((r): r is T => r !== null).map((r) => [r.id, r]));
}

async function defaultEnds(ctx: SystemContext, input: OperationInput) {
  const given = async (id: string | null | undefined) => id ?? null;
  switch (input.kind) {
    case 'receipt':
      return {
        from: input.fromLocationId ?? (await systemLocation(ctx, 'supplier')).id,
        to: input.toLocationId ?? (await defaultStockLocation(ctx)).id,
      };
    case 'delivery':
      return {
        from: input.fromLocationId ?? (await defaultStockLocation(ctx)).id,
        to: input.toLocationId ?? (await systemLocation(ctx, 'customer')).id,
      };
    default:
      return { from: await given(input.fromLocationId), to: await given(input.toLocationId) };
  }
}

/** Checks every line and reads what they refer to in three statements (products, locations, units). */
export async function resolveLines(
  ctx: SystemContext,
  lines: LineInput[],
  ends: { from: string | null; to: string | null },
  ids: string[] = lines.map(() => randomUUID()),
): Promise<ResolvedLine[]> {
  const products = await byId(ctx.db.repo(Product).getMany([...new Set(lines.map((l) => l.productId))]));
  const locIds = new Set<string>();
  for (const l of lines) {
    for (const id of [l.fromLocationId ?? ends.from, l.toLocationId ?? ends.to]) if (id) locIds.add(id);
  }
  const locations = await byId(ctx.db.repo(Location).getMany([...locIds]));
  const uomIds = new Set<string>();
  for (const l of lines) {
    const p = products.get(l.productId);
    if (l.uomId && p && l.uomId !== p.uom) uomIds.add(l.uomId).add(p.uom);
  }
  const uoms: Map<string, UomRow> = uomIds.size ? await byId(ctx.db.repo(Uom).getMany([...uomIds])) : new Map();
  return lines.map((l, i) => {
    const at = `lines.${i}`;
    const product = products.get(l.productId);
    if (!product) throw inventoryErrors.notFound('product', `${at}.productId`);
    if (product.type === 'service') throw inventoryErrors.service(`${at}.productId`);
    const end = (id: string | null | undefined, path: string) => {
      const loc = id ? locations.get(id) : undefined;
      if (!loc) throw inventoryErrors.notFound('location', `${at}.${path}`);
      if (loc.usage === 'view') throw inventoryErrors.notStockLocation(`${at}.${path}`);
      if (!loc.active) throw locationErrors.archived(`${at}.${path}`, loc.fullName);
      return loc;
    };
    const from = end(l.fromLocationId ?? ends.from, 'fromLocationId');
    const to = end(l.toLocationId ?? ends.to, 'toLocationId');
    if (from.id === to.id) throw inventoryErrors.quantity(`${at}.toLocationId`, 'must differ from fromLocationId');
    let quantity = format(parse(l.quantity));
    let uom: string | null = null;
    let uomQuantity: string | null = null;
    if (l.uomId && l.uomId !== product.uom) {
      const a = uoms.get(l.uomId);
      const b = uoms.get(product.uom);
      if (!a) throw inventoryErrors.notFound('unit of measure', `${at}.uomId`);
      if (!b || a.kind !== b.kind) throw inventoryErrors.uomKind(`${at}.uomId`);
      quantity = convert(l.quantity, a.factor, b.factor);
      uom = a.id;
      uomQuantity = l.quantity;
    }
    if (parse(quantity) <= 0n)
      throw inventoryErrors.quantity(`${at}.quantity`, 'must be more than 0 in the stock unit');
    return {
      moveId: ids[i] as string,
      product,
      from,
      to,
      quantity,
      uom,
      uomQuantity,
      unitCost: l.unitCost ?? null,
      lotId: l.lotId ?? null,
    };
  });
}

const userOf = (ctx: SystemContext) => ('user' in ctx ? ((ctx as RequestContext).user?.id ?? null) : null);

/** Creates an operation with its lines: done at once (default) or kept as a draft. */
export async function createOperation(ctx: SystemContext, input: OperationInput): Promise<OperationRow> {
  if (!input.lines.length) throw inventoryErrors.quantity('lines', 'must have at least one line');
  const ends = await defaultEnds(ctx, input);
  const lines = await assignLots(
    ctx,
    await resolveLines(ctx, input.lines, ends),
    (i) => input.lines[i] as LotFields,
    (i) => `lines.${i}.`,
    input.state === 'draft',
  );
  const insertOp = () =>
    ctx.db.repo(Operation).insert({
      kind: input.kind,
      state: 'draft',
      reference: input.reference ?? null,
      origin: input.origin ?? null,
      from: ends.from,
      to: ends.to,
      lineCount: lines.length,
    });
  if (input.state === 'draft') {
    const op = await insertOp();
    await insertMoves(ctx, op, lines, 'draft', null);
    return op;
  }
  // Written only once every line has passed the stock checks: a refusal leaves nothing behind.
  let id = '';
  await completeLines(ctx, lines, async (values) => {
    const op = await insertOp();
    id = op.id;
    await insertMoves(ctx, op, lines, 'done', values);
  });
  return markDone(ctx, id);
}

/** Validates a draft operation: all its draft lines are done, or none. Twice at once applies once. */
export async function validateOperation(
  ctx: SystemContext,
  id: string,
  lots: { moveId: string; lots: LotEntry[] }[] = [],
): Promise<OperationRow> {
  const locked = await ctx.db.query<{ id: string }>(
    `select id from inventory_operation where tenant_id = $1 and id = $2 and state = 'draft' for update`,
    [ctx.tenant.id, id],
  );
  const op = await ctx.db.repo(Operation).getOrThrow(id);
  if (!locked.length) throw inventoryErrors.moveState(op.state, 'done');
  const moves = await ctx.db
    .repo(Move)
    .find({ where: { operation: id, state: { in: ['draft', 'confirmed'] } }, orderBy: [{ field: 'createdAt' }] });
  if (!moves.length) throw inventoryErrors.quantity('lines', 'the operation has no lines to do');
  const given = new Map(lots.map((l) => [l.moveId, l.lots]));
  const lines = await assignLots(
    ctx,
    await resolveLines(
      ctx,
      moves.map((m) => ({
        productId: m.product,
        quantity: m.quantity,
        unitCost: m.unitCost,
        fromLocationId: m.from,
        toLocationId: m.to,
        lotId: m.lot,
      })),
      { from: null, to: null },
      moves.map((m) => m.id),
    ),
    (i) => {
      const m = moves[i] as MoveRow;
      return given.has(m.id) ? { lots: given.get(m.id) ?? null } : { lotId: m.lot };
    },
    // Errors name the draft's lines in their order (as GET /moves?operation= lists them).
    (i) => `lines.${i}.`,
  );
  await rewriteDrafts(ctx, op, moves, lines);
  await completeLines(ctx, lines, async (values) => {
    await ctx.db.query(
      `update inventory_move m set state = 'done', done_at = now(), value = d.value, updated_at = now()
         from unnest($2::uuid[], $3::numeric[]) d(id, value)
        where m.tenant_id = $1 and m.id = d.id`,
      [ctx.tenant.id, lines.map((l) => l.moveId), values],
    );
  });
  return markDone(ctx, id);
}

export async function cancelOperation(ctx: SystemContext, id: string): Promise<OperationRow> {
  const rows = await ctx.db.query<{ id: string }>(
    `update inventory_operation set state = 'cancelled', updated_at = now()
      where tenant_id = $1 and id = $2 and state = 'draft' returning id`,
    [ctx.tenant.id, id],
  );
  const op = await ctx.db.repo(Operation).getOrThrow(id);
  if (!rows.length) throw inventoryErrors.moveState(op.state, 'cancelled');
  await ctx.db.query(
    `update inventory_move set state = 'cancelled', updated_at = now()
      where tenant_id = $1 and operation_id = $2 and state in ('draft', 'confirmed')`,
    [ctx.tenant.id, id],
  );
  return op;
}

/** Draft moves whose lots were assigned at validation: the lot set, and a move more per extra lot. */
async function rewriteDrafts(ctx: SystemContext, op: OperationRow, moves: MoveRow[], lines: ResolvedLine[]) {
  const byId = new Map(moves.map((m) => [m.id, m]));
  const changed = lines.filter((l) => {
    const m = byId.get(l.moveId);
    return m && (m.lot !== l.lotId || m.quantity !== l.quantity);
  });
  if (changed.length) {
    await ctx.db.query(
      `update inventory_move m set lot_id = d.lot_id, quantity = d.quantity, uom_id = d.uom_id,
              uom_quantity = d.uom_quantity, updated_at = now()
         from unnest($2::uuid[], $3::uuid[], $4::numeric[], $5::uuid[], $6::numeric[]) d(id, lot_id, quantity, uom_id, uom_quantity)
        where m.tenant_id = $1 and m.id = d.id`,
      [
        ctx.tenant.id,
        changed.map((l) => l.moveId),
        changed.map((l) => l.lotId),
        changed.map((l) => l.quantity),
        changed.map((l) => l.uom),
        changed.map((l) => l.uomQuantity),
      ],
    );
  }
  const added = lines.filter((l) => !byId.has(l.moveId));
  if (added.length) {
    await insertMoves(ctx, op, added, 'draft', null);
    await ctx.db.query(
      `update inventory_operation set line_count = line_count + $3, updated_at = now() where tenant_id = $1 and id = $2`,
      [ctx.tenant.id, op.id, added.length],
    );
  }
}

async function markDone(ctx: SystemContext, id: string): Promise<OperationRow> {
  await ctx.db.query(
    `update inventory_operation set state = 'done', done_at = now(), done_by = $3, updated_at = now()
      where tenant_id = $1 and id = $2`,
    [ctx.tenant.id, id, userOf(ctx)],
  );
  return ctx.db.repo(Operation).getOrThrow(id);
}

async function insertMoves(
  ctx: SystemContext,
  op: OperationRow,
  lines: ResolvedLine[],
  state: 'draft' | 'done',
  values: (string | null)[] | null,
) {
  await ctx.db.query(
    `insert into inventory_move (tenant_id, id, product_id, quantity, uom_id, uom_quantity, from_id, to_id, state, kind, reference,
                                 unit_cost, value, done_at, operation_id, lot_id, created_by)
     select $1, d.id, d.product_id, d.quantity, d.uom_id, d.uom_quantity, d.from_id, d.to_id, $2::text, $3::text, $4::text,
            d.unit_cost, d.value, case when $2::text = 'done' then now() end, $5, d.lot_id,
            nullif(current_setting('app.user_id', true), '')::uuid
       from unnest($6::uuid[], $7::uuid[], $8::numeric[], $9::uuid[], $10::numeric[], $11::uuid[], $12::uuid[],
                   $13::numeric[], $14::numeric[], $15::uuid[])
            as d(id, product_id, quantity, uom_id, uom_quantity, from_id, to_id, unit_cost, value, lot_id)`,
    [
      ctx.tenant.id,
      state,
      op.kind,
      op.reference,
      op.id,
      lines.map((l) => l.moveId),
      lines.map((l) => l.product.id),
      lines.map((l) => l.quantity),
      lines.map((l) => l.uom),
      lines.map((l) => l.uomQuantity),
      lines.map((l) => l.from.id),
      lines.map((l) => l.to.id),
      lines.map((l) => l.unitCost),
      values ?? lines.map(() => null),
      lines.map((l) => l.lotId),
    ],
  );
}

interface QuantDelta {
  productId: string;
  locationId: string;
  delta: bigint;
  taken: bigint;
  refuse: boolean;
  product: ProductRow;
  location: LocationRow;
}

/**
 * The stock and valuation side of doing `lines`: checks the negative-stock policy for every
 * (product, location) the lines take from, then changes quants, consumes and adds cost layers and
 * publishes one `inventory.stock.changed` per changed quant. Returns each line's value. The moves
 * themselves are written by the caller (inserted done, or updated from draft).
 */
export async function completeLines(
  ctx: SystemContext,
  lines: ResolvedLine[],
  writeMoves: (values: (string | null)[]) => Promise<void>,
): Promise<void> {
  const { negativeStock, valuation } = await ctx.settings<InventorySettings>('inventory');
  // Lot quants first (every path locks lots before products); a lot short refuses everything.
  await applyLotDeltas(ctx, lotDeltasOf(lines));
  const deltas = new Map<string, QuantDelta>();
  const at = (product: ProductRow, location: LocationRow) => {
    const key = `${product.id}|${location.id}`;
    let d = deltas.get(key);
    if (!d) {
      d = { productId: product.id, locationId: location.id, delta: 0n, taken: 0n, refuse: false, product, location };
      deltas.set(key, d);
    }
    return d;
  };
  for (const l of lines) {
    const q = parse(l.quantity);
    if (STOCKED.has(l.from.usage)) {
      const d = at(l.product, l.from);
      d.delta -= q;
      d.taken += q;
      // Consumables and transit may go below zero whatever the policy (as for one move).
      if (negativeStock === 'refuse' && l.product.type !== 'consumable' && l.from.usage !== 'transit') d.refuse = true;
    }
    if (STOCKED.has(l.to.usage)) at(l.product, l.to).delta += q;
  }
  // Sorted, so two operations on the same quants lock them in the same order (no deadlock).
  const keys = [...deltas.values()].sort((a, b) =>
    a.productId === b.productId ? (a.locationId < b.locationId ? -1 : 1) : a.productId < b.productId ? -1 : 1,
  );
  const checked = keys.filter((k) => k.refuse && k.delta < 0n);
  if (checked.length) {
    const rows = await ctx.db.query<{ product_id: string; location_id: string; free: string }>(
      `select q.product_id, q.location_id, (q.quantity - q.reserved)::text as free
         from inventory_quant q
         join unnest($2::uuid[], $3::uuid[]) d(product_id, location_id)
           on q.product_id = d.product_id and q.location_id = d.location_id
        where q.tenant_id = $1
        order by q.product_id, q.location_id for update of q`,
      [ctx.tenant.id, checked.map((k) => k.productId), checked.map((k) => k.locationId)],
    );
    const free = new Map(rows.map((r) => [`${r.product_id}|${r.location_id}`, parse(r.free)]));
    for (const k of checked) {
      const available = (free.get(`${k.productId}|${k.locationId}`) ?? 0n) + (k.taken + k.delta);
      if (available >= k.taken) continue;
      throw inventoryErrors.insufficient({
        productId: k.productId,
        sku: k.product.sku,
        locationId: k.locationId,
        location: k.location.fullName,
        requested: format(k.taken),
        available: format(available),
        shortfall: format(k.taken - available),
      });
    }
  }

  // Valuation: lock the layers the lines leaving a warehouse will consume, then value each line in order.
  const plan = await planValuation(ctx, lines, valuation);
  // The moves first: a new layer points to the move that brought its goods in.
  await writeMoves(plan.values);
  await plan.write();

  // Quants: one upsert for every changed (product, location), in key order.
  const changed = keys.filter((k) => k.delta !== 0n);
  if (changed.length) {
    const levels = await ctx.db.query<{ product_id: string; location_id: string; quantity: string; reserved: string }>(
      `insert into inventory_quant (tenant_id, product_id, location_id, quantity, reserved)
       select $1, d.product_id, d.location_id, d.qty, 0
         from unnest($2::uuid[], $3::uuid[], $4::numeric[]) with ordinality d(product_id, location_id, qty, n)
        order by d.n
       on conflict (tenant_id, product_id, location_id)
       do update set quantity = inventory_quant.quantity + excluded.quantity, updated_at = now()
       returning product_id, location_id, quantity::text, reserved::text`,
      [
        ctx.tenant.id,
        changed.map((k) => k.productId),
        changed.map((k) => k.locationId),
        changed.map((k) => format(k.delta)),
      ],
    );
    for (const r of levels) {
      await ctx.events.publish(StockChanged, r.product_id, {
        productId: r.product_id,
        locationId: r.location_id,
        onHand: format(parse(r.quantity)),
        reserved: format(parse(r.reserved)),
        available: format(parse(r.quantity) - parse(r.reserved)),
      });
    }
  }
}
