import { Migration } from '@elevate/sdk';

// Written by hand: rules the models do not describe.
export class InventoryStockRules0002 extends Migration {
  override name = 'InventoryStockRules0002';

  override up(): void {
    // One quant per product and location: the upsert of a done move relies on it.
    this.addSql(
      `create unique index "inventory_quant_product_location_key" on "inventory_quant" (tenant_id, product_id, location_id);`,
    );
    this.addSql(`alter table "inventory_quant" add constraint "inventory_quant_reserved_check" check (reserved >= 0);`);
    this.addSql(
      `alter table "inventory_move" add constraint "inventory_move_quantity_check" check (quantity > 0 and from_id <> to_id);`,
    );
    this.addSql(
      `alter table "inventory_reservation" add constraint "inventory_reservation_quantity_check" check (quantity > 0 and delivered >= 0 and delivered <= quantity);`,
    );
    // A done move is history: it never changes (a correction is a new move). Deleting stays
    // possible for the per-tenant purge, which removes the tenant's data as a whole.
    this.addSql(`create or replace function inventory_move_done_immutable() returns trigger language plpgsql as $$
begin
  if old.state = 'done' then
    raise exception 'a done stock move cannot change' using errcode = '23514', constraint = 'inventory_move_done_immutable';
  end if;
  return new;
end $$;`);
    this.addSql(
      `create trigger inventory_move_done_immutable before update on "inventory_move" for each row execute function inventory_move_done_immutable();`,
    );
  }
}
