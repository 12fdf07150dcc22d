import type { RestRouter } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { Lot } from '../models/lot.model.ts';
import { lotStockByLocation, lotTrace } from '../services/lot-stock.service.ts';

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
const lotId = (id: string) => {
  if (!isUuid(id)) throw inventoryErrors.notFound('lot', 'id');
  return id;
};

export function lotRoutes(r: RestRouter): void {
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
