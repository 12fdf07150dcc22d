import type { JsonSchema, RestRouter } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { OPERATION_KINDS } from '../models/operation.model.ts';
import type { permissions } from '../permissions.ts';
import type { LotEntry } from '../services/lots.service.ts';
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

export const lotEntrySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    lotId: nullableUuid,
    name: { type: ['string', 'null'], minLength: 1, maxLength: 64, pattern: '\\S' },
    expiresAt: { type: ['string', 'null'], format: 'date' },
    quantity: { ...quantity, type: ['string', 'null'] },
  },
};

const validateBody: JsonSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    lines: {
      type: 'array',
      maxItems: MAX_LINES,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['moveId', 'lots'],
        properties: { moveId: uuid, lots: { type: 'array', minItems: 1, maxItems: 1000, items: lotEntrySchema } },
      },
    },
  },
};

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
    lotName: { type: ['string', 'null'], minLength: 1, maxLength: 64 },
    lots: { type: ['array', 'null'], maxItems: 1000, items: lotEntrySchema },
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

export function operationRoutes(r: RestRouter<typeof permissions>): void {
  r.post<Record<string, string>, OperationInput>(
    '/operations',
    {
      permission: 'inventory.move.write',
      body: operationBody,
      summary: `A receipt, delivery, transfer or adjustment of up to ${MAX_LINES} lines, done at once (one transaction) or kept as a draft`,
    },
    async ({ body, ctx }) => ({ status: 201, body: await createOperation(ctx, body) }),
  );

  r.post<{ id: string }, { lines?: { moveId: string; lots: LotEntry[] }[] } | null>(
    '/operations/:id/validate',
    {
      permission: 'inventory.move.write',
      body: validateBody,
      summary: 'Validate a draft operation (all its lines); `lines` names the lots of tracked lines by move',
    },
    ({ params, body, ctx }) => {
      if (!isUuid(params.id)) throw inventoryErrors.notFound('operation', 'id');
      return validateOperation(ctx, params.id, body?.lines ?? []);
    },
  );
  r.post<{ id: string }>(
    '/operations/:id/cancel',
    { permission: 'inventory.move.write', summary: 'cancel a draft operation (all its lines)' },
    ({ params, ctx }) => {
      if (!isUuid(params.id)) throw inventoryErrors.notFound('operation', 'id');
      return cancelOperation(ctx, params.id);
    },
  );
}
