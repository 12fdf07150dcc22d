import { Migration } from '@elevate/sdk';

// Written by hand: keys the models cannot declare.
export class InventoryReorderKeys0009 extends Migration {
  override name = 'InventoryReorderKeys0009';

  override up(): void {
    // One rule per product and warehouse.
    this.addSql(
      `create unique index "inventory_reorder_rule_product_warehouse_key" on "inventory_reorder_rule" (tenant_id, product_id, warehouse_id);`,
    );
    // At most one open suggestion per rule: two checks at once raise it once.
    this.addSql(
      `create unique index "inventory_replenishment_open_key" on "inventory_replenishment" (tenant_id, rule_id) where state = 'open';`,
    );
    this.addSql(
      `alter table "inventory_reorder_rule" add constraint "inventory_reorder_rule_bounds_check" check (min >= 0 and max >= min and (multiple is null or multiple > 0));`,
    );
  }

  override down(): void {
    this.addSql(`drop index if exists "inventory_reorder_rule_product_warehouse_key";`);
    this.addSql(`drop index if exists "inventory_replenishment_open_key";`);
    this.addSql(
      `alter table "inventory_reorder_rule" drop constraint if exists "inventory_reorder_rule_bounds_check";`,
    );
  }
}
