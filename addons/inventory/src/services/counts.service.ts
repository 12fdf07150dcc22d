import { ConflictError, NotFoundError, type SystemContext } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { CountLine, type CountLineRow, CountSheet, type CountSheetRow } from '../models/count.model.ts';
import { Location } from '../models/location.model.ts';
import { Product, type ProductRow } from '../models/product.model.ts';
import { format, parse } from './decimal.ts';
import { systemLocation } from './locations.service.ts';
import { stockedProduct } from './moves.service.ts';
import { createOperation, type LineInput } from './operations.service.ts';

// Cycle counts: a sheet per internal location, lines typed or scanned, and on validation one
// adjustment operation that moves every difference to or from `Virtual/Inventory adjustment`
// (the batch path: one transaction, set-based). Products not on the sheet are left as they are.

const countState = (state: string) =>
  new ConflictError('INVENTORY_COUNT_STATE', `This count is ${state}`, [{ path: 'state', message: `is ${state}` }]);

export async function openCount(
  ctx: SystemContext,
  input: { locationId: string; reference?: string | null },
): Promise<CountSheetRow> {
  const loc = await ctx.db.repo(Location).get(input.locationId);
  if (!loc) throw inventoryErrors.notFound('location', 'locationId');
  if (loc.usage !== 'internal') throw inventoryErrors.notStockLocation('locationId');
  return ctx.db.repo(CountSheet).insert({ location: loc.id, reference: input.reference ?? null });
}

async function openSheet(ctx: SystemContext, id: string): Promise<CountSheetRow> {
  const sheet = await ctx.db.repo(CountSheet).getOrThrow(id);
  if (sheet.state !== 'open') throw countState(sheet.state);
  return sheet;
}

/**
 * Adds `quantity` to a product's line (a scan), or sets it (`set: true`, a typed count); one
 * statement, so two scans at once both count.
 */
export async function countProduct(
  ctx: SystemContext,
  countId: string,
  product: ProductRow,
  quantity: string,
  mode: 'add' | 'set',
): Promise<CountLineRow> {
  await openSheet(ctx, countId);
  if (product.type === 'service') throw inventoryErrors.service();
  const rows = await ctx.db.query<{ id: string }>(
    `insert into inventory_count_line (tenant_id, sheet_id, product_id, counted_quantity, created_by)
     values ($1, $2, $3, $4::numeric, nullif(current_setting('app.user_id', true), '')::uuid)
     on conflict (tenant_id, sheet_id, product_id) do update
       set counted_quantity = case when $5 then inventory_count_line.counted_quantity else 0 end + excluded.counted_quantity,
           updated_at = now()
     returning id`,
    [ctx.tenant.id, countId, product.id, format(parse(quantity)), mode === 'add'],
  );
  return ctx.db.repo(CountLine).getOrThrow((rows[0] as { id: string }).id);
}

export async function setCountLine(
  ctx: SystemContext,
  countId: string,
  input: { productId: string; countedQuantity: string },
): Promise<CountLineRow> {
  await openSheet(ctx, countId);
  const product = await stockedProduct(ctx, input.productId);
  return countProduct(ctx, countId, product, input.countedQuantity, 'set');
}

/** A scan during a count: the product by barcode or SKU, its line incremented (created at 0 + quantity). */
export async function scanIntoCount(
  ctx: SystemContext,
  countId: string,
  input: { code: string; quantity?: string },
): Promise<{ line: CountLineRow; product: ProductRow }> {
  await openSheet(ctx, countId);
  const products = ctx.db.repo(Product);
  const product =
    (await products.find({ where: { barcode: input.code }, limit: 1 }))[0] ??
    (await products.find({ where: { sku: input.code }, limit: 1 }))[0];
  if (!product) throw new NotFoundError(`product with the barcode or SKU "${input.code}"`);
  const line = await countProduct(ctx, countId, product, input.quantity ?? '1', 'add');
  return { line, product };
}

/**
 * Validates a sheet: each line's difference with what is on hand now becomes a line of one
 * adjustment operation (done at once); the sheet records expected, difference, who and when.
 */
export async function validateCount(ctx: SystemContext, id: string): Promise<CountSheetRow> {
  const taken = await ctx.db.query<{ location_id: string }>(
    `update inventory_count set state = 'done', done_at = now(),
            done_by = nullif(current_setting('app.user_id', true), '')::uuid, updated_at = now()
      where tenant_id = $1 and id = $2 and state = 'open' returning location_id`,
    [ctx.tenant.id, id],
  );
  const sheet = await ctx.db.repo(CountSheet).getOrThrow(id);
  if (!taken.length) throw countState(sheet.state);
  const lines = await ctx.db.repo(CountLine).find({ where: { sheet: id }, limit: 100_000 });
  if (!lines.length) throw inventoryErrors.quantity('lines', 'the count has no lines');
  // What is on hand, read under lock (sorted): nothing moves between this read and the adjustment.
  const onHand = await ctx.db.query<{ product_id: string; quantity: string }>(
    `select product_id, quantity::text from inventory_quant
      where tenant_id = $1 and location_id = $2 and product_id = any($3::uuid[])
      order by product_id for update`,
    [ctx.tenant.id, sheet.location, lines.map((l) => l.product)],
  );
  const now = new Map(onHand.map((r) => [r.product_id, parse(r.quantity)]));
  const loss = await systemLocation(ctx, 'inventory');
  const moves: LineInput[] = [];
  const diffs = lines.map((l) => {
    const expected = now.get(l.product) ?? 0n;
    const diff = parse(l.countedQuantity) - expected;
    if (diff !== 0n) {
      const up = diff > 0n;
      moves.push({
        productId: l.product,
        quantity: format(up ? diff : -diff),
        fromLocationId: up ? loss.id : sheet.location,
        toLocationId: up ? sheet.location : loss.id,
      });
    }
    return { id: l.id, expected: format(expected), diff: format(diff) };
  });
  await ctx.db.query(
    `update inventory_count_line c set expected_quantity = d.e, difference = d.f, updated_at = now()
       from unnest($2::uuid[], $3::numeric[], $4::numeric[]) d(id, e, f)
      where c.tenant_id = $1 and c.id = d.id`,
    [ctx.tenant.id, diffs.map((d) => d.id), diffs.map((d) => d.expected), diffs.map((d) => d.diff)],
  );
  if (moves.length) {
    const op = await createOperation(ctx, {
      kind: 'adjustment',
      reference: sheet.reference ?? 'Inventory count',
      origin: `inventory.count:${id}`,
      lines: moves,
    });
    await ctx.db.query(`update inventory_count set operation_id = $3 where tenant_id = $1 and id = $2`, [
      ctx.tenant.id,
      id,
      op.id,
    ]);
  }
  return ctx.db.repo(CountSheet).getOrThrow(id);
}

export async function cancelCount(ctx: SystemContext, id: string): Promise<CountSheetRow> {
  const rows = await ctx.db.query<{ id: string }>(
    `update inventory_count set state = 'cancelled', updated_at = now()
      where tenant_id = $1 and id = $2 and state = 'open' returning id`,
    [ctx.tenant.id, id],
  );
  const sheet = await ctx.db.repo(CountSheet).getOrThrow(id);
  if (!rows.length) throw countState(sheet.state);
  return sheet;
}
