import type { GraphQLBuilder } from '@elevate/sdk';
import { type TreeLocation, warehouseTree } from '../services/location-tree.service.ts';

/** A warehouse's location tree with on-hand totals (REST: GET /warehouses/:id/locations). */
export function locationsGraphql(b: GraphQLBuilder) {
  const Node = b.objectRef<TreeLocation>('InventoryTreeLocation').implement({
    description: 'A location of a warehouse’s tree with what is on hand in it and under it.',
    fields: (t) => ({
      id: t.exposeID('id'),
      name: t.exposeString('name'),
      fullName: t.exposeString('fullName'),
      parent: t.exposeID('parent', { nullable: true }),
      usage: t.exposeString('usage'),
      active: t.exposeBoolean('active'),
      depth: t.exposeInt('depth'),
      onHand: t.field({ type: 'Decimal', resolve: (l) => l.onHand }),
      totalOnHand: t.field({ type: 'Decimal', resolve: (l) => l.totalOnHand }),
      products: t.exposeInt('products'),
    }),
  });
  b.queryField('inventoryWarehouseLocations', (t) =>
    t.field({
      type: [Node],
      args: { warehouseId: t.arg.id({ required: true }) },
      resolve: async (_r, a, ctx) => {
        ctx.require('inventory.location.read');
        ctx.require('inventory.move.read');
        return (await warehouseTree(ctx, String(a.warehouseId))).data;
      },
    }),
  );
}
