import { ConflictError, type SystemContext } from '@elevate/sdk';
import { inventoryErrors, locationErrors } from '../errors.ts';
import { Location, type LocationRow, type LocationUsage } from '../models/location.model.ts';
import { Warehouse, type WarehouseRow } from '../models/warehouse.model.ts';

export type SystemLocation = 'supplier' | 'customer' | 'inventory' | 'transit';

/** The virtual ends of double entry every company has, seeded on enable. */
const VIRTUAL: { key: SystemLocation | 'partners' | 'virtual'; name: string; parent?: string; usage: LocationUsage }[] =
  [
    { key: 'partners', name: 'Partners', usage: 'view' },
    { key: 'supplier', name: 'Suppliers', parent: 'partners', usage: 'supplier' },
    { key: 'customer', name: 'Customers', parent: 'partners', usage: 'customer' },
    { key: 'virtual', name: 'Virtual', usage: 'view' },
    { key: 'inventory', name: 'Inventory adjustment', parent: 'virtual', usage: 'inventory' },
    { key: 'transit', name: 'Transit', parent: 'virtual', usage: 'transit' },
  ];

export async function seedLocations(ctx: SystemContext): Promise<void> {
  const repo = ctx.db.repo(Location);
  const byKey = new Map<string, LocationRow>();
  for (const v of VIRTUAL) {
    const found = (await repo.find({ where: { systemKey: v.key } }))[0];
    const parent = v.parent ? byKey.get(v.parent) : undefined;
    const row =
      found ??
      (await repo.insert({
        name: v.name,
        fullName: parent ? `${parent.fullName}/${v.name}` : v.name,
        usage: v.usage,
        parent: parent?.id ?? null,
        systemKey: v.key,
      }));
    byKey.set(v.key, row);
  }
  if ((await ctx.db.repo(Warehouse).count()) === 0) await createWarehouse(ctx, { code: 'WH', name: 'Main warehouse' });
}

export async function systemLocation(ctx: SystemContext, key: SystemLocation): Promise<LocationRow> {
  const row = (await ctx.db.repo(Location).find({ where: { systemKey: key } }))[0];
  if (!row) throw new ConflictError('INVENTORY_NOT_SET_UP', `The ${key} location is missing; re-enable inventory`);
  return row;
}

/** A warehouse with its root view location (its code) and `<code>/Stock`. */
export async function createWarehouse(
  ctx: SystemContext,
  input: { code: string; name: string },
): Promise<WarehouseRow> {
  const wh = await ctx.db.repo(Warehouse).insert({ code: input.code, name: input.name });
  const locations = ctx.db.repo(Location);
  const view = await locations.insert({ name: input.code, fullName: input.code, usage: 'view', warehouse: wh.id });
  const stock = await locations.insert({
    name: 'Stock',
    fullName: `${input.code}/Stock`,
    usage: 'internal',
    parent: view.id,
    warehouse: wh.id,
  });
  return (await ctx.db
    .repo(Warehouse)
    .update(wh.id, { viewLocation: view.id, stockLocation: stock.id })) as WarehouseRow;
}

/** A warehouse code names its root location: letters, digits, `-` and `_`, not a location's name already. */
export async function warehouseCode(ctx: SystemContext, value: unknown): Promise<string> {
  const code = String(value ?? '').trim();
  if (!/^[A-Za-z0-9_-]{1,10}$/.test(code)) {
    throw inventoryErrors.quantity('code', 'must be 1 to 10 letters, digits, - or _');
  }
  const taken =
    (await ctx.db.repo(Warehouse).find({ where: { code }, limit: 1 })).length > 0 ||
    (await ctx.db.repo(Location).find({ where: { fullName: code }, limit: 1 })).length > 0;
  if (taken) {
    throw new ConflictError('ALREADY_EXISTS', `The code ${code} is taken`, [
      { path: 'code', message: `is already taken by a warehouse or location ${code}` },
    ]);
  }
  return code;
}

/** The default place stock goes to and comes from: the first warehouse's Stock location. */
export async function defaultStockLocation(ctx: SystemContext): Promise<LocationRow> {
  const wh = (await ctx.db.repo(Warehouse).find({ orderBy: [{ field: 'createdAt' }], limit: 1 }))[0];
  const loc = wh?.stockLocation ? await ctx.db.repo(Location).get(wh.stockLocation) : null;
  if (!loc) throw new ConflictError('INVENTORY_NO_WAREHOUSE', 'Create a warehouse first');
  return loc;
}

/** The new location's full name and warehouse follow from its parent. */
export async function locationFromParent(
  ctx: SystemContext,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const parentId = typeof input.parent === 'string' ? input.parent : null;
  const parent = parentId ? await ctx.db.repo(Location).get(parentId) : null;
  if (parentId && !parent) throw inventoryErrors.notFound('location', 'parent');
  if (parent && !parent.active) throw locationErrors.archived('parent', parent.fullName);
  const name = String(input.name ?? '');
  const fullName = parent ? `${parent.fullName}/${name}` : name;
  if ((await ctx.db.repo(Location).find({ where: { fullName }, limit: 1 })).length)
    throw locationErrors.taken(fullName);
  return {
    ...input,
    fullName,
    warehouse: parent?.warehouse ?? null,
  };
}
