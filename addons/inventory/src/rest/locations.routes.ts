import type { RestRouter } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { lowStock, stockValue } from '../services/dashboard.service.ts';
import { warehouseTree } from '../services/location-tree.service.ts';

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export function locationRoutes(r: RestRouter): void {
  r.get<{ id: string }>(
    '/warehouses/:id/locations',
    {
      permission: 'inventory.location.read',
      summary:
        'A warehouse’s location tree (depth-first, by name) with on hand in each location and under it (needs inventory.move.read too)',
    },
    ({ params, ctx }) => {
      ctx.require('inventory.move.read');
      if (!isUuid(params.id)) throw inventoryErrors.notFound('warehouse', 'id');
      return warehouseTree(ctx, params.id);
    },
  );
  r.get<Record<string, string>, { limit?: number }>(
    '/dashboard/low-stock',
    {
      permission: 'inventory.move.read',
      query: {
        type: 'object',
        additionalProperties: false,
        properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
      },
      summary:
        'Products whose forecast is below their reorder rule’s min, or (stocked once) at or below zero; most short first',
    },
    ({ query, ctx }) => {
      ctx.require('inventory.product.read');
      return lowStock(ctx, query.limit ?? 10);
    },
  );
  r.get(
    '/dashboard/stock-value',
    {
      permission: 'inventory.move.read',
      summary: 'The stock’s value now (remaining cost layers) per product currency, never added across currencies',
    },
    ({ ctx }) => stockValue(ctx),
  );
}
