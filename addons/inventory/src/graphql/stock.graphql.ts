import type { GraphQLBuilder } from '@elevate/sdk';
import type { Shortfall } from '../errors.ts';
import type { MoveRow } from '../models/move.model.ts';
import type { ReservationRow } from '../models/reservation.model.ts';
import { validateMove } from '../services/moves.service.ts';
import {
  deliver,
  type LocationStock,
  onHand,
  type ReserveResult,
  receive,
  release,
  reserve,
  type StockLevel,
  stockByLocation,
} from '../services/stock.service.ts';

// Stock operations on GraphQL. The row types (InventoryMove, InventoryReservation) are the ones
// the resource layer derived from the models; they are referenced here by name.
// biome-ignore lint/suspicious/noExplicitAny: types registered by the resource layer are referenced by name
type Loose = any;

export function stockGraphql(b: GraphQLBuilder) {
  const lb = b as Loose;
  const Level = b.objectRef<StockLevel>('InventoryStockLevel').implement({
    fields: (t) => ({
      productId: t.exposeID('productId'),
      onHand: t.field({ type: 'Decimal', resolve: (l) => l.onHand }),
      reserved: t.field({ type: 'Decimal', resolve: (l) => l.reserved }),
      available: t.field({ type: 'Decimal', resolve: (l) => l.available }),
    }),
  });
  const AtLocation = b.objectRef<LocationStock>('InventoryLocationStock').implement({
    fields: (t) => ({
      locationId: t.exposeID('locationId'),
      location: t.exposeString('location'),
      onHand: t.field({ type: 'Decimal', resolve: (l) => l.onHand }),
      reserved: t.field({ type: 'Decimal', resolve: (l) => l.reserved }),
      available: t.field({ type: 'Decimal', resolve: (l) => l.available }),
    }),
  });
  const Short = b.objectRef<Shortfall>('InventoryInsufficientStock').implement({
    description: 'Not enough available: nothing was reserved.',
    fields: (t) => ({
      productId: t.exposeID('productId'),
      sku: t.exposeString('sku'),
      locationId: t.exposeID('locationId'),
      location: t.exposeString('location'),
      requested: t.field({ type: 'Decimal', resolve: (s) => s.requested }),
      available: t.field({ type: 'Decimal', resolve: (s) => s.available }),
      shortfall: t.field({ type: 'Decimal', resolve: (s) => s.shortfall }),
    }),
  });
  const Reserved = b.objectRef<ReservationRow>('InventoryReserved').implement({
    fields: (t) => ({
      reservation: (t as Loose).field({ type: 'InventoryReservation', resolve: (r: ReservationRow) => r }),
    }),
  });
  const Result = b.unionType('InventoryReserveResult', {
    types: [Reserved, Short],
    resolveType: (v) => ('sku' in v ? Short : Reserved),
  });

  b.queryField('inventoryStock', (t) =>
    t.field({
      type: Level,
      args: { productId: t.arg.id({ required: true }), locationId: t.arg.id(), warehouseId: t.arg.id() },
      resolve: (_r, a, ctx) => {
        ctx.require('inventory.move.read');
        return onHand(ctx, {
          productId: String(a.productId),
          ...(a.locationId ? { locationId: String(a.locationId) } : {}),
          ...(a.warehouseId ? { warehouseId: String(a.warehouseId) } : {}),
        });
      },
    }),
  );
  b.queryField('inventoryStockByLocation', (t) =>
    t.field({
      type: [AtLocation],
      args: { productId: t.arg.id({ required: true }) },
      resolve: (_r, a, ctx) => {
        ctx.require('inventory.move.read');
        return stockByLocation(ctx, String(a.productId));
      },
    }),
  );

  b.mutationField('inventoryReserve', (t) =>
    t.field({
      type: Result,
      args: {
        productId: t.arg.id({ required: true }),
        quantity: t.arg({ type: 'Decimal', required: true }),
        locationId: t.arg.id(),
        demand: t.arg.string(),
        idempotencyKey: t.arg.string(),
        lotId: t.arg.id(),
      },
      resolve: async (_r, a, ctx) => {
        ctx.require('inventory.reservation.write');
        const res: ReserveResult = await reserve(ctx, {
          productId: String(a.productId),
          quantity: a.quantity,
          locationId: a.locationId ? String(a.locationId) : null,
          demand: a.demand ?? null,
          idempotencyKey: a.idempotencyKey ?? null,
          lotId: a.lotId ? String(a.lotId) : null,
        });
        return res.ok ? res.reservation : res.shortfall;
      },
    }),
  );

  const moveMutation = (
    name: string,
    args: (t: Loose) => Record<string, unknown>,
    run: (ctx: Loose, a: Loose) => Promise<MoveRow>,
  ) =>
    lb.mutationField(name, (t: Loose) =>
      t.field({
        type: 'InventoryMove',
        args: args(t),
        resolve: (_r: unknown, a: Loose, ctx: Loose) => {
          ctx.require('inventory.move.write');
          return run(ctx, a);
        },
      }),
    );
  moveMutation(
    'inventoryReceive',
    (t) => ({
      productId: t.arg.id({ required: true }),
      quantity: t.arg({ type: 'Decimal', required: true }),
      locationId: t.arg.id(),
      reference: t.arg.string(),
    }),
    (ctx, a) =>
      receive(ctx, {
        productId: String(a.productId),
        quantity: a.quantity,
        locationId: a.locationId ? String(a.locationId) : null,
        reference: a.reference ?? null,
      }),
  );
  moveMutation(
    'inventoryValidateMove',
    (t) => ({ id: t.arg.id({ required: true }) }),
    (ctx, a) => validateMove(ctx, String(a.id)),
  );
  moveMutation(
    'inventoryDeliver',
    (t) => ({ reservationId: t.arg.id({ required: true }), quantity: t.arg({ type: 'Decimal' }) }),
    (ctx, a) => deliver(ctx, String(a.reservationId), a.quantity ?? undefined),
  );
  lb.mutationField('inventoryRelease', (t: Loose) =>
    t.field({
      type: 'InventoryReservation',
      args: { reservationId: t.arg.id({ required: true }) },
      resolve: (_r: unknown, a: Loose, ctx: Loose) => {
        ctx.require('inventory.reservation.write');
        return release(ctx, String(a.reservationId));
      },
    }),
  );
  return { InventoryStockLevel: Level, InventoryInsufficientStock: Short };
}
