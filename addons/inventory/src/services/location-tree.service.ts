import type { SystemContext } from '@elevate/sdk';
import { inventoryErrors, locationErrors } from '../errors.ts';
import { Location, type LocationRow } from '../models/location.model.ts';
import { Warehouse, type WarehouseRow } from '../models/warehouse.model.ts';

// The rules of a warehouse's location tree: only internal locations are renamed, moved and
// archived here (a warehouse's root and the virtual ends of double entry are the addon's); a
// full name is the names from the root, so a rename or a move rewrites the whole subtree's; an
// archive takes the subtree with it and is refused while any of it holds stock.

/** A location name is one step of a full name: no `/`, not blank. */
export function locationName(value: unknown): string {
  const name = String(value ?? '').trim();
  if (!name) throw inventoryErrors.quantity('name', 'must not be blank');
  if (name.includes('/')) throw inventoryErrors.quantity('name', 'must not contain / (it separates the full name)');
  return name;
}

/** The locations of the subtree rooted at `id` (itself included). */
const SUBTREE = `with recursive sub as (
    select id from inventory_location where tenant_id = $1 and id = $2
    union all
    select l.id from inventory_location l join sub on l.tenant_id = $1 and l.parent_id = sub.id
  )`;

async function subtreeStock(ctx: SystemContext, id: string) {
  const rows = await ctx.db.query<{ on_hand: string; reserved: string; products: number }>(
    `${SUBTREE}
     select coalesce(sum(q.quantity), 0)::numeric(18, 4)::text as on_hand, coalesce(sum(q.reserved), 0)::text as reserved,
            count(distinct q.product_id) filter (where q.quantity <> 0 or q.reserved <> 0)::int as products
       from inventory_quant q join sub on q.location_id = sub.id
      where q.tenant_id = $1 and (q.quantity <> 0 or q.reserved <> 0)`,
    [ctx.tenant.id, id],
  );
  return rows[0] ?? { on_hand: '0', reserved: '0', products: 0 };
}

async function warehouseOf(ctx: SystemContext, loc: LocationRow): Promise<WarehouseRow | null> {
  return loc.warehouse ? ctx.db.repo(Warehouse).get(loc.warehouse) : null;
}

/**
 * Checks a patch of a location (name, parent, active) and returns what the row gets (its new
 * `fullName`). Call `applySubtree` after the row is written.
 */
export async function checkLocationPatch(
  ctx: SystemContext,
  existing: LocationRow,
  patch: Record<string, unknown>,
): Promise<{ row: Record<string, unknown>; archive: boolean; renamed: boolean }> {
  if (patch.usage !== undefined && patch.usage !== existing.usage) {
    throw inventoryErrors.quantity('usage', 'cannot change: create a new location instead');
  }
  const changes = ['name', 'parent', 'active'].filter((k) => patch[k] !== undefined);
  if (changes.length && (existing.usage !== 'internal' || existing.systemKey)) {
    throw locationErrors.locked(
      changes[0] as string,
      existing.fullName,
      'only internal locations of a warehouse are renamed, moved or archived',
    );
  }
  const wh = await warehouseOf(ctx, existing);
  const isWarehouseStock = wh?.stockLocation === existing.id;
  const name = patch.name !== undefined ? locationName(patch.name) : existing.name;
  let parent: LocationRow | null = existing.parent ? await ctx.db.repo(Location).get(existing.parent) : null;
  if (patch.parent !== undefined && patch.parent !== existing.parent) {
    if (isWarehouseStock) {
      throw locationErrors.locked('parent', existing.fullName, `it is the Stock location of warehouse ${wh?.code}`);
    }
    parent = typeof patch.parent === 'string' ? await ctx.db.repo(Location).get(patch.parent) : null;
    if (!parent) throw inventoryErrors.notFound('location', 'parent');
    if (parent.warehouse !== existing.warehouse) {
      throw inventoryErrors.quantity('parent', 'must be a location of the same warehouse');
    }
    if (parent.usage !== 'internal' && parent.usage !== 'view') {
      throw inventoryErrors.quantity('parent', 'must be an internal or view location');
    }
    const inside = await ctx.db.query(`${SUBTREE} select 1 from sub where id = $3`, [
      ctx.tenant.id,
      existing.id,
      parent.id,
    ]);
    if (inside.length) throw inventoryErrors.quantity('parent', 'cannot be the location itself or one under it');
    if (!parent.active) throw locationErrors.archived('parent', parent.fullName);
  }
  const fullName = parent ? `${parent.fullName}/${name}` : name;
  if (fullName !== existing.fullName) {
    const taken = await ctx.db.repo(Location).find({ where: { fullName }, limit: 1 });
    if (taken.length) throw locationErrors.taken(fullName);
  }
  let archive = false;
  if (patch.active === false && existing.active) {
    if (isWarehouseStock) {
      throw locationErrors.locked('active', existing.fullName, `it is the Stock location of warehouse ${wh?.code}`);
    }
    const held = await subtreeStock(ctx, existing.id);
    if (held.products > 0) throw locationErrors.hasStock(existing.fullName, held.on_hand, held.products);
    archive = true;
  }
  if (patch.active === true && !existing.active && parent && !parent.active) {
    throw locationErrors.archived('active', `its parent ${parent.fullName}`);
  }
  const row: Record<string, unknown> = { ...patch, name, fullName };
  if (parent) row.parent = parent.id;
  return { row, archive, renamed: fullName !== existing.fullName };
}

/** After a rename or move: the subtree's full names; after an archive: the subtree archived too. */
export async function applySubtree(
  ctx: SystemContext,
  id: string,
  before: string,
  after: string,
  archive: boolean,
): Promise<void> {
  if (before !== after) {
    await ctx.db.query(
      `${SUBTREE}
       update inventory_location l set full_name = $3 || substr(l.full_name, length($4) + 1), updated_at = now()
         from sub where l.tenant_id = $1 and l.id = sub.id and l.id <> $2`,
      [ctx.tenant.id, id, after, before],
    );
  }
  if (archive) {
    await ctx.db.query(
      `${SUBTREE}
       update inventory_location l set active = false, updated_at = now()
         from sub where l.tenant_id = $1 and l.id = sub.id and l.id <> $2 and l.active`,
      [ctx.tenant.id, id],
    );
  }
}

export interface TreeLocation {
  id: string;
  name: string;
  fullName: string;
  parent: string | null;
  usage: string;
  active: boolean;
  depth: number;
  /** On hand in this location itself (stock units of its products added up). */
  onHand: string;
  /** On hand in it and every location under it. */
  totalOnHand: string;
  /** Products with stock in it or under it. */
  products: number;
}

/** A warehouse's locations as a tree (depth-first, by name) with their on-hand totals. */
export async function warehouseTree(
  ctx: SystemContext,
  warehouseId: string,
): Promise<{ warehouse: WarehouseRow; data: TreeLocation[] }> {
  const warehouse = await ctx.db.repo(Warehouse).getOrThrow(warehouseId);
  const rows = await ctx.db.query<TreeLocation>(
    `with recursive tree as (
       select l.id, l.name, l.full_name, l.parent_id, l.usage, l.active, 0 as depth, array[l.name::text] as path
         from inventory_location l where l.tenant_id = $1 and l.id = $2
       union all
       select l.id, l.name, l.full_name, l.parent_id, l.usage, l.active, t.depth + 1, t.path || l.name::text
         from inventory_location l join tree t on l.tenant_id = $1 and l.parent_id = t.id
     ), own as (
       select q.location_id, sum(q.quantity) as qty from inventory_quant q
        where q.tenant_id = $1 and q.location_id in (select id from tree) group by 1
     )
     select t.id, t.name, t.full_name as "fullName", t.parent_id as parent, t.usage, t.active, t.depth,
            coalesce(o.qty, 0)::numeric(18, 4)::text as "onHand",
            (select coalesce(sum(q.quantity), 0) from inventory_quant q join tree d on d.id = q.location_id
              where q.tenant_id = $1 and d.path[1:t.depth + 1] = t.path)::numeric(18, 4)::text as "totalOnHand",
            (select count(distinct q.product_id) from inventory_quant q join tree d on d.id = q.location_id
              where q.tenant_id = $1 and q.quantity <> 0 and d.path[1:t.depth + 1] = t.path)::int as products
       from tree t left join own o on o.location_id = t.id
      order by t.path`,
    [ctx.tenant.id, warehouse.viewLocation],
  );
  return { warehouse, data: rows };
}
