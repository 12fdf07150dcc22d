import { randomUUID } from 'node:crypto';
import { AppError, type JobContext, type RequestContext, ValidationError } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { type ImportRowError, ProductImport, type ProductImportRow } from '../models/import.model.ts';
import { Location } from '../models/location.model.ts';
import { PRODUCT_TYPES, Product } from '../models/product.model.ts';
import { Uom } from '../models/uom.model.ts';
import { checkBarcode } from './barcode.ts';
import { parseCsv } from './csv.ts';
import { format, parse } from './decimal.ts';
import { systemLocation } from './locations.service.ts';
import { createOperation, type LineInput } from './operations.service.ts';

// CSV import of products and their initial stock. The upload is checked (columns, size, cost
// permission) and queued; a job writes it in chunks of CHUNK rows, each chunk one transaction
// (`ctx.checkpoint()`): new products in one statement, and the counted quantities as one
// adjustment operation at the import's location (what is on hand there becomes what the file says).
// A bad row is skipped with its row number, field and reason; a retried job resumes after the
// last committed chunk.

export const CHUNK = 500;
export const MAX_ROWS = 20_000;
const MAX_ERRORS = 1000;
export const COLUMNS = ['sku', 'name', 'barcode', 'type', 'cost', 'salePrice', 'currency', 'quantity'] as const;
type Column = (typeof COLUMNS)[number];

const amount = /^\d{1,14}(\.\d{1,4})?$/;

function header(rows: string[][]): Map<Column, number> {
  const head = (rows[0] ?? []).map((h) => h.trim());
  const cols = new Map<Column, number>();
  head.forEach((h, i) => {
    const c = COLUMNS.find((k) => k.toLowerCase() === h.toLowerCase().replace(/[ _]/g, ''));
    if (c && !cols.has(c)) cols.set(c, i);
  });
  return cols;
}

export async function createImport(
  ctx: RequestContext,
  csv: string,
  opts: { locationId?: string; filename?: string },
): Promise<ProductImportRow> {
  if (typeof csv !== 'string' || !csv.trim()) {
    throw new ValidationError('Send the CSV as a text/csv body', [{ path: 'body', message: 'is empty' }]);
  }
  const rows = parseCsv(csv);
  const cols = header(rows);
  for (const need of ['sku', 'name'] as const) {
    if (!cols.has(need)) {
      throw new ValidationError(`The CSV has no ${need} column`, [{ path: need, message: 'column is missing' }]);
    }
  }
  if (rows.length - 1 > MAX_ROWS) {
    throw new ValidationError(`At most ${MAX_ROWS} rows`, [
      { path: 'body', message: `has more than ${MAX_ROWS} rows` },
    ]);
  }
  if (cols.has('cost') && !ctx.can('inventory.cost.write')) {
    throw new AppError('FORBIDDEN', 'Importing costs needs inventory.cost.write', {
      status: 403,
      details: [{ path: 'cost', message: 'needs the permission inventory.cost.write' }],
    });
  }
  let location = opts.locationId ?? null;
  if (location) {
    const loc = await ctx.db.repo(Location).get(location);
    if (!loc) throw inventoryErrors.notFound('location', 'locationId');
    if (loc.usage !== 'internal') throw inventoryErrors.notStockLocation('locationId');
  } else {
    const wh = (
      await ctx.db.query<{ stock_location_id: string }>(
        `select stock_location_id from inventory_warehouse where tenant_id = $1 order by created_at limit 1`,
        [ctx.tenant.id],
      )
    )[0];
    location = wh?.stock_location_id ?? null;
    if (!location) throw inventoryErrors.notFound('warehouse', 'locationId');
  }
  return ctx.db.repo(ProductImport).insert({
    location,
    filename: opts.filename ?? null,
    csv,
    totalRows: rows.length - 1,
    errors: [],
    jobId: randomUUID(),
  });
}

interface Parsed {
  row: number;
  sku: string;
  name: string;
  barcode: string | null;
  type: string;
  cost: string | null;
  salePrice: string | null;
  currency: string;
  quantity: string | null;
}

function readRow(values: string[], cols: Map<Column, number>, row: number, errors: ImportRowError[]): Parsed | null {
  const get = (c: Column) => {
    const i = cols.get(c);
    const v = i === undefined ? '' : (values[i] ?? '').trim();
    return v === '' ? null : v;
  };
  const fail = (field: string, reason: string) => {
    errors.push({ row, field, reason });
    return null;
  };
  const sku = get('sku');
  if (!sku) return fail('sku', 'is required');
  if (sku.length > 64 || sku.includes('\u0000')) return fail('sku', 'must be at most 64 characters');
  const name = get('name');
  if (!name) return fail('name', 'is required');
  if (name.length > 200 || name.includes('\u0000')) return fail('name', 'must be at most 200 characters');
  const barcode = get('barcode');
  if (barcode) {
    const b = checkBarcode(barcode);
    if ('error' in b) return fail('barcode', b.error);
  }
  const type = get('type') ?? 'stockable';
  if (!(PRODUCT_TYPES as readonly string[]).includes(type))
    return fail('type', `must be one of ${PRODUCT_TYPES.join(', ')}`);
  for (const c of ['cost', 'salePrice', 'quantity'] as const) {
    const v = get(c);
    if (v && !amount.test(v)) return fail(c, 'must be a number of at most 14 digits and 4 decimals');
  }
  const currency = (get('currency') ?? 'USD').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) return fail('currency', 'must be an ISO 4217 code');
  const quantity = get('quantity');
  if (quantity && type === 'service') return fail('quantity', 'a service has no stock');
  return { row, sku, name, barcode, type, cost: get('cost'), salePrice: get('salePrice'), currency, quantity };
}

/** Runs (or resumes) an import; one chunk per transaction. */
export async function runImport(ctx: JobContext, importId: string): Promise<{ state: string }> {
  const imp = await ctx.db.repo(ProductImport).get(importId);
  if (!imp || imp.state === 'completed' || imp.state === 'failed') return { state: imp?.state ?? 'missing' };
  const rows = parseCsv(imp.csv ?? '');
  const cols = header(rows);
  const units = (await ctx.db.repo(Uom).find({ where: { name: 'Units' }, limit: 1 }))[0];
  const loss = await systemLocation(ctx, 'inventory');
  let { processedRows, createdProducts, countedRows, failedRows } = imp;
  const errors = [...(imp.errors ?? [])];
  await ctx.db.repo(ProductImport).update(importId, { state: 'running' });
  while (processedRows < rows.length - 1) {
    const chunk = rows.slice(1 + processedRows, 1 + processedRows + CHUNK);
    const chunkErrors: ImportRowError[] = [];
    const seen = new Set<string>();
    const parsed = chunk.flatMap((values, i) => {
      const p = readRow(values, cols, processedRows + i + 1, chunkErrors);
      if (!p) return [];
      if (seen.has(p.sku.toLowerCase())) {
        chunkErrors.push({ row: p.row, field: 'sku', reason: 'is given twice in the file' });
        return [];
      }
      seen.add(p.sku.toLowerCase());
      return [p];
    });
    const existing = await ctx.db
      .repo(Product)
      .find({ where: { sku: { in: parsed.map((p) => p.sku) } }, limit: CHUNK });
    const bySku = new Map<string, { id: string; type: string; tracking?: string }>(existing.map((p) => [p.sku, p]));
    const fresh = parsed.filter((p) => !bySku.has(p.sku));
    const barcodes = fresh.flatMap((p) => (p.barcode ? [p.barcode] : []));
    const takenCodes = barcodes.length
      ? new Set(
          (await ctx.db.repo(Product).find({ where: { barcode: { in: barcodes } }, limit: CHUNK })).map(
            (p) => p.barcode,
          ),
        )
      : new Set<string | null>();
    const usedCodes = new Set<string>();
    const create = fresh.filter((p) => {
      if (!p.barcode) return true;
      if (takenCodes.has(p.barcode) || usedCodes.has(p.barcode)) {
        chunkErrors.push({ row: p.row, field: 'barcode', reason: 'is taken by another product' });
        return false;
      }
      usedCodes.add(p.barcode);
      return true;
    });
    const ids = create.map(() => randomUUID());
    if (create.length) {
      await ctx.db.query(
        `insert into inventory_product (tenant_id, id, sku, name, barcode, type, uom_id, cost, sale_price, currency, active)
         select $1, d.id, d.sku, d.name, d.barcode, d.type, $2, d.cost, d.sale_price, d.currency, true
           from unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::numeric[], $10::text[])
                d(id, sku, name, barcode, type, cost, sale_price, currency)`,
        [
          ctx.tenant.id,
          units?.id,
          ids,
          create.map((p) => p.sku),
          create.map((p) => p.name),
          create.map((p) => p.barcode),
          create.map((p) => p.type),
          create.map((p) => p.cost),
          create.map((p) => p.salePrice),
          create.map((p) => p.currency),
        ],
      );
      create.forEach((p, i) => {
        bySku.set(p.sku, { id: ids[i] as string, type: p.type });
      });
    }
    // Initial stock: what the file counts becomes what is on hand at the location.
    const counted = parsed.filter(
      (p) => p.quantity !== null && bySku.has(p.sku) && !chunkErrors.some((e) => e.row === p.row),
    );
    const untracked = (sku: string) => (bySku.get(sku)?.tracking ?? 'none') === 'none';
    const countedStocked = counted.filter((p) => bySku.get(p.sku)?.type !== 'service' && untracked(p.sku));
    for (const p of counted) {
      if (countedStocked.includes(p)) continue;
      chunkErrors.push({
        row: p.row,
        field: 'quantity',
        // A count names no lots: a tracked product's stock comes in by a receipt that names them.
        reason: untracked(p.sku)
          ? 'a service has no stock'
          : 'the product is tracked by lot or serial: receive it with its lots',
      });
    }
    if (countedStocked.length) {
      const productIds = countedStocked.map((p) => bySku.get(p.sku)?.id as string);
      const now = await ctx.db.query<{ product_id: string; quantity: string }>(
        `select product_id, quantity::text from inventory_quant
          where tenant_id = $1 and location_id = $2 and product_id = any($3::uuid[]) order by product_id for update`,
        [ctx.tenant.id, imp.location, productIds],
      );
      const onHand = new Map(now.map((r) => [r.product_id, parse(r.quantity)]));
      const lines: LineInput[] = [];
      countedStocked.forEach((p, i) => {
        const id = productIds[i] as string;
        const diff = parse(p.quantity as string) - (onHand.get(id) ?? 0n);
        if (diff === 0n) return;
        const up = diff > 0n;
        lines.push({
          productId: id,
          quantity: format(up ? diff : -diff),
          fromLocationId: up ? loss.id : imp.location,
          toLocationId: up ? imp.location : loss.id,
        });
      });
      if (lines.length) {
        await createOperation(ctx, {
          kind: 'adjustment',
          reference: 'Initial stock (import)',
          origin: `inventory.import:${importId}`,
          lines,
        });
      }
    }
    processedRows += chunk.length;
    createdProducts += create.length;
    countedRows += countedStocked.length;
    const failed = new Set(chunkErrors.map((e) => e.row));
    failedRows += failed.size;
    errors.push(...chunkErrors.slice(0, Math.max(0, MAX_ERRORS - errors.length)));
    const done = processedRows >= rows.length - 1;
    await ctx.db.repo(ProductImport).update(importId, {
      processedRows,
      createdProducts,
      countedRows,
      failedRows,
      errors,
      state: done ? 'completed' : 'running',
      ...(done ? { csv: null } : {}),
    });
    await ctx.progress(Math.round((processedRows / Math.max(1, rows.length - 1)) * 100));
    await ctx.checkpoint();
  }
  if (rows.length - 1 === 0) await ctx.db.repo(ProductImport).update(importId, { state: 'completed', csv: null });
  return { state: 'completed' };
}
