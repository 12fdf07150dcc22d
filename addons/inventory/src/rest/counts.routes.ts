import type { JsonSchema, RestRouter } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import type { permissions } from '../permissions.ts';
import {
  type CountLineInput,
  cancelCount,
  openCount,
  type ScanInput,
  scanIntoCount,
  setCountLine,
  validateCount,
} from '../services/counts.service.ts';
import { quantity } from './stock.routes.ts';

const uuid = { type: 'string', format: 'uuid' };
const obj = (properties: Record<string, unknown>, required: string[]): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});
const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
const sheetId = (id: string) => {
  if (!isUuid(id)) throw inventoryErrors.notFound('count', 'id');
  return id;
};

export const openCountBody = obj({ locationId: uuid, reference: { type: ['string', 'null'], maxLength: 120 } }, [
  'locationId',
]);
const lotName = { type: ['string', 'null'], minLength: 1, maxLength: 64, pattern: '^[^\\u0000]*$' };
export const countLineBody = obj(
  { productId: uuid, countedQuantity: quantity, lotId: { type: ['string', 'null'], format: 'uuid' }, lotName },
  ['productId', 'countedQuantity'],
);
export const scanBody = obj(
  { code: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[^\\u0000]*$' }, quantity, lotName },
  ['code'],
);

export function countRoutes(r: RestRouter<typeof permissions>): void {
  r.post<Record<string, string>, { locationId: string; reference?: string | null }>(
    '/counts',
    {
      permission: 'inventory.move.write',
      body: openCountBody,
      summary: 'Open a count sheet for an internal location',
    },
    async ({ body, ctx }) => ({ status: 201, body: await openCount(ctx, body) }),
  );

  r.post<{ id: string }, CountLineInput>(
    '/counts/:id/lines',
    {
      permission: 'inventory.move.write',
      body: countLineBody,
      summary:
        'Set the counted quantity of a product (a tracked one: of a lot or serial, by lotId or lotName, a new name created) on an open count sheet',
    },
    async ({ params, body, ctx }) => ({ status: 201, body: await setCountLine(ctx, sheetId(params.id), body) }),
  );

  r.post<{ id: string }, ScanInput>(
    '/counts/:id/scan',
    {
      permission: 'inventory.move.write',
      body: scanBody,
      summary:
        'Scan a barcode, SKU, or lot or serial number into a count (a tracked product’s code with lotName): adds its line or increments it (by 1 by default)',
    },
    async ({ params, body, ctx }) => ({ status: 201, body: await scanIntoCount(ctx, sheetId(params.id), body) }),
  );

  for (const [action, run] of [
    ['validate', validateCount],
    ['cancel', cancelCount],
  ] as const) {
    r.post<{ id: string }>(
      `/counts/:id/${action}`,
      {
        permission: 'inventory.move.write',
        summary:
          action === 'validate'
            ? 'Validate a count: each difference becomes a move to or from inventory loss (one adjustment operation)'
            : 'Cancel an open count',
      },
      ({ params, ctx }) => run(ctx, sheetId(params.id)),
    );
  }
}
