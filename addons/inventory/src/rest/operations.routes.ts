import type { JsonSchema, RestRouter } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { OPERATION_KINDS } from '../models/operation.model.ts';
import {
  cancelOperation,
  createOperation,
  type OperationInput,
  validateOperation,
} from '../services/operations.service.ts';
import { quantity } from './stock.routes.ts';

const uuid = { type: 'string', format: 'uuid' };
const nullableUuid = { type: ['string', 'null'], format: 'uuid' };
const unitCost = { type: ['string', 'null'], pattern: '^\\d{1,12}(\\.\\d{1,6})?$' };

/** At most this many lines per operation (one request, one transaction). */
export const MAX_LINES = 5000;

export const lineSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['productId', 'quantity'],
  properties: {
    productId: uuid,
    quantity,
    uomId: nullableUuid,
    unitCost,
    fromLocationId: nullableUuid,
    toLocationId: nullableUuid,
    lotId: nullableUuid,
  },
};

export const operationBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'lines'],
  properties: {
    kind: { enum: [...OPERATION_KINDS] },
    fromLocationId: nullableUuid,
    toLocationId: nullableUuid,
    reference: { type: ['string', 'null'], maxLength: 120 },
    state: { enum: ['draft', 'done'] },
    lines: { type: 'array', minItems: 1, maxItems: MAX_LINES, items: lineSchema },
  },
};

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export function operationRoutes(r: RestRouter): void {
  r.post<Record<string, string>, OperationInput>(
    '/operations',
    {
      permission: 'inventory.move.write',
      body: operationBody,
      summary: `A receipt, delivery, transfer or adjustment of up to ${MAX_LINES} lines, done at once (one transaction) or kept as a draft`,
    },
    async ({ body, ctx }) => ({ status: 201, body: await createOperation(ctx, body) }),
  );

  for (const [action, run] of [
    ['validate', validateOperation],
    ['cancel', cancelOperation],
  ] as const) {
    r.post<{ id: string }>(
      `/operations/:id/${action}`,
      { permission: 'inventory.move.write', summary: `${action} a draft operation (all its lines)` },
      ({ params, ctx }) => {
        if (!isUuid(params.id)) throw inventoryErrors.notFound('operation', 'id');
        return run(ctx, params.id);
      },
    );
  }
}
