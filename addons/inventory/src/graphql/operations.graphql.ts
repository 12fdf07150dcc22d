import type { GraphQLBuilder, RequestContext } from '@elevate/sdk';
import type { Shortfall } from '../errors.ts';
import type { OperationRow } from '../models/operation.model.ts';
import { operationBody } from '../rest/operations.routes.ts';
import { adjustBody, moveBody } from '../rest/stock.routes.ts';
import { cancelMove, confirmMove, createMove, type MoveInput } from '../services/moves.service.ts';
import {
  cancelOperation,
  createOperation,
  type OperationInput,
  validateOperation,
} from '../services/operations.service.ts';
import { adjust } from '../services/stock.service.ts';
import { checked, idOf, shortfallOf } from './args.ts';

// Operations and single moves on GraphQL: the services behind POST /operations, /moves and
// /adjustments. A short stock refusing an operation is a result type (as for inventoryReserve),
// not an error: nothing was written then (the batch path checks every line before writing).
// biome-ignore lint/suspicious/noExplicitAny: types registered by the resource layer are referenced by name
type Loose = any;

export function operationsGraphql(b: GraphQLBuilder, refs: { Short: Loose }) {
  const lb = b as Loose;
  const Line = b.inputType('InventoryOperationLineInput', {
    fields: (t) => ({
      productId: t.id({ required: true }),
      quantity: t.field({ type: 'Decimal', required: true }),
      uomId: t.id({ description: 'The unit the quantity is in (default: the product’s stock unit)' }),
      unitCost: t.string({
        description: 'Goods coming in: their unit cost, up to 6 decimals (default: the product’s cost)',
      }),
      fromLocationId: t.id({ description: 'Default: the operation’s fromLocationId' }),
      toLocationId: t.id({ description: 'Default: the operation’s toLocationId' }),
    }),
  });
  const Input = lb.inputType('InventoryOperationInput', {
    fields: (t: Loose) => ({
      kind: t.field({ type: 'InventoryOperationKind', required: true }),
      fromLocationId: t.id(),
      toLocationId: t.id(),
      reference: t.string(),
      state: t.string({ description: '`done` (default) validates at once; `draft` keeps it open' }),
      lines: t.field({ type: [Line], required: true }),
    }),
  });
  const Result = lb.unionType('InventoryOperationResult', {
    description: 'The operation, or the shortfall that refused it (then nothing was written)',
    types: ['InventoryOperation', refs.Short],
    resolveType: (v: object) => ('sku' in v ? refs.Short : 'InventoryOperation'),
  });

  /** Runs an operation service; a shortfall becomes the result type, anything else stays an error. */
  const orShortfall = async (run: () => Promise<OperationRow>): Promise<OperationRow | Shortfall> => {
    try {
      return await run();
    } catch (e) {
      const s = shortfallOf(e);
      if (s) return s;
      throw e;
    }
  };

  const write = (ctx: RequestContext) => ctx.require('inventory.move.write');

  lb.mutationField('inventoryCreateOperation', (t: Loose) =>
    t.field({
      type: Result,
      description: 'A receipt, delivery, transfer or adjustment of many lines in one transaction (POST /operations)',
      args: { input: t.arg({ type: Input, required: true }) },
      resolve: (_r: unknown, a: Loose, ctx: RequestContext) => {
        write(ctx);
        const input = checked<OperationInput>(operationBody, a.input);
        return orShortfall(() => createOperation(ctx, input));
      },
    }),
  );
  lb.mutationField('inventoryValidateOperation', (t: Loose) =>
    t.field({
      type: Result,
      description: 'Does every line of a draft operation, or none',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r: unknown, a: Loose, ctx: RequestContext) => {
        write(ctx);
        const id = idOf(a.id, 'operation');
        return orShortfall(() => validateOperation(ctx, id));
      },
    }),
  );
  lb.mutationField('inventoryCancelOperation', (t: Loose) =>
    t.field({
      type: 'InventoryOperation',
      description: 'Cancels a draft operation and its lines',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r: unknown, a: Loose, ctx: RequestContext) => {
        write(ctx);
        return cancelOperation(ctx, idOf(a.id, 'operation'));
      },
    }),
  );

  lb.mutationField('inventoryCreateMove', (t: Loose) =>
    t.field({
      type: 'InventoryMove',
      description: 'One stock move, draft (default), confirmed or done (POST /moves)',
      args: {
        productId: t.arg.id({ required: true }),
        quantity: t.arg({ type: 'Decimal', required: true }),
        uomId: t.arg.id(),
        fromLocationId: t.arg.id({ required: true }),
        toLocationId: t.arg.id({ required: true }),
        reference: t.arg.string(),
        kind: t.arg({ type: 'InventoryMoveKind' }),
        state: t.arg({ type: 'InventoryMoveState', description: 'draft, confirmed or done' }),
        unitCost: t.arg.string(),
      },
      resolve: (_r: unknown, a: Loose, ctx: RequestContext) => {
        write(ctx);
        return createMove(ctx, checked<MoveInput>(moveBody, a));
      },
    }),
  );
  for (const [name, run, description] of [
    ['inventoryConfirmMove', confirmMove, 'Confirms a draft move'],
    ['inventoryCancelMove', cancelMove, 'Cancels a draft or confirmed move'],
  ] as const) {
    lb.mutationField(name, (t: Loose) =>
      t.field({
        type: 'InventoryMove',
        description,
        args: { id: t.arg.id({ required: true }) },
        resolve: (_r: unknown, a: Loose, ctx: RequestContext) => {
          write(ctx);
          return run(ctx, idOf(a.id, 'move'));
        },
      }),
    );
  }
  lb.mutationField('inventoryAdjust', (t: Loose) =>
    t.field({
      type: 'InventoryMove',
      nullable: true,
      description:
        'Sets the counted quantity at a location: the difference moves to or from inventory loss (null when equal)',
      args: {
        productId: t.arg.id({ required: true }),
        locationId: t.arg.id({ required: true }),
        countedQuantity: t.arg({ type: 'Decimal', required: true }),
        reference: t.arg.string(),
      },
      resolve: (_r: unknown, a: Loose, ctx: RequestContext) => {
        write(ctx);
        return adjust(ctx, checked(adjustBody, a));
      },
    }),
  );
}
