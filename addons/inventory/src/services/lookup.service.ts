import { NotFoundError, type SystemContext } from '@elevate/sdk';
import { Lot, type LotRow } from '../models/lot.model.ts';
import { Product, type ProductRow } from '../models/product.model.ts';
import { lotStockByLocation } from './lot-stock.service.ts';
import { type LocationStock, stockByLocation } from './stock.service.ts';

export interface Lookup {
  product: ProductRow;
  /** How the code matched: the product's barcode or SKU, or one of its lots or serial numbers. */
  matched: 'barcode' | 'sku' | 'lot' | 'serial';
  /** The lot or serial matched, with the stock of that lot only. */
  lot?: LotRow;
  stock: LocationStock[];
}

/**
 * What a scanner or a typed code finds: the product by barcode, else by SKU, else the lot or serial
 * of that name (lot names are unique per product only: the oldest lot of the name wins), with the
 * stock per location (of the lot alone when a lot matched).
 */
export async function lookup(ctx: SystemContext, code: string): Promise<Lookup> {
  const products = ctx.db.repo(Product);
  const byBarcode = (await products.find({ where: { barcode: code }, limit: 1 }))[0];
  const product = byBarcode ?? (await products.find({ where: { sku: code }, limit: 1 }))[0];
  if (product) {
    return { product, matched: byBarcode ? 'barcode' : 'sku', stock: await stockByLocation(ctx, product.id) };
  }
  const lot = (await ctx.db.repo(Lot).find({ where: { name: code }, orderBy: [{ field: 'createdAt' }], limit: 1 }))[0];
  const owner = lot ? await products.get(lot.product) : null;
  if (!lot || !owner) throw new NotFoundError(`product, lot or serial "${code}"`);
  return {
    product: owner,
    matched: owner.tracking === 'serial' ? 'serial' : 'lot',
    lot,
    stock: await lotStockByLocation(ctx, lot.id),
  };
}
