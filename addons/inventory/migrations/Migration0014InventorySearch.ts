import { Migration, searchIndexSql } from '@elevate/sdk';

/**
 * Global search for products by SKU, name and barcode (searchIndexSql, @elevate/sdk): a folded
 * `search_norm` column, a GIN index of tenant_id and its trigrams, and the SECURITY DEFINER
 * function `inventory_search_products(terms, lim)`, so the index is used despite forced RLS.
 */
export class InventorySearch0014 extends Migration {
  override name = 'InventorySearch0014';

  override up(): void {
    for (const sql of searchIndexSql({
      table: 'inventory_product',
      columns: ['sku', 'name', 'barcode'],
      title: 'name',
      functionName: 'inventory_search_products',
      owned: false,
    })) {
      this.addSql(sql);
    }
  }
}
