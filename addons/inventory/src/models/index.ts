import { Category } from './category.model.ts';
import { CostLayer } from './cost-layer.model.ts';
import { CountLine, CountSheet } from './count.model.ts';
import { ProductImport } from './import.model.ts';
import { LandedCost, LandedCostLine } from './landed-cost.model.ts';
import { LayerEntry } from './layer-entry.model.ts';
import { Location } from './location.model.ts';
import { Lot, LotQuant } from './lot.model.ts';
import { Move } from './move.model.ts';
import { Operation } from './operation.model.ts';
import { Product } from './product.model.ts';
import { Quant } from './quant.model.ts';
import { ReorderRule, Replenishment } from './reorder.model.ts';
import { Reservation } from './reservation.model.ts';
import { Uom } from './uom.model.ts';
import { Warehouse } from './warehouse.model.ts';

export const inventoryModels = [
  Uom,
  Category,
  Product,
  Warehouse,
  Location,
  Quant,
  Reservation,
  Operation,
  Move,
  CostLayer,
  LayerEntry,
  LandedCost,
  LandedCostLine,
  CountSheet,
  CountLine,
  ReorderRule,
  Replenishment,
  ProductImport,
  Lot,
  LotQuant,
];
