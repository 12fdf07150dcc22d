import { ConflictError, defineResource, type RequestContext } from '@elevate/sdk';
import { inventoryErrors, lotErrors } from '../errors.ts';
import { Lot } from '../models/lot.model.ts';
import { Product } from '../models/product.model.ts';
import { isTracked } from './lots.service.ts';

// Lots and serial numbers, derived CRUD (REST /lots, GraphQL inventoryLots ...) with their rules:
// a lot belongs to a tracked product, which never changes; its name is unique per product (a taken
// name is 409 ALREADY_EXISTS from the unique index). Receipts also create lots by name.
export const lotResource = defineResource(Lot, {
  search: ['name'],
  filters: ['product', 'name'],
  sort: ['createdAt', 'name', 'expiresAt'],
  operations: ['list', 'get', 'create', 'update'],
  hooks: {
    async beforeWrite(ctx, input, existing) {
      if (typeof input.name === 'string') {
        const name = input.name.trim();
        if (!name) throw inventoryErrors.quantity('name', 'must not be blank');
        input = { ...input, name };
      }
      if (existing) {
        if (input.product !== undefined && input.product !== existing.product) {
          throw inventoryErrors.quantity('product', 'cannot change: the lot’s moves are of its product');
        }
        if (typeof input.name === 'string') await nameFree(ctx, existing.product, input.name, existing.id);
        return input;
      }
      const product = typeof input.product === 'string' ? await ctx.db.repo(Product).get(input.product) : null;
      if (!product) throw inventoryErrors.notFound('product', 'product');
      if (!isTracked(product)) throw lotErrors.untracked('product', product.sku);
      await nameFree(ctx, product.id, String(input.name), null);
      return input;
    },
  },
});

/** A taken name answers 409 naming `name` (the unique index still decides between two at once). */
async function nameFree(ctx: RequestContext, productId: string, name: string, self: string | null) {
  const taken = await ctx.db.repo(Lot).find({ where: { product: productId, name }, limit: 2 });
  if (taken.some((l) => l.id !== self)) {
    throw new ConflictError('ALREADY_EXISTS', `The product already has a lot or serial ${name}`, [
      { path: 'name', message: 'is already taken by a lot of this product' },
    ]);
  }
}
