import type { GraphQLBuilder } from '@elevate/sdk';
import { type LotMove, type LotTrace, lotTrace } from '../services/lot-stock.service.ts';

// Traceability on GraphQL. The lot, product and location-stock types are the ones the resource
// layer and stock.graphql.ts registered; they are referenced here by name.
// biome-ignore lint/suspicious/noExplicitAny: types registered elsewhere are referenced by name
type Loose = any;

export function lotsGraphql(b: GraphQLBuilder) {
  const Step = b.objectRef<LotMove>('InventoryLotMove').implement({
    description: 'A move a lot or serial went through.',
    fields: (t) => ({
      id: t.exposeID('id'),
      state: t.exposeString('state'),
      kind: t.exposeString('kind'),
      quantity: t.field({ type: 'Decimal', resolve: (m) => m.quantity }),
      fromLocationId: t.exposeID('fromLocationId'),
      from: t.exposeString('from'),
      toLocationId: t.exposeID('toLocationId'),
      to: t.exposeString('to'),
      reference: t.exposeString('reference', { nullable: true }),
      operationId: t.exposeID('operationId', { nullable: true }),
      operation: t.exposeString('operation', { nullable: true }),
      doneAt: t.exposeString('doneAt', { nullable: true }),
    }),
  });
  const Trace = b.objectRef<LotTrace>('InventoryLotTrace').implement({
    fields: (t) => {
      const lt = t as Loose;
      return {
        lot: lt.field({ type: 'InventoryLot', resolve: (r: LotTrace) => r.lot }),
        product: lt.field({ type: 'InventoryProduct', resolve: (r: LotTrace) => r.product }),
        onHand: t.field({ type: 'Decimal', resolve: (r) => r.onHand }),
        stock: lt.field({ type: ['InventoryLocationStock'], resolve: (r: LotTrace) => r.stock }),
        moves: t.field({ type: [Step], resolve: (r) => r.moves }),
      };
    },
  });
  b.queryField('inventoryLotTrace', (t) =>
    t.field({
      type: Trace,
      args: { lotId: t.arg.id({ required: true }) },
      resolve: (_r, a, ctx) => {
        ctx.require('inventory.move.read');
        return lotTrace(ctx, String(a.lotId));
      },
    }),
  );
}
