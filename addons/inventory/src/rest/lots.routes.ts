import type { JsonSchema, RestRouter } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { Lot } from '../models/lot.model.ts';
import type { permissions } from '../permissions.ts';
import { lotList, lotStockByLocation, lotTrace } from '../services/lot-stock.service.ts';

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
const lotId = (id: string) => {
  if (!isUuid(id)) throw inventoryErrors.notFound('lot', 'id');
  return id;
};

const listQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    productId: { type: 'string', format: 'uuid' },
    q: { type: 'string', maxLength: 64 },
    inStock: { type: 'boolean' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
};

export function lotRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, { productId?: string; q?: string; inStock?: boolean; limit: number; offset: number }>(
    '/lot-stock',
    {
      permission: 'inventory.move.read',
      query: listQuery,
      summary: 'Lots and serials with their product and on hand in internal locations, newest first',
    },
    ({ query, ctx }) => lotList(ctx, { ...query, limit: query.limit ?? 50, offset: query.offset ?? 0 }),
  );
  r.get<{ id: string }>(
    '/lots/:id/stock',
    {
      permission: 'inventory.move.read',
      summary: 'A lot’s or serial’s stock per location (on hand, reserved, available)',
    },
    async ({ params, ctx }) => {
      const lot = await ctx.db.repo(Lot).getOrThrow(lotId(params.id));
      return { data: await lotStockByLocation(ctx, lot.id) };
    },
  );
  r.get<{ id: string }>(
    '/lots/:id/trace',
    {
      permission: 'inventory.move.read',
      summary: 'Traceability of a lot or serial: its product, where it is, and every move it went through',
    },
    ({ params, ctx }) => lotTrace(ctx, lotId(params.id)),
  );
}
