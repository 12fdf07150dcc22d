import { defineService, type SystemContext } from '@elevate/sdk';
import { inventoryErrors, lotErrors, type Shortfall } from '../errors.ts';
import { StockChanged } from '../events.ts';
import { Location } from '../models/location.model.ts';
import { Lot } from '../models/lot.model.ts';
import { Move, type MoveRow } from '../models/move.model.ts';
import type { OperationRow } from '../models/operation.model.ts';
import type { ProductRow } from '../models/product.model.ts';
import { Reservation, type ReservationRow } from '../models/reservation.model.ts';
import { format, parse } from './decimal.ts';
import { defaultStockLocation, systemLocation } from './locations.service.ts';
import { isTracked, lotQuantAt, reserveLot } from './lots.service.ts';
import { createMove, locationOf, STOCKED, stockedProduct, toStockUnit, validateMove } from './moves.service.ts';
import { createOperation, type OperationInput } from './operations.service.ts';
import { type QuantLevel, quantAt, reserveInQuant, unreserveInQuant } from './quants.sql.ts';

export interface StockLevel {
  productId: string;
  onHand: string;
  reserved: string;
  available: string;
}

export interface StockScope {
  productId: string;
  /** A location and everything under it. */
  locationId?: string;
  /** Every internal location of a warehouse. */
  warehouseId?: string;
}

export interface ReserveInput {
  productId: string;
  quantity: string;
  uomId?: string | null;
  /** Default: the first warehouse's Stock location. */
  locationId?: string | null;
  demand?: string | null;
  idempotencyKey?: string | null;
  /** Tracked products: hold this lot or serial (default: any of the product's lots). */
  lotId?: string | null;
}

/** An expected business outcome, not an error: the caller decides what to do when stock is short. */
export type ReserveResult = { ok: true; reservation: ReservationRow } | { ok: false; shortfall: Shortfall };

/** What other addons (sales) use: inject it with `ctx.services.get(Stock)`. */
export interface StockService {
  onHand(scope: StockScope): Promise<StockLevel>;
  reserve(input: ReserveInput): Promise<ReserveResult>;
  release(reservationId: string): Promise<ReservationRow>;
  /** Delivers what a reservation holds (all of what remains by default) to the customer location. */
  deliver(reservationId: string, quantity?: string): Promise<MoveRow>;
  /** Takes delivered goods back (all of a done delivery move by default): a done move customer → its source. */
  returnDelivered(moveId: string, quantity?: string): Promise<MoveRow>;
  /**
   * A receipt, delivery, transfer or adjustment of many lines in one go (done by default): every
   * line is done or, when one is refused (409 INVENTORY_INSUFFICIENT_STOCK), none is.
   */
  operate(input: OperationInput): Promise<OperationRow>;
}

export const Stock = defineService<StockService>('inventory.stock');

export function stockService(ctx: SystemContext): StockService {
  return {
    onHand: (scope) => onHand(ctx, scope),
    reserve: (input) => reserve(ctx, input),
    release: (id) => release(ctx, id),
    deliver: (id, quantity) => deliver(ctx, id, quantity),
    returnDelivered: (id, quantity) => returnDelivered(ctx, id, quantity),
    operate: (input) => createOperation(ctx, input),
  };
}

export async function onHand(ctx: SystemContext, scope: StockScope): Promise<StockLevel> {
  const params: unknown[] = [ctx.tenant.id, scope.productId];
  let where = '';
  if (scope.locationId) {
    const root = await ctx.db.repo(Location).get(scope.locationId);
    if (!root) throw inventoryErrors.notFound('location', 'locationId');
    params.push(root.id, `${root.fullName.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`);
    where = ` and (l.id = $3 or l.full_name like $4)`;
  } else if (scope.warehouseId) {
    params.push(scope.warehouseId);
    where = ' and l.warehouse_id = $3';
  }
  const rows = await ctx.db.query<{ on_hand: string; reserved: string }>(
    `select coalesce(sum(q.quantity), 0)::text as on_hand, coalesce(sum(q.reserved), 0)::text as reserved
       from inventory_quant q
       join inventory_location l on l.tenant_id = q.tenant_id and l.id = q.location_id
      where q.tenant_id = $1 and q.product_id = $2 and l.usage = 'internal'${where}`,
    params,
  );
  const r = rows[0] ?? { on_hand: '0', reserved: '0' };
  return {
    productId: scope.productId,
    onHand: format(parse(r.on_hand)),
    reserved: format(parse(r.reserved)),
    available: format(parse(r.on_hand) - parse(r.reserved)),
  };
}

export interface LocationStock {
  locationId: string;
  location: string;
  warehouseId: string | null;
  onHand: string;
  reserved: string;
  available: string;
}

/** A product's stock at each location that holds or held some. */
export function stockByLocation(ctx: SystemContext, productId: string): Promise<LocationStock[]> {
  return quantsByLocation(ctx, 'inventory_quant', 'product_id', productId);
}

/**
 * Stock per location from a quant table: the product's (`inventory_quant` by `product_id`) or a
 * lot's (`inventory_lot_quant` by `lot_id`); both keep quantity and reserved per location.
 */
export async function quantsByLocation(
  ctx: SystemContext,
  table: 'inventory_quant' | 'inventory_lot_quant',
  key: 'product_id' | 'lot_id',
  id: string,
): Promise<LocationStock[]> {
  const rows = await ctx.db.query<{ id: string; full_name: string; warehouse_id: string | null; q: string; r: string }>(
    `select l.id, l.full_name, l.warehouse_id, q.quantity::text as q, q.reserved::text as r
       from ${table} q
       join inventory_location l on l.tenant_id = q.tenant_id and l.id = q.location_id
      where q.tenant_id = $1 and q.${key} = $2
      order by l.full_name`,
    [ctx.tenant.id, id],
  );
  return rows.map((r) => ({
    locationId: r.id,
    location: r.full_name,
    warehouseId: r.warehouse_id,
    onHand: format(parse(r.q)),
    reserved: format(parse(r.r)),
    available: format(parse(r.q) - parse(r.r)),
  }));
}

/** Goods in from a supplier: one done move supplier → location. */
export async function receive(
  ctx: SystemContext,
  input: {
    productId: string;
    quantity: string;
    uomId?: string | null;
    locationId?: string | null;
    reference?: string | null;
    unitCost?: string | null;
    lotId?: string | null;
    lotName?: string | null;
  },
): Promise<MoveRow> {
  const supplier = await systemLocation(ctx, 'supplier');
  const to = input.locationId ? await locationOf(ctx, input.locationId, 'locationId') : await defaultStockLocation(ctx);
  if (!STOCKED.has(to.usage)) throw inventoryErrors.notStockLocation('locationId');
  return createMove(ctx, {
    productId: input.productId,
    quantity: input.quantity,
    uomId: input.uomId ?? null,
    fromLocationId: supplier.id,
    toLocationId: to.id,
    reference: input.reference ?? null,
    unitCost: input.unitCost ?? null,
    lotId: input.lotId ?? null,
    lotName: input.lotName ?? null,
    kind: 'receipt',
    state: 'done',
  });
}

/** A count: moves the difference between counted and on hand to or from inventory loss. Null when equal. */
export async function adjust(
  ctx: SystemContext,
  input: {
    productId: string;
    locationId: string;
    countedQuantity: string;
    reference?: string | null;
    /** Tracked products: the lot counted (what is on hand of it is compared). */
    lotId?: string | null;
  },
): Promise<MoveRow | null> {
  const product = await stockedProduct(ctx, input.productId);
  const loc = await locationOf(ctx, input.locationId, 'locationId');
  if (loc.usage !== 'internal') throw inventoryErrors.notStockLocation('locationId');
  const loss = await systemLocation(ctx, 'inventory');
  const lot = await lotOf(ctx, product, input.lotId, 'lotId');
  if (!lot && isTracked(product)) throw lotErrors.required('lotId', product.sku);
  const now = lot
    ? ((await lotQuantAt(ctx, lot.id, loc.id))[0] ?? { quantity: '0' })
    : await quantAt(ctx, input.productId, loc.id);
  const diff = parse(input.countedQuantity) - parse(now.quantity);
  if (diff === 0n) return null;
  const up = diff > 0n;
  return createMove(ctx, {
    productId: input.productId,
    quantity: format(up ? diff : -diff),
    fromLocationId: up ? loss.id : loc.id,
    toLocationId: up ? loc.id : loss.id,
    reference: input.reference ?? 'Inventory count',
    lotId: lot?.id ?? null,
    kind: 'adjustment',
    state: 'done',
  });
}

/** A lot named by id for `product`: null when none is named; refused for another product or tenant. */
async function lotOf(ctx: SystemContext, product: ProductRow, lotId: string | null | undefined, path: string) {
  if (!lotId) return null;
  if (!isTracked(product)) throw lotErrors.untracked(path, product.sku);
  const lot = await ctx.db.repo(Lot).get(lotId);
  if (!lot) throw lotErrors.notFound(path);
  if (lot.product !== product.id) throw lotErrors.otherProduct(path, product.sku);
  return lot;
}

export async function reserve(ctx: SystemContext, input: ReserveInput): Promise<ReserveResult> {
  const repo = ctx.db.repo(Reservation);
  if (input.idempotencyKey) {
    const again = (await repo.find({ where: { idempotencyKey: input.idempotencyKey } }))[0];
    if (again) return { ok: true, reservation: again };
  }
  const product = await stockedProduct(ctx, input.productId);
  const loc = input.locationId
    ? await locationOf(ctx, input.locationId, 'locationId')
    : await defaultStockLocation(ctx);
  if (loc.usage !== 'internal') throw inventoryErrors.notStockLocation('locationId');
  const { quantity } = await toStockUnit(ctx, product, input.quantity, input.uomId);
  if (parse(quantity) <= 0n) throw inventoryErrors.quantity('quantity', 'must be more than 0 in the stock unit');
  const lot = await lotOf(ctx, product, input.lotId, 'lotId');
  if (lot && product.tracking === 'serial' && parse(quantity) !== parse('1'))
    throw lotErrors.serialQuantity('quantity');
  // A named lot is held first (lots before products, as everywhere), then the product's quant.
  const lotHeld = lot ? await reserveLot(ctx, lot.id, loc.id, quantity, 1) : true;
  // The atomic conditional update is the whole guarantee against overselling (see quants.sql.ts).
  const held = lotHeld ? await reserveInQuant(ctx, product.id, loc.id, quantity) : null;
  if (!held) {
    if (lot && lotHeld) await reserveLot(ctx, lot.id, loc.id, quantity, -1);
    const now =
      lot && !lotHeld
        ? ((await lotQuantAt(ctx, lot.id, loc.id))[0] ?? { quantity: '0', reserved: '0' })
        : await quantAt(ctx, product.id, loc.id);
    const available = format(parse(now.quantity) - parse(now.reserved));
    return {
      ok: false,
      shortfall: {
        productId: product.id,
        sku: product.sku,
        locationId: loc.id,
        location: lot && !lotHeld ? `${loc.fullName} (${lot.name})` : loc.fullName,
        requested: quantity,
        available,
        shortfall: format(parse(quantity) - parse(available)),
      },
    };
  }
  await publishLevel(ctx, product.id, loc.id, held);
  const reservation = await repo.insert({
    product: product.id,
    location: loc.id,
    quantity,
    delivered: '0',
    demand: input.demand ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
    lot: lot?.id ?? null,
  });
  return { ok: true, reservation };
}

export async function release(ctx: SystemContext, id: string): Promise<ReservationRow> {
  const rows = await ctx.db.query<{ remaining: string }>(
    `update inventory_reservation set state = 'released', updated_at = now()
      where tenant_id = $1 and id = $2 and state = 'active'
      returning (quantity - delivered)::text as remaining`,
    [ctx.tenant.id, id],
  );
  const r = await ctx.db.repo(Reservation).getOrThrow(id);
  if (!rows[0]) throw inventoryErrors.reservationState(r.state);
  if (r.lot) await reserveLot(ctx, r.lot, r.location, rows[0].remaining, -1);
  const level = await unreserveInQuant(ctx, r.product, r.location, rows[0].remaining);
  if (level) await publishLevel(ctx, r.product, r.location, level);
  return r;
}

/**
 * A reservation made or released changes what is available (not what is on hand): the same
 * `inventory.stock.changed` a done move publishes, through the outbox, with the level after it.
 * Fulfilment is a done delivery move, which publishes through the move path.
 */
async function publishLevel(ctx: SystemContext, productId: string, locationId: string, level: QuantLevel) {
  await ctx.events.publish(StockChanged, productId, {
    productId,
    locationId,
    onHand: format(parse(level.quantity)),
    reserved: format(parse(level.reserved)),
    available: format(parse(level.quantity) - parse(level.reserved)),
  });
}

export async function deliver(ctx: SystemContext, id: string, quantity?: string): Promise<MoveRow> {
  const r = await ctx.db.repo(Reservation).getOrThrow(id);
  if (r.state !== 'active') throw inventoryErrors.reservationState(r.state);
  const remaining = format(parse(r.quantity) - parse(r.delivered));
  const qty = quantity ? format(parse(quantity)) : remaining;
  if (parse(qty) <= 0n) throw inventoryErrors.quantity('quantity', 'must be more than 0');
  // Conditional too: two deliveries of one reservation at once cannot both take its last unit.
  const taken = await ctx.db.query<{ id: string }>(
    `update inventory_reservation
        set delivered = delivered + $3::numeric,
            state = case when delivered + $3::numeric >= quantity then 'done' else state end,
            updated_at = now()
      where tenant_id = $1 and id = $2 and state = 'active' and quantity - delivered >= $3::numeric
      returning id`,
    [ctx.tenant.id, id, qty],
  );
  if (!taken.length) throw inventoryErrors.overDeliver(remaining);
  const customer = await systemLocation(ctx, 'customer');
  const move = await createMove(ctx, {
    productId: r.product,
    quantity: qty,
    fromLocationId: r.location,
    toLocationId: customer.id,
    reference: r.demand,
    kind: 'delivery',
    state: 'confirmed',
    reservationId: r.id,
    lotId: r.lot,
  });
  return validateMove(ctx, move.id, qty, {}, r.lot ? qty : '0');
}

/** A return: the goods of a done delivery move come back from the customer at the cost they left at. */
export async function returnDelivered(ctx: SystemContext, moveId: string, quantity?: string): Promise<MoveRow> {
  const m = await ctx.db.repo(Move).get(moveId);
  if (!m) throw inventoryErrors.notFound('move', 'moveId');
  if (m.kind !== 'delivery' || m.state !== 'done') throw inventoryErrors.moveState(m.state, 'returned');
  const qty = quantity ? format(parse(quantity)) : format(parse(m.quantity));
  if (parse(qty) <= 0n || parse(qty) > parse(m.quantity)) {
    throw inventoryErrors.quantity('quantity', `must be more than 0 and at most ${format(parse(m.quantity))}`);
  }
  const value = m.value ? parse(m.value) : null;
  const unitCost = value === null ? null : format(((value < 0n ? -value : value) * 10n ** 12n) / parse(m.quantity), 6);
  return createMove(ctx, {
    productId: m.product,
    quantity: qty,
    fromLocationId: m.to,
    toLocationId: m.from,
    reference: `Return: ${m.reference ?? m.id}`,
    kind: 'receipt',
    state: 'done',
    unitCost,
    lotId: m.lot,
  });
}
