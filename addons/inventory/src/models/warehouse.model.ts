import { type AnyModel, defineModel, f, type Row } from '@elevate/sdk';
import { Location } from './location.model.ts';

/** A warehouse: a root `view` location named by its code, with a `Stock` location under it. */
export const Warehouse = defineModel({
  name: 'inventory.warehouse',
  access: 'inventory.location',
  fields: {
    code: f.string({ required: true, max: 10, unique: true }),
    name: f.string({ required: true, max: 120 }),
    viewLocation: f.ref((): AnyModel => Location, { onDelete: 'set null' }),
    stockLocation: f.ref((): AnyModel => Location, { onDelete: 'set null' }),
  },
});

export type WarehouseRow = Row<typeof Warehouse>;
