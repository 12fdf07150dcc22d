import type { JsonSchema, RestRouter } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { LandedCost } from '../models/landed-cost.model.ts';
import { applyLandedCost, getLandedCost, type LandedCostInput } from '../services/landed-costs.service.ts';

const uuid = { type: 'string', format: 'uuid' };
/** An amount of money, positive, at most 4 decimals ("30", "12.5"); a negative one is refused naming the field. */
const amount = { type: 'string', pattern: '^\\d{1,12}(\\.\\d{1,4})?$' };

export const landedCostBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['operationId', 'amount'],
  properties: {
    operationId: uuid,
    amount,
    split: { enum: ['quantity', 'value', 'manual'] },
    description: { type: ['string', 'null'], maxLength: 120 },
    lines: {
      type: ['array', 'null'],
      maxItems: 5000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['moveId', 'amount'],
        properties: { moveId: uuid, amount },
      },
    },
  },
};

export function landedCostRoutes(r: RestRouter): void {
  r.post<Record<string, string>, LandedCostInput>(
    '/landed-costs',
    {
      permission: 'inventory.valuation.write',
      body: landedCostBody,
      summary: 'Add a landed cost to a done receipt, split by quantity, by value or per line',
    },
    async ({ body, ctx }) => ({ status: 201, body: await applyLandedCost(ctx, body) }),
  );

  r.get<Record<string, string>, { operationId?: string }>(
    '/landed-costs',
    {
      permission: 'inventory.move.read',
      query: { type: 'object', additionalProperties: false, properties: { operationId: uuid } },
      summary: 'Landed costs, newest first (of one receipt with operationId)',
    },
    async ({ query, ctx }) => ({
      data: await ctx.db.repo(LandedCost).find({
        where: query.operationId ? { operation: query.operationId } : {},
        orderBy: [{ field: 'createdAt', dir: 'desc' }],
        limit: 200,
      }),
    }),
  );

  r.get<{ id: string }>(
    '/landed-costs/:id',
    { permission: 'inventory.move.read', summary: 'A landed cost with its lines' },
    async ({ params, ctx }) => {
      if (!/^[0-9a-f-]{36}$/i.test(params.id) || !(await ctx.db.repo(LandedCost).get(params.id))) {
        throw inventoryErrors.notFound('landed cost', 'id');
      }
      return getLandedCost(ctx, params.id);
    },
  );
}
