import { NotFoundError, type SystemContext } from '@elevate/sdk';
import { Product, type ProductRow } from '../models/product.model.ts';
import { type LocationStock, stockByLocation } from './stock.service.ts';

export interface Lookup {
  product: ProductRow;
  /** How the code matched: the product's barcode or its SKU. */
  matched: 'barcode' | 'sku';
  stock: LocationStock[];
}

/** What a scanner or a typed code finds: the product by barcode, else by SKU, with its stock per location. */
export async function lookup(ctx: SystemContext, code: string): Promise<Lookup> {
  const products = ctx.db.repo(Product);
  const byBarcode = (await products.find({ where: { barcode: code }, limit: 1 }))[0];
  const product = byBarcode ?? (await products.find({ where: { sku: code }, limit: 1 }))[0];
  if (!product) throw new NotFoundError(`product with the barcode or SKU "${code}"`);
  return { product, matched: byBarcode ? 'barcode' : 'sku', stock: await stockByLocation(ctx, product.id) };
}
