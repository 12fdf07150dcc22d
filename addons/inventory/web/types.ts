// Row types of the pages, from the models themselves (type-only imports: no server code ships).
import type { Row } from '@elevate/sdk/web';
import type { Location } from '../src/models/location.model.ts';
import type { Move } from '../src/models/move.model.ts';
import type { Product } from '../src/models/product.model.ts';
import type { Uom } from '../src/models/uom.model.ts';

export type ProductRow = Row<typeof Product>;
export type MoveRow = Row<typeof Move>;
export type LocationRow = Row<typeof Location>;
export type UomRow = Row<typeof Uom>;
export type { Location, Move, Product, Uom };

export interface LocationStock {
  locationId: string;
  location: string;
  onHand: string;
  reserved: string;
  available: string;
}

export const PRODUCT_TYPES = ['stockable', 'consumable', 'service'] as const;
