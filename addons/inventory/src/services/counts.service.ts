import { ConflictError, NotFoundError, type SystemContext } from '@elevate/sdk';
import { inventoryErrors, locationErrors, lotErrors } from '../errors.ts';
import { CountLine, type CountLineRow, CountSheet, type CountSheetRow } from '../models/count.model.ts';
import { Location } from '../models/location.model.ts';
import { Lot, type LotRow } from '../models/lot.model.ts';
import { Product, type ProductRow } from '../models/product.model.ts';
import { format, parse } from './decimal.ts';
import { systemLocation } from './locations.service.ts';
import { isTracked, lotOfProduct } from './lots.service.ts';
import { stockedProduct } from './moves.service.ts';
import { createOperation, type LineInput } from './operations.service.ts';

// Cycle counts: a sheet per internal location, lines typed or scanned, and on validation one
// adjustment operation that moves every difference to or from `Virtual/Inventory adjustment`
// (the batch path: one transaction, set-based). Products not on the sheet are left as they are.
// A product tracked by lot or serial is counted per lot (a serial: 0 or 1); its lots not on the
// sheet are left as they are too.

const countState = (state: string) =>
  new ConflictError('INVENTORY_COUNT_STATE', `This count is ${state}`, [{ path: 'state', message: `is ${state}` }]);

export async function openCount(
  ctx: SystemContext,
  input: { locationId: string; reference?: string | null },
): Promise<CountSheetRow> {
  const loc = await ctx.db.repo(Location).get(input.locationId);
  if (!loc) throw inventoryErrors.notFound('location', 'locationId');
  if (loc.usage !== 'internal') throw inventoryErrors.notStockLocation('locationId');
  if (!loc.active) throw locationErrors.archived('locationId', loc.fullName);
  return ctx.db.repo(CountSheet).insert({ location: loc.id, reference: input.reference ?? null });
}

async function openSheet(ctx: SystemContext, id: string): Promise<CountSheetRow> {
  const sheet = await ctx.db.repo(CountSheet).getOrThrow(id);
  if (sheet.state !== 'open') throw countState(sheet.state);
  return sheet;
}

/**
 * Adds `quantity` to a product's (and lot's) line (a scan), or sets it (`set`, a typed count); one
 * statement, so two scans at once both count. A serial's line never goes above 1.
 */
export async function countProduct(
  ctx: SystemContext,
  countId: string,
  product: ProductRow,
  lot: LotRow | null,
  quantity: string,
  mode: 'add' | 'set',
  path = 'quantity',
): Promise<CountLineRow> {
  await openSheet(ctx, countId);
  if (product.type === 'service') throw inventoryErrors.service();
  const serial = lot !== null && product.tracking === 'serial';
  if (serial && mode === 'set' && parse(quantity) > parse('1')) throw lotErrors.serialCounted(path);
  if (serial && mode === 'add' && parse(quantity) !== parse('1')) throw lotErrors.serialQuantity(path);
  const rows = await ctx.db.query<{ id: string; counted: string }>(
    `insert into inventory_count_line (tenant_id, sheet_id, product_id, lot_id, counted_quantity, created_by)
     values ($1, $2, $3, $4, $5::numeric, nullif(current_setting('app.user_id', true), '')::uuid)
     on conflict (tenant_id, sheet_id, product_id, lot_id) do update
       set counted_quantity = case when $6 then inventory_count_line.counted_quantity else 0 end + excluded.counted_quantity,
           updated_at = now()
     returning id, counted_quantity::text as counted`,
    [ctx.tenant.id, countId, product.id, lot?.id ?? null, format(parse(quantity)), mode === 'add'],
  );
  const row = rows[0] as { id: string; counted: string };
  // Two scans of one serial: the statement's transaction is refused whole, the first scan stays.
  if (serial && parse(row.counted) > parse('1')) throw lotErrors.serialTwice('code', (lot as LotRow).name);
  return ctx.db.repo(CountLine).getOrThrow(row.id);
}

/** The lot a count line names: required for a tracked product, refused for another. */
async function lotOf(
  ctx: SystemContext,
  product: ProductRow,
  given: { lotId?: string | null; lotName?: string | null },
): Promise<LotRow | null> {
  if (!isTracked(product)) {
    if (given.lotId || given.lotName) throw lotErrors.untracked(given.lotId ? 'lotId' : 'lotName', product.sku);
    return null;
  }
  return lotOfProduct(ctx, product, given, true);
}

export interface CountLineInput {
  productId: string;
  countedQuantity: string;
  lotId?: string | null;
  lotName?: string | null;
}

export async function setCountLine(ctx: SystemContext, countId: string, input: CountLineInput): Promise<CountLineRow> {
  await openSheet(ctx, countId);
  const product = await stockedProduct(ctx, input.productId);
  const lot = await lotOf(ctx, product, input);
  return countProduct(ctx, countId, product, lot, input.countedQuantity, 'set', 'countedQuantity');
}

export interface ScanInput {
  code: string;
  quantity?: string;
  /** The lot or serial scanned after a tracked product's own code (created when not known yet). */
  lotName?: string | null;
}

/**
 * A scan during a count: the code is a product's barcode or SKU (a tracked product also needs
 * `lotName`), or a lot or serial number, which names its product; the line is incremented
 * (created at 0 + quantity).
 */
export async function scanIntoCount(
  ctx: SystemContext,
  countId: string,
  input: ScanInput,
): Promise<{ line: CountLineRow; product: ProductRow; lot: LotRow | null }> {
  await openSheet(ctx, countId);
  const products = ctx.db.repo(Product);
  let product =
    (await products.find({ where: { barcode: input.code }, limit: 1 }))[0] ??
    (await products.find({ where: { sku: input.code }, limit: 1 }))[0];
  let lot: LotRow | null = null;
  if (product) {
    if (isTracked(product) && !input.lotName) throw lotErrors.required('lotName', product.sku);
    lot = await lotOf(ctx, product, { lotName: input.lotName ?? null });
  } else {
    const lots = await ctx.db.repo(Lot).find({ where: { name: input.code.trim() }, limit: 10 });
    if (!lots.length) throw new NotFoundError(`product or lot with the barcode, SKU or number "${input.code}"`);
    const owners = await products.getMany([...new Set(lots.map((l) => l.product))]);
    if (owners.length > 1) {
      const skus = owners.flatMap((o) => (o ? [o.sku] : [])).sort();
      throw lotErrors.ambiguous('code', input.code.trim(), skus);
    }
    lot = lots[0] as LotRow;
    product = owners[0] ?? undefined;
    if (!product) throw new NotFoundError(`product or lot with the barcode, SKU or number "${input.code}"`);
    if (input.lotName) throw lotErrors.untracked('lotName', product.sku);
  }
  const line = await countProduct(ctx, countId, product, lot, input.quantity ?? '1', 'add');
  return { line, product, lot };
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
  // What is on hand, read under lock (lots first, sorted, as every path locks): nothing moves
  // between this read and the adjustment. A lot's line compares with the lot's on hand.
  const lotIds = [...new Set(lines.flatMap((l) => (l.lot ? [l.lot] : [])))].sort();
  const lotHand = lotIds.length
    ? await ctx.db.query<{ lot_id: string; quantity: string }>(
        `select lot_id, quantity::text from inventory_lot_quant
          where tenant_id = $1 and location_id = $2 and lot_id = any($3::uuid[])
          order by lot_id for update`,
        [ctx.tenant.id, sheet.location, lotIds],
      )
    : [];
  const onHand = await ctx.db.query<{ product_id: string; quantity: string }>(
    `select product_id, quantity::text from inventory_quant
      where tenant_id = $1 and location_id = $2 and product_id = any($3::uuid[])
      order by product_id for update`,
    [ctx.tenant.id, sheet.location, [...new Set(lines.map((l) => l.product))]],
  );
  const now = new Map([
    ...onHand.map((r) => [r.product_id, parse(r.quantity)] as const),
    ...lotHand.map((r) => [`lot:${r.lot_id}`, parse(r.quantity)] as const),
  ]);
  const loss = await systemLocation(ctx, 'inventory');
  const moves: LineInput[] = [];
  const diffs = lines.map((l) => {
    const expected = now.get(l.lot ? `lot:${l.lot}` : l.product) ?? 0n;
    const diff = parse(l.countedQuantity) - expected;
    if (diff !== 0n) {
      const up = diff > 0n;
      moves.push({
        productId: l.product,
        quantity: format(up ? diff : -diff),
        fromLocationId: up ? loss.id : sheet.location,
        toLocationId: up ? sheet.location : loss.id,
        lotId: l.lot ?? null,
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
