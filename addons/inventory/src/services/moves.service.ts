import type { SystemContext } from '@elevate/sdk';
import { inventoryErrors, locationErrors, lotErrors } from '../errors.ts';
import { StockChanged } from '../events.ts';
import { Location, type LocationRow } from '../models/location.model.ts';
import { Lot } from '../models/lot.model.ts';
import { Move, type MoveRow } from '../models/move.model.ts';
import { Product, type ProductRow } from '../models/product.model.ts';
import { Uom } from '../models/uom.model.ts';
import type { InventorySettings } from '../settings.ts';
import { convert, format, parse } from './decimal.ts';
import { applyLotDeltas, assignLots, isTracked, type LotFields, type LottedLine, lotDeltasOf } from './lots.service.ts';
import { addToQuant, type QuantLevel, quantAt, takeFromQuant } from './quants.sql.ts';
import { valueMove } from './valuation.service.ts';

/** Locations whose stock is the company's own and kept in quants. */
export const STOCKED = new Set(['internal', 'transit']);

export interface MoveInput {
  productId: string;
  quantity: string;
  uomId?: string | null;
  fromLocationId: string;
  toLocationId: string;
  reference?: string | null;
  kind?: MoveRow['kind'];
  /** Where the move ends up: `draft` (default), `confirmed` or `done`. */
  state?: 'draft' | 'confirmed' | 'done';
  reservationId?: string | null;
  /** For goods coming in: their unit cost (default: the product's cost). */
  unitCost?: string | null;
  /** Tracked products: the lot or serial (an existing one, or a new name for goods coming in). */
  lotId?: string | null;
  lotName?: string | null;
}

interface LotOfMove {
  lotId: string | null;
  lotName?: string;
  lotPath?: string;
}

/**
 * The one lot of a single move (a move moves one lot; several are an operation). Goods coming in
 * must name it; goods going out take the oldest lot when it holds the whole quantity.
 */
async function lotOfMove(
  ctx: SystemContext,
  line: { product: ProductRow; from: LocationRow; to: LocationRow; quantity: string },
  fields: LotFields,
): Promise<LotOfMove> {
  const [first, second] = await assignLots(
    ctx,
    [{ ...line, moveId: '', uom: null, uomQuantity: null, lotId: null } as LottedLine],
    () => ({ ...fields, emptyPath: 'lotId' }),
    () => '',
  );
  if (second) throw lotErrors.split('lotId', line.product.sku);
  return { lotId: first?.lotId ?? null, lotName: first?.lotName, lotPath: first?.lotPath };
}

export async function stockedProduct(ctx: SystemContext, id: string, path = 'productId'): Promise<ProductRow> {
  const p = await ctx.db.repo(Product).get(id);
  if (!p) throw inventoryErrors.notFound('product', path);
  if (p.type === 'service') throw inventoryErrors.service(path);
  return p;
}

export async function locationOf(ctx: SystemContext, id: string, path: string): Promise<LocationRow> {
  return usable(await ctx.db.repo(Location).get(id), path);
}

function usable(l: LocationRow | null, path: string): LocationRow {
  if (!l) throw inventoryErrors.notFound('location', path);
  if (l.usage === 'view') {
    throw inventoryErrors.notStockLocation(path);
  }
  if (!l.active) throw locationErrors.archived(path, l.fullName);
  return l;
}

/** A quantity in `uomId` as a quantity in the product's stock unit (same kind only). */
export async function toStockUnit(ctx: SystemContext, product: ProductRow, qty: string, uomId?: string | null) {
  if (!uomId || uomId === product.uom) return { quantity: format(parse(qty)), uom: null, uomQuantity: null };
  const [from, to] = await ctx.db.repo(Uom).getMany([uomId, product.uom]);
  if (!from) throw inventoryErrors.notFound('unit of measure', 'uomId');
  if (!to || from.kind !== to.kind) throw inventoryErrors.uomKind('uomId');
  return { quantity: convert(qty, from.factor, to.factor), uom: from.id, uomQuantity: qty };
}

export async function createMove(ctx: SystemContext, input: MoveInput): Promise<MoveRow> {
  const product = await stockedProduct(ctx, input.productId);
  const [from, to] = await ctx.db.repo(Location).getMany([input.fromLocationId, input.toLocationId]);
  const fromLoc = usable(from ?? null, 'fromLocationId');
  const toLoc = usable(to ?? null, 'toLocationId');
  if (input.fromLocationId === input.toLocationId) {
    throw inventoryErrors.quantity('toLocationId', 'must differ from fromLocationId');
  }
  const q = await toStockUnit(ctx, product, input.quantity, input.uomId);
  if (parse(q.quantity) <= 0n) throw inventoryErrors.quantity('quantity', 'must be more than 0 in the stock unit');
  const fields = { lotId: input.lotId ?? null, lotName: input.lotName ?? null };
  // Drafts may leave the lot to validation; a move done now gets its lot now.
  const lot =
    input.state === 'done' || fields.lotId || fields.lotName || !isTracked(product)
      ? await lotOfMove(ctx, { product, from: fromLoc, to: toLoc, quantity: q.quantity }, fields)
      : { lotId: null };
  const move = await ctx.db.repo(Move).insert({
    product: product.id,
    quantity: q.quantity,
    uom: q.uom,
    uomQuantity: q.uomQuantity,
    from: input.fromLocationId,
    to: input.toLocationId,
    reference: input.reference ?? null,
    kind: input.kind ?? 'internal',
    reservation: input.reservationId ?? null,
    unitCost: input.unitCost ?? null,
    lot: lot.lotId,
    state: input.state === 'draft' || input.state === undefined ? 'draft' : 'confirmed',
  });
  // A move created done is completed at once: no other transaction can see it yet, so no lock.
  return input.state === 'done' ? complete(ctx, move, product, fromLoc, toLoc, '0', lot) : move;
}

async function transition(ctx: SystemContext, id: string, to: 'confirmed' | 'cancelled', from: string[]) {
  const rows = await ctx.db.query<{ id: string }>(
    `update inventory_move set state = $3, updated_at = now()
      where tenant_id = $1 and id = $2 and state = any($4::text[]) returning id`,
    [ctx.tenant.id, id, to, from],
  );
  if (!rows.length) {
    const move = await ctx.db.repo(Move).getOrThrow(id);
    throw inventoryErrors.moveState(move.state, to);
  }
  return ctx.db.repo(Move).getOrThrow(id);
}

export const confirmMove = (ctx: SystemContext, id: string) => transition(ctx, id, 'confirmed', ['draft']);
export const cancelMove = (ctx: SystemContext, id: string) => transition(ctx, id, 'cancelled', ['draft', 'confirmed']);

/**
 * Marks a move done and changes the quants of both ends in the same transaction. The state
 * change is a conditional UPDATE, so validating one move twice at once applies it once.
 * `fromReserved` is the part a reservation held at the source.
 */
export async function validateMove(
  ctx: SystemContext,
  id: string,
  fromReserved = '0',
  fields: LotFields = {},
  lotReserved = '0',
): Promise<MoveRow> {
  // Lock the move while it is still open: a second validation waits here, then finds it done.
  const done = await ctx.db.query<{ id: string }>(
    `select id from inventory_move
      where tenant_id = $1 and id = $2 and state in ('draft', 'confirmed') for update`,
    [ctx.tenant.id, id],
  );
  const move = await ctx.db.repo(Move).get(id);
  if (!move) throw inventoryErrors.notFound('move', 'id');
  if (!done.length) throw inventoryErrors.moveState(move.state, 'done');
  const [from, to] = await ctx.db.repo(Location).getMany([move.from, move.to]);
  const product = (await ctx.db.repo(Product).get(move.product)) as ProductRow;
  const ends = { product, from: from as LocationRow, to: to as LocationRow, quantity: move.quantity };
  let lot: LotOfMove = { lotId: move.lot };
  if (fields.lotId || fields.lotName || (isTracked(product) && !move.lot)) {
    lot = await lotOfMove(ctx, ends, fields);
    // Still open, so it may change: the lot chosen now is the one it is done with.
    await ctx.db.query(`update inventory_move set lot_id = $3, updated_at = now() where tenant_id = $1 and id = $2`, [
      ctx.tenant.id,
      id,
      lot.lotId,
    ]);
  } else if (move.lot) {
    lot = { lotId: move.lot, lotName: (await ctx.db.repo(Lot).get(move.lot))?.name ?? '', lotPath: 'lotId' };
  }
  return complete(ctx, { ...move, lot: lot.lotId }, product, ends.from, ends.to, fromReserved, lot, lotReserved);
}

/** The quants of both ends, the valuation, then the move marked done; all in the caller's transaction. */
async function complete(
  ctx: SystemContext,
  move: MoveRow,
  product: ProductRow,
  from: LocationRow,
  to: LocationRow,
  fromReserved: string,
  lot: LotOfMove = { lotId: null },
  lotReserved = '0',
): Promise<MoveRow> {
  const id = move.id;
  const { negativeStock, valuation } = await ctx.settings<InventorySettings>('inventory');
  // The lot's quants first, as every path does (lots, then products: one lock order).
  const lotDeltas = lotDeltasOf([
    { product, from, to, quantity: move.quantity, moveId: id, uom: null, uomQuantity: null, ...lot },
  ]);
  for (const d of lotDeltas) if (d.delta < 0n) d.fromReserved = parse(lotReserved);
  await applyLotDeltas(ctx, lotDeltas);
  const changed: { locationId: string; level: QuantLevel }[] = [];
  if (STOCKED.has(from.usage)) {
    // Consumables are not counted strictly: they may go below zero whatever the policy.
    const policy = product.type === 'consumable' || from.usage === 'transit' ? 'allow' : negativeStock;
    const level = await takeFromQuant(ctx, move.product, from.id, move.quantity, fromReserved, policy);
    if (!level) {
      const now = await quantAt(ctx, move.product, from.id);
      const available = format(parse(now.quantity) - parse(now.reserved) + parse(fromReserved));
      throw inventoryErrors.insufficient({
        productId: product.id,
        sku: product.sku,
        locationId: from.id,
        location: from.fullName,
        requested: move.quantity,
        available,
        shortfall: format(parse(move.quantity) - parse(available)),
      });
    }
    changed.push({ locationId: from.id, level });
  }
  if (STOCKED.has(to.usage)) {
    changed.push({ locationId: to.id, level: await addToQuant(ctx, move.product, to.id, move.quantity) });
  }
  const value = await valueMove(ctx, move, product, from, to, valuation);
  // Done last, while the move is still open (done moves are immutable, even to this addon).
  const [after] = await ctx.db.query<{ done_at: Date; updated_at: Date; value: string | null }>(
    `update inventory_move set state = 'done', done_at = now(), value = $3::numeric, updated_at = now()
      where tenant_id = $1 and id = $2 returning done_at, updated_at, value::text`,
    [ctx.tenant.id, id, value],
  );
  for (const c of changed) {
    await ctx.events.publish(StockChanged, move.product, {
      productId: move.product,
      locationId: c.locationId,
      onHand: c.level.quantity,
      reserved: c.level.reserved,
      available: format(parse(c.level.quantity) - parse(c.level.reserved)),
    });
  }
  return {
    ...move,
    state: 'done',
    value: after?.value ?? null,
    doneAt: new Date(after?.done_at ?? Date.now()).toISOString(),
    updatedAt: new Date(after?.updated_at ?? Date.now()).toISOString(),
  };
}
