import { Migration } from '@elevate/sdk';

// Written by hand: a composite unique key the models cannot declare.
export class InventoryCountKeys0007 extends Migration {
  override name = 'InventoryCountKeys0007';

  override up(): void {
    // One line per product on a count sheet: a scan increments it (the upsert relies on this).
    this.addSql(
      `create unique index "inventory_count_line_product_key" on "inventory_count_line" (tenant_id, count_id, product_id);`,
    );
  }

  override down(): void {
    this.addSql(`drop index if exists "inventory_count_line_product_key";`);
  }
}
