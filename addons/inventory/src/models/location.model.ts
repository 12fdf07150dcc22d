import { type AnyModel, defineModel, f, type Row } from '@elevate/sdk';
import { Warehouse } from './warehouse.model.ts';

/**
 * Where stock can be. `internal` locations hold the company's stock (and have quants); `view`
 * locations only group others (a warehouse's root); the rest are the virtual ends of double
 * entry: goods come from a `supplier`, go to a `customer`, appear or vanish at `inventory`
 * (adjustments, losses), travel through `transit` between warehouses.
 */
export const LOCATION_USAGES = ['internal', 'view', 'supplier', 'customer', 'inventory', 'transit'] as const;
export type LocationUsage = (typeof LOCATION_USAGES)[number];

export const Location = defineModel({
  name: 'inventory.location',
  fields: {
    name: f.string({ required: true, max: 120 }),
    /** "WH/Stock/Shelf A": the names from the root, kept by the addon. */
    fullName: f.string({ required: true, max: 600, unique: true }),
    usage: f.enum(LOCATION_USAGES, { required: true, default: 'internal' }),
    parent: f.ref((): AnyModel => Location),
    warehouse: f.ref((): AnyModel => Warehouse, { onDelete: 'set null' }),
    /** Stable key of the locations seeded on enable (`supplier`, `customer`, `inventory`, `transit`). */
    systemKey: f.string({ max: 40, unique: true }),
    active: f.boolean({ required: true, default: true }),
  },
});

export type LocationRow = Row<typeof Location>;
