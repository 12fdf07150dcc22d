import type { JsonSchema, RestRouter } from '@elevate/sdk';
import { parseAt, stockAt } from '../services/history.service.ts';
import { valuationReport, valuationSeries } from '../services/valuation-report.service.ts';

const uuid = { type: 'string', format: 'uuid' };
/** Checked by parseAt, which names `at` in its 400. */
const at = { type: 'string', maxLength: 40 };

const obj = (properties: Record<string, unknown>): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  properties,
});

export const stockAtQuery = obj({ at, productId: uuid, locationId: uuid, warehouseId: uuid });
export const valuationQuery = obj({ at, productId: uuid, warehouseId: uuid });
export const seriesQuery = obj({
  days: { type: 'integer', minimum: 1, maximum: 366, default: 30 },
  currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  warehouseId: uuid,
});

export interface Scope {
  at?: string;
  productId?: string;
  locationId?: string;
  warehouseId?: string;
}

export function valuationRoutes(r: RestRouter): void {
  r.get<Record<string, string>, Scope>(
    '/stock-at',
    {
      permission: 'inventory.move.read',
      query: stockAtQuery,
      summary: 'On hand per product per location and per warehouse at a past moment (from the done moves)',
    },
    ({ query, ctx }) => stockAt(ctx, { ...query, before: parseAt(query.at) }),
  );

  r.get<Record<string, string>, Scope>(
    '/valuation',
    {
      permission: 'inventory.move.read',
      query: valuationQuery,
      summary:
        'Stock valuation per product and per warehouse, now or at a past moment (the layers’ remaining value then)',
    },
    ({ query, ctx }) =>
      valuationReport(ctx, {
        before: parseAt(query.at),
        ...(query.productId ? { productId: query.productId } : {}),
        ...(query.warehouseId ? { warehouseId: query.warehouseId } : {}),
      }),
  );

  r.get<Record<string, string>, { days?: number; currency?: string; warehouseId?: string }>(
    '/valuation/series',
    {
      permission: 'inventory.move.read',
      query: seriesQuery,
      summary:
        'The stock value in one currency (default: the company’s, else the first with stock) at the end of each of the last `days` days (UTC), of one warehouse with `warehouseId`',
    },
    ({ query, ctx }) => valuationSeries(ctx, query.days ?? 30, query.currency, query.warehouseId),
  );
}
