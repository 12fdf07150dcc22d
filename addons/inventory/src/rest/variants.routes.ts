import type { RestRouter } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import type { permissions } from '../permissions.ts';
import { type Attribute, createVariants } from '../services/variants.service.ts';

const text = { type: 'string', minLength: 1, maxLength: 40, pattern: '^[^\\u0000]*\\S[^\\u0000]*$' };

export function variantRoutes(r: RestRouter<typeof permissions>): void {
  r.post<{ id: string }, { attributes: Attribute[] }>(
    '/products/:id/variants',
    {
      permission: 'inventory.product.write',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['attributes'],
        properties: {
          attributes: {
            type: 'array',
            minItems: 1,
            maxItems: 5,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'values'],
              properties: { name: text, values: { type: 'array', minItems: 1, maxItems: 50, items: text } },
            },
          },
        },
      },
      summary: 'Make a product’s variants: one product per combination of attribute values (missing ones only)',
    },
    async ({ params, body, ctx }) => {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(params.id)) {
        throw inventoryErrors.notFound('product', 'id');
      }
      return { status: 201, body: await createVariants(ctx, params.id, body.attributes) };
    },
  );
}
