import { Migration } from '@elevate/sdk';

// Written by hand: a partial index the models cannot describe.
export class InventoryOpenLayers0005 extends Migration {
  override name = 'InventoryOpenLayers0005';

  override up(): void {
    // Deliveries consume a product's open layers oldest first and stop once covered: this index
    // gives them in that order without reading the used-up ones.
    this.addSql(
      `create index "inventory_cost_layer_open_idx" on "inventory_cost_layer" (tenant_id, product_id, created_at, id) where remaining > 0;`,
    );
  }

  override down(): void {
    this.addSql(`drop index if exists "inventory_cost_layer_open_idx";`);
  }
}
