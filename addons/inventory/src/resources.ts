import { defineResource, type ListDef, resourceList } from '@elevate/sdk';
import { Category } from './models/category.model.ts';
import { CountLine, CountSheet } from './models/count.model.ts';
import { Location } from './models/location.model.ts';
import { LotQuant } from './models/lot.model.ts';
import { Move } from './models/move.model.ts';
import { Operation } from './models/operation.model.ts';
import { Quant } from './models/quant.model.ts';
import { Reservation } from './models/reservation.model.ts';
import { Uom } from './models/uom.model.ts';
import { Warehouse } from './models/warehouse.model.ts';
import { applySubtree, checkLocationPatch, locationName } from './services/location-tree.service.ts';
import { createWarehouse, locationFromParent, warehouseCode } from './services/locations.service.ts';
import { lotResource } from './services/lots.resource.ts';
import { productResource } from './services/products.resource.ts';
import { reorderRules, replenishments } from './services/reorder.resource.ts';

const warehouses = defineResource(Warehouse, {
  search: ['name', 'code'],
  readOnly: ['viewLocation', 'stockLocation'],
  operations: ['list', 'get', 'create', 'update'],
});

const locations = defineResource(Location, {
  search: ['fullName'],
  readOnly: ['fullName', 'warehouse', 'systemKey'],
  sort: ['createdAt', 'fullName'],
  operations: ['list', 'get', 'create', 'update'],
});

/** Everything inventory offers through the derived REST + GraphQL layer. */
export const inventoryResources = [
  productResource,
  defineResource(Uom, { search: ['name'], operations: ['list', 'get', 'create'] }),
  defineResource(Category, { search: ['name'], plural: 'InventoryCategories' }),
  {
    ...warehouses,
    // A warehouse comes with its root and Stock locations.
    async create(ctx, input) {
      ctx.require(warehouses.permission('create'));
      const code = await warehouseCode(ctx, input.code);
      const wh = await createWarehouse(ctx, { code, name: String(input.name) });
      return warehouses.get(ctx, wh.id);
    },
  } satisfies typeof warehouses,
  {
    ...locations,
    async create(ctx, input) {
      ctx.require(locations.permission('create'));
      return locations.create(ctx, await locationFromParent(ctx, { ...input, name: locationName(input.name) }));
    },
    // Rename, move (within its warehouse) and archive: the subtree follows (location-tree.service.ts).
    async update(ctx, id, patch) {
      ctx.require(locations.permission('update'));
      const existing = await locations.get(ctx, id);
      const { row, archive } = await checkLocationPatch(ctx, existing, patch);
      const updated = await locations.update(ctx, id, row);
      await applySubtree(ctx, id, existing.fullName, updated.fullName, archive);
      return updated;
    },
  } satisfies typeof locations,
  // Moves, quants and reservations change only through the stock operations (stock.routes.ts).
  defineResource(Move, {
    operations: ['list', 'get'],
    filters: ['product', 'from', 'to', 'state', 'kind', 'reservation', 'operation', 'lot'],
  }),
  // Operations are created and validated through POST /operations (stock.routes.ts).
  defineResource(Operation, {
    operations: ['list', 'get'],
    filters: ['kind', 'state', 'origin'],
    search: ['reference'],
  }),
  // Count sheets are opened, filled and validated through /counts (counts.routes.ts).
  defineResource(CountSheet, { operations: ['list', 'get'], filters: ['location', 'state'], search: ['reference'] }),
  defineResource(CountLine, { operations: ['list', 'get'], filters: ['sheet', 'product'] }),
  reorderRules,
  replenishments,
  defineResource(Quant, { operations: ['list', 'get'], filters: ['product', 'location'] }),
  defineResource(Reservation, { operations: ['list', 'get'], filters: ['product', 'location', 'state', 'lot'] }),
  lotResource,
  defineResource(LotQuant, { operations: ['list', 'get'], filters: ['product', 'lot', 'location'] }),
];

/** Lists saved views can be made of: `inventory.products` (the resource's filters, sort and count). */
export const inventoryLists: readonly ListDef[] = [resourceList(productResource)];
