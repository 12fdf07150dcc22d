import type { GraphQLBuilder, RequestContext } from '@elevate/sdk';
import type { CountLineRow } from '../models/count.model.ts';
import type { LotRow } from '../models/lot.model.ts';
import type { ProductRow } from '../models/product.model.ts';
import { countLineBody, openCountBody, scanBody } from '../rest/counts.routes.ts';
import { cancelCount, openCount, scanIntoCount, setCountLine, validateCount } from '../services/counts.service.ts';
import { checked, idOf } from './args.ts';

// Cycle counts on GraphQL: the services behind /counts (open a sheet, type or scan lines, validate
// into one adjustment operation, cancel). Sheets and lines are read with the derived
// inventoryCounts / inventoryCountLines queries.
// biome-ignore lint/suspicious/noExplicitAny: types registered by the resource layer are referenced by name
type Loose = any;

export function countsGraphql(b: GraphQLBuilder) {
  const lb = b as Loose;
  const Scan = lb.objectRef('InventoryCountScan').implement({
    description: 'What a scan found and the line it counted it on',
    fields: (t: Loose) => ({
      line: t.field({ type: 'InventoryCountLine', resolve: (s: { line: CountLineRow }) => s.line }),
      product: t.field({ type: 'InventoryProduct', resolve: (s: { product: ProductRow }) => s.product }),
      lot: t.field({ type: 'InventoryLot', nullable: true, resolve: (s: { lot: LotRow | null }) => s.lot }),
    }),
  });
  const write = (ctx: RequestContext) => ctx.require('inventory.move.write');

  lb.mutationField('inventoryOpenCount', (t: Loose) =>
    t.field({
      type: 'InventoryCount',
      description: 'Opens a count sheet for an internal location',
      args: { locationId: t.arg.id({ required: true }), reference: t.arg.string() },
      resolve: (_r: unknown, a: Loose, ctx: RequestContext) => {
        write(ctx);
        return openCount(ctx, checked(openCountBody, a));
      },
    }),
  );
  lb.mutationField('inventorySetCountLine', (t: Loose) =>
    t.field({
      type: 'InventoryCountLine',
      description:
        'Sets the counted quantity of a product (a tracked one: of a lot or serial, by lotId or lotName) on an open sheet',
      args: {
        countId: t.arg.id({ required: true }),
        productId: t.arg.id({ required: true }),
        countedQuantity: t.arg({ type: 'Decimal', required: true }),
        lotId: t.arg.id(),
        lotName: t.arg.string(),
      },
      resolve: (_r: unknown, a: Loose, ctx: RequestContext) => {
        write(ctx);
        const id = idOf(a.countId, 'count', 'countId');
        return setCountLine(
          ctx,
          id,
          checked(countLineBody, {
            productId: a.productId,
            countedQuantity: a.countedQuantity,
            ...(a.lotId != null ? { lotId: a.lotId } : {}),
            ...(a.lotName != null ? { lotName: a.lotName } : {}),
          }),
        );
      },
    }),
  );
  lb.mutationField('inventoryScanCount', (t: Loose) =>
    t.field({
      type: Scan,
      description:
        'Scans a barcode, SKU, or lot or serial number into an open sheet (a tracked product’s code with lotName): adds its line or increments it (by 1 by default)',
      args: {
        countId: t.arg.id({ required: true }),
        code: t.arg.string({ required: true }),
        quantity: t.arg({ type: 'Decimal' }),
        lotName: t.arg.string(),
      },
      resolve: (_r: unknown, a: Loose, ctx: RequestContext) => {
        write(ctx);
        const id = idOf(a.countId, 'count', 'countId');
        return scanIntoCount(
          ctx,
          id,
          checked(scanBody, {
            code: a.code,
            quantity: a.quantity,
            ...(a.lotName != null ? { lotName: a.lotName } : {}),
          }),
        );
      },
    }),
  );
  for (const [name, run, description] of [
    ['inventoryValidateCount', validateCount, 'Validates a sheet: each difference moves to or from inventory loss'],
    ['inventoryCancelCount', cancelCount, 'Cancels an open sheet'],
  ] as const) {
    lb.mutationField(name, (t: Loose) =>
      t.field({
        type: 'InventoryCount',
        description,
        args: { id: t.arg.id({ required: true }) },
        resolve: (_r: unknown, a: Loose, ctx: RequestContext) => {
          write(ctx);
          return run(ctx, idOf(a.id, 'count'));
        },
      }),
    );
  }
}
