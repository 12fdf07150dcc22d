import type { JsonSchema, RestRouter } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { Product } from '../models/product.model.ts';
import type { permissions } from '../permissions.ts';
import { lookup } from '../services/lookup.service.ts';
import { cancelMove, confirmMove, createMove, type MoveInput, validateMove } from '../services/moves.service.ts';
import {
  adjust,
  deliver,
  onHand,
  type ReserveInput,
  receive,
  release,
  reserve,
  type StockScope,
  stockByLocation,
} from '../services/stock.service.ts';

const uuid = { type: 'string', format: 'uuid' };
/** A positive exact quantity, as a string ("12", "0.5"): at most 14 digits and 4 decimals. */
export const quantity = { type: 'string', pattern: '^\\d{1,14}(\\.\\d{1,4})?$' };
const text = (maxLength: number) => ({ type: ['string', 'null'], maxLength });

const obj = (properties: Record<string, unknown>, required: string[] = []): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

const unitCost = { type: ['string', 'null'], pattern: '^\\d{1,12}(\\.\\d{1,6})?$' };
const lotId = { ...uuid, type: ['string', 'null'] };
const lotName = { type: ['string', 'null'], minLength: 1, maxLength: 64, pattern: '\\S' };

export const moveBody = obj(
  {
    productId: uuid,
    quantity,
    uomId: { ...uuid, type: ['string', 'null'] },
    fromLocationId: uuid,
    toLocationId: uuid,
    reference: text(120),
    kind: { enum: ['receipt', 'delivery', 'internal', 'adjustment'] },
    state: { enum: ['draft', 'confirmed', 'done'] },
    unitCost,
    lotId,
    lotName,
  },
  ['productId', 'quantity', 'fromLocationId', 'toLocationId'],
);

const receiveBody = obj(
  {
    productId: uuid,
    quantity,
    uomId: { ...uuid, type: ['string', 'null'] },
    locationId: uuid,
    reference: text(120),
    unitCost,
    lotId,
    lotName,
  },
  ['productId', 'quantity'],
);

export const adjustBody = obj(
  { productId: uuid, locationId: uuid, countedQuantity: quantity, reference: text(120), lotId },
  ['productId', 'locationId', 'countedQuantity'],
);

export const reserveBody = obj(
  {
    productId: uuid,
    quantity,
    uomId: { ...uuid, type: ['string', 'null'] },
    locationId: uuid,
    demand: text(200),
    idempotencyKey: text(200),
    lotId,
  },
  ['productId', 'quantity'],
);

const stockQuery = obj({ productId: uuid, locationId: uuid, warehouseId: uuid }, ['productId']);

export function stockRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, StockScope>(
    '/stock',
    { permission: 'inventory.move.read', query: stockQuery, summary: 'On hand, reserved and available of a product' },
    ({ query, ctx }) => onHand(ctx, query),
  );

  r.get<Record<string, string>, { code: string }>(
    '/lookup',
    {
      permission: 'inventory.move.read',
      query: obj({ code: { type: 'string', minLength: 1, maxLength: 64 } }, ['code']),
      summary:
        'Find a product by barcode, SKU, lot or serial number, with its stock per location (of the lot, for one)',
    },
    ({ query, ctx }) => lookup(ctx, query.code),
  );

  r.get<{ id: string }>(
    '/products/:id/stock',
    { permission: 'inventory.move.read', summary: 'A product’s stock per location' },
    async ({ params, ctx }) => {
      const product = await ctx.db.repo(Product).getOrThrow(params.id);
      return { data: await stockByLocation(ctx, product.id) };
    },
  );

  r.post<Record<string, string>, MoveInput>(
    '/moves',
    { permission: 'inventory.move.write', body: moveBody, summary: 'Create a stock move (draft, confirmed or done)' },
    async ({ body, ctx }) => ({ status: 201, body: await createMove(ctx, body) }),
  );

  r.post<{ id: string }, { lotId?: string | null; lotName?: string | null } | null>(
    '/moves/:id/validate',
    {
      permission: 'inventory.move.write',
      body: { ...obj({ lotId, lotName }), type: ['object', 'null'] },
      summary: 'validate a stock move (tracked products: its lot, if not named before)',
    },
    ({ params, body, ctx }) => {
      if (!/^[0-9a-f-]{36}$/i.test(params.id)) throw inventoryErrors.notFound('move', 'id');
      return validateMove(ctx, params.id, '0', { lotId: body?.lotId ?? null, lotName: body?.lotName ?? null });
    },
  );

  for (const [action, run] of [
    ['confirm', confirmMove],
    ['cancel', cancelMove],
  ] as const satisfies readonly (readonly [string, typeof confirmMove])[]) {
    r.post<{ id: string }>(
      `/moves/:id/${action}`,
      { permission: 'inventory.move.write', summary: `${action} a stock move` },
      ({ params, ctx }) => {
        if (!/^[0-9a-f-]{36}$/i.test(params.id)) throw inventoryErrors.notFound('move', 'id');
        return run(ctx, params.id);
      },
    );
  }

  r.post<Record<string, string>, Parameters<typeof receive>[1]>(
    '/receipts',
    { permission: 'inventory.move.write', body: receiveBody, summary: 'Receive goods from a supplier (a done move)' },
    async ({ body, ctx }) => ({ status: 201, body: await receive(ctx, body) }),
  );

  r.post<Record<string, string>, Parameters<typeof adjust>[1]>(
    '/adjustments',
    { permission: 'inventory.move.write', body: adjustBody, summary: 'Set the counted quantity at a location' },
    async ({ body, ctx }) => {
      const move = await adjust(ctx, body);
      return move ? { status: 201, body: move } : { status: 204, body: null };
    },
  );

  r.post<Record<string, string>, ReserveInput>(
    '/reservations',
    {
      permission: 'inventory.reservation.write',
      body: reserveBody,
      summary: 'Reserve stock; 409 INVENTORY_INSUFFICIENT_STOCK when not enough is available',
    },
    async ({ body, ctx }) => {
      const res = await reserve(ctx, body);
      if (!res.ok) throw inventoryErrors.insufficient(res.shortfall);
      return { status: 201, body: res.reservation };
    },
  );

  r.post<{ id: string }>(
    '/reservations/:id/release',
    { permission: 'inventory.reservation.write', summary: 'Release what a reservation still holds' },
    ({ params, ctx }) => release(ctx, params.id),
  );

  r.post<{ id: string }, { quantity?: string }>(
    '/reservations/:id/deliver',
    {
      permission: 'inventory.move.write',
      body: obj({ quantity }),
      summary: 'Deliver (part of) a reservation to the customer',
    },
    async ({ params, body, ctx }) => ({ status: 201, body: await deliver(ctx, params.id, body?.quantity) }),
  );
}
