// Row types of the pages, from the models themselves (type-only imports: no server code ships).
import type { Row } from '@elevate/sdk/web';
import type { CountLine, CountSheet } from '../src/models/count.model.ts';
import type { ProductImport } from '../src/models/import.model.ts';
import type { Location } from '../src/models/location.model.ts';
import type { Lot } from '../src/models/lot.model.ts';
import type { Move } from '../src/models/move.model.ts';
import type { Operation } from '../src/models/operation.model.ts';
import type { Product } from '../src/models/product.model.ts';
import type { Quant } from '../src/models/quant.model.ts';
import type { ReorderRule, Replenishment } from '../src/models/reorder.model.ts';
import type { Uom } from '../src/models/uom.model.ts';
import type { Warehouse } from '../src/models/warehouse.model.ts';
import { t } from './i18n.ts';

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
export type LotRow = Row<typeof Lot>;
/** An import as `GET /imports/:id` answers it: without the file, with its progress in percent. */
export type ImportView = Omit<Row<typeof ProductImport>, 'csv'> & { progress: number };
export type {
  CountLine,
  CountSheet,
  Location,
  Lot,
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
/** A product type's name (`Stockable`), in the user's language; unknown types as they are. */
export function productTypeLabel(type: string): string {
  switch (type) {
    case 'stockable':
      return t('productType.stockable');
    case 'consumable':
      return t('productType.consumable');
    case 'service':
      return t('productType.service');
    default:
      return type;
  }
}
/** The tracking choices of the product form, in the user's language (called at render time). */
export const trackingOptions = () => [
  { value: 'none', label: t('tracking.optionNone') },
  { value: 'lot', label: t('tracking.optionLot') },
  { value: 'serial', label: t('tracking.optionSerial') },
];
/** A tracking mode's name (`Lots`, `Serial numbers`), in the user's language; unknown values as they are. */
export function trackingLabel(tracking: string): string {
  switch (tracking) {
    case 'none':
      return t('tracking.none');
    case 'lot':
      return t('tracking.lot');
    case 'serial':
      return t('tracking.serial');
    default:
      return tracking;
  }
}

/** A row of `GET /lot-stock`: a lot with its product and on hand. */
export interface LotSummary {
  id: string;
  name: string;
  expiresAt: string | null;
  createdAt: string;
  productId: string;
  sku: string;
  productName: string;
  tracking: string;
  onHand: string;
  reserved: string;
}

/** A lot's way through the stock, as `GET /lots/:id/trace` answers it. */
export interface LotTraceView {
  lot: LotRow;
  product: ProductRow;
  onHand: string;
  stock: LocationStock[];
  moves: {
    id: string;
    state: string;
    kind: string;
    quantity: string;
    from: string;
    to: string;
    reference: string | null;
    operationId: string | null;
    operation: string | null;
    doneAt: string | null;
    createdAt: string;
  }[];
}
/** The operations a person makes by hand in the operation form (adjustments come from counts). */
export const OPERATION_FORM_KINDS = ['receipt', 'delivery', 'internal'] as const;
/** Every kind of operation, in the order the pages list them. */
export const OPERATION_KINDS = ['receipt', 'delivery', 'internal', 'adjustment'] as const;
/** An operation kind's name (`Receipt`, `Transfer`), in the user's language; unknown kinds as they are. */
export function kindLabel(kind: string): string {
  switch (kind) {
    case 'receipt':
      return t('kind.receipt');
    case 'delivery':
      return t('kind.delivery');
    case 'internal':
      return t('kind.internal');
    case 'adjustment':
      return t('kind.adjustment');
    default:
      return kind;
  }
}

/** Exact amounts from the server (no float sums in the browser), shown without trailing zeros. */
export const plain = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
};

/**
 * The unit a move's quantity is in (the product's stock unit), and the quantity as entered when it
 * was given in another unit: `Units (2 Dozen)`.
 */
export function moveUnit(
  m: { uom?: string | null; uomQuantity?: string | null },
  stockUom: string | null | undefined,
  uoms: readonly { id: string; name: string }[],
): string {
  const name = (id: unknown) => uoms.find((u) => u.id === id)?.name;
  const stock = name(stockUom) ?? '—';
  const entered = m.uom && m.uom !== stockUom ? name(m.uom) : undefined;
  return entered && m.uomQuantity ? `${stock} (${plain(m.uomQuantity)} ${entered})` : stock;
}

/** A location of `GET /warehouses/:id/locations`: the tree, depth-first, with on-hand totals. */
export interface TreeLocation {
  id: string;
  name: string;
  fullName: string;
  parent: string | null;
  usage: string;
  active: boolean;
  depth: number;
  onHand: string;
  totalOnHand: string;
  products: number;
}

/** A state as the pages show it (`done`, `draft`, `queued` …), in the user's language. */
export const stateText = (state: unknown): string => t('enum.state', { state: String(state ?? '') });
/** A move's kind as the lists show it (`receipt`, `internal` …), in the user's language. */
export const kindText = (kind: unknown): string => t('enum.kind', { kind: String(kind ?? '') });
/** A product type as the product page shows it (`stockable` …), in the user's language. */
export const typeText = (type: unknown): string => t('enum.type', { type: String(type ?? '') });
