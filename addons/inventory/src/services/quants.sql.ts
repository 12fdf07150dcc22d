import type { SystemContext } from '@elevate/sdk';

// Raw SQL, on purpose: quants change under concurrency (many deliveries and reservations of one
// product at once). Each statement below is one atomic row update whose WHERE clause is the stock
// rule itself, so two transactions can never both take the last unit: the second one waits for
// the first's row lock, re-reads the row and no longer matches. An ORM read-modify-write would
// need SELECT ... FOR UPDATE plus a second round trip for the same guarantee.

export interface QuantLevel {
  quantity: string;
  reserved: string;
}

/** Adds stock at a location (a done move into it); creates the quant on first use. */
export async function addToQuant(ctx: SystemContext, productId: string, locationId: string, qty: string) {
  const rows = await ctx.db.query<QuantLevel>(
    `insert into inventory_quant (tenant_id, product_id, location_id, quantity, reserved)
     values ($1, $2, $3, $4::numeric, 0)
     on conflict (tenant_id, product_id, location_id)
     do update set quantity = inventory_quant.quantity + excluded.quantity, updated_at = now()
     returning quantity::text, reserved::text`,
    [ctx.tenant.id, productId, locationId, qty],
    { prepare: true },
  );
  return rows[0] as QuantLevel;
}

/**
 * Takes stock from a location (a done move out of it). `fromReserved` is the part of `qty` that
 * a reservation held there (it is released as it is consumed). With `refuse`, the update only
 * matches while what is free covers the rest: null means not enough stock.
 */
export async function takeFromQuant(
  ctx: SystemContext,
  productId: string,
  locationId: string,
  qty: string,
  fromReserved: string,
  policy: 'refuse' | 'allow',
): Promise<QuantLevel | null> {
  if (policy === 'refuse') {
    const rows = await ctx.db.query<QuantLevel>(
      `update inventory_quant
          set quantity = quantity - $4::numeric, reserved = reserved - $5::numeric, updated_at = now()
        where tenant_id = $1 and product_id = $2 and location_id = $3
          and quantity - reserved >= $4::numeric - $5::numeric
        returning quantity::text, reserved::text`,
      [ctx.tenant.id, productId, locationId, qty, fromReserved],
      { prepare: true },
    );
    return rows[0] ?? null;
  }
  const rows = await ctx.db.query<QuantLevel>(
    `insert into inventory_quant (tenant_id, product_id, location_id, quantity, reserved)
     values ($1, $2, $3, -$4::numeric, 0)
     on conflict (tenant_id, product_id, location_id)
     do update set quantity = inventory_quant.quantity + excluded.quantity,
                   reserved = inventory_quant.reserved - $5::numeric, updated_at = now()
     returning quantity::text, reserved::text`,
    [ctx.tenant.id, productId, locationId, qty, fromReserved],
    { prepare: true },
  );
  return rows[0] as QuantLevel;
}

/** Holds `qty` of what is free at a location; null when less is free (nothing is changed then). */
export async function reserveInQuant(ctx: SystemContext, productId: string, locationId: string, qty: string) {
  const rows = await ctx.db.query<QuantLevel>(
    `update inventory_quant set reserved = reserved + $4::numeric, updated_at = now()
      where tenant_id = $1 and product_id = $2 and location_id = $3 and quantity - reserved >= $4::numeric
      returning quantity::text, reserved::text`,
    [ctx.tenant.id, productId, locationId, qty],
    { prepare: true },
  );
  return rows[0] ?? null;
}

export async function unreserveInQuant(ctx: SystemContext, productId: string, locationId: string, qty: string) {
  const rows = await ctx.db.query<QuantLevel>(
    `update inventory_quant set reserved = greatest(reserved - $4::numeric, 0), updated_at = now()
      where tenant_id = $1 and product_id = $2 and location_id = $3
      returning quantity::text, reserved::text`,
    [ctx.tenant.id, productId, locationId, qty],
    { prepare: true },
  );
  return rows[0] ?? null;
}

export async function quantAt(ctx: SystemContext, productId: string, locationId: string): Promise<QuantLevel> {
  const rows = await ctx.db.query<QuantLevel>(
    `select quantity::text, reserved::text from inventory_quant
      where tenant_id = $1 and product_id = $2 and location_id = $3`,
    [ctx.tenant.id, productId, locationId],
  );
  return rows[0] ?? { quantity: '0.0000', reserved: '0.0000' };
}
