// Row types of the pages, from the models themselves (type-only imports: no server code ships).
import type { Row } from '@elevate/sdk/web';
import type { CountLine, CountSheet } from '../src/models/count.model.ts';
import type { ProductImport } from '../src/models/import.model.ts';
import type { Location } from '../src/models/location.model.ts';
import type { Move } from '../src/models/move.model.ts';
import type { Operation } from '../src/models/operation.model.ts';
import type { Product } from '../src/models/product.model.ts';
import type { Quant } from '../src/models/quant.model.ts';
import type { ReorderRule, Replenishment } from '../src/models/reorder.model.ts';
import type { Uom } from '../src/models/uom.model.ts';
import type { Warehouse } from '../src/models/warehouse.model.ts';

/** A product as REST answers it: with the custom-field values the caller may see. */
export type ProductRow = Row<typeof Product> & { custom?: Record<string, unknown> };
export type MoveRow = Row<typeof Move>;
export type LocationRow = Row<typeof Location>;
export type UomRow = Row<typeof Uom>;
export type OperationRow = Row<typeof Operation>;
export type CountSheetRow = Row<typeof CountSheet>;
export type CountLineRow = Row<typeof CountLine>;
export type ReorderRuleRow = Row<typeof ReorderRule>;
export type ReplenishmentRow = Row<typeof Replenishment>;
export type WarehouseRow = Row<typeof Warehouse>;
/** An import as `GET /imports/:id` answers it: without the file, with its progress in percent. */
export type ImportView = Omit<Row<typeof ProductImport>, 'csv'> & { progress: number };
export type {
  CountLine,
  CountSheet,
  Location,
  Move,
  Operation,
  Product,
  ProductImport,
  Quant,
  ReorderRule,
  Replenishment,
  Uom,
  Warehouse,
};

export interface LocationStock {
  locationId: string;
  location: string;
  onHand: string;
  reserved: string;
  available: string;
}

export const PRODUCT_TYPES = ['stockable', 'consumable', 'service'] as const;
/** The operations a person makes by hand in the operation form (adjustments come from counts). */
export const OPERATION_FORM_KINDS = ['receipt', 'delivery', 'internal'] as const;
export const KIND_LABELS: Record<string, string> = {
  receipt: 'Receipt',
  delivery: 'Delivery',
  internal: 'Transfer',
  adjustment: 'Adjustment',
};

/** Exact amounts from the server (no float sums in the browser), shown without trailing zeros. */
export const plain = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
};
