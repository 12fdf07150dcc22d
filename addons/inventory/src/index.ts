import { defineAddon, provide } from '@elevate/sdk';
import { migrations } from '../migrations/index.ts';
import { inventoryEvents } from './events.ts';
import { inventoryGraphql } from './graphql/inventory.graphql.ts';
import { lotsGraphql } from './graphql/lots.graphql.ts';
import { valuationGraphql } from './graphql/valuation.graphql.ts';
import { inventoryModels } from './models/index.ts';
import { permissions } from './permissions.ts';
import { inventoryLists, inventoryResources } from './resources.ts';
import { countRoutes } from './rest/counts.routes.ts';
import { importRoutes } from './rest/import.routes.ts';
import { landedCostRoutes } from './rest/landed-costs.routes.ts';
import { locationRoutes } from './rest/locations.routes.ts';
import { lotRoutes } from './rest/lots.routes.ts';
import { operationRoutes } from './rest/operations.routes.ts';
import { reorderRoutes } from './rest/reorder.routes.ts';
import { stockRoutes } from './rest/stock.routes.ts';
import { valuationRoutes } from './rest/valuation.routes.ts';
import { variantRoutes } from './rest/variants.routes.ts';
import { searchProviders } from './search.ts';
import { onEnable } from './services/setup.service.ts';
import { Stock, stockService } from './services/stock.service.ts';

export type { LineInput, OperationInput } from './services/operations.service.ts';

import { messages } from './messages.ts';
import { settings } from './settings.ts';
import { importJob } from './workflows/import.job.ts';
import { reorderCheck } from './workflows/reorder-check.schedule.ts';
import { reorderOnStock } from './workflows/reorder-on-stock.subscriber.ts';

export const inventory = defineAddon({
  id: 'inventory',
  version: '0.1.0',
  title: 'Inventory',
  description:
    'Products with barcodes and units of measure, warehouses and locations, double-entry stock moves, on-hand stock and reservations that never oversell.',
  category: 'Operations',
  messages,
  icon: 'box',
  platform: '^1.0.0',
  models: inventoryModels,
  migrations,
  permissions,
  settings,
  events: inventoryEvents,
  subscribers: [reorderOnStock],
  schedules: [reorderCheck],
  jobs: [importJob],
  resources: inventoryResources,
  lists: inventoryLists,
  provides: [provide(Stock, stockService)],
  search: searchProviders,
  graphql: (b) => {
    lotsGraphql(b);
    valuationGraphql(b);
    return inventoryGraphql(b);
  },
  rest: (r) => {
    stockRoutes(r);
    operationRoutes(r);
    countRoutes(r);
    reorderRoutes(r);
    variantRoutes(r);
    importRoutes(r);
    lotRoutes(r);
    locationRoutes(r);
    valuationRoutes(r);
    landedCostRoutes(r);
  },
  lifecycle: { enable: onEnable },
});

export type { Shortfall } from './errors.ts';
// What other addons may import.
export {
  ReplenishmentSuggested,
  type ReplenishmentSuggestedPayload,
  StockChanged,
  type StockChangedPayload,
} from './events.ts';
export { Location, type LocationRow } from './models/location.model.ts';
export { Lot, type LotRow } from './models/lot.model.ts';
export { Move, type MoveRow } from './models/move.model.ts';
export { Operation, type OperationRow } from './models/operation.model.ts';
export { Product, type ProductRow } from './models/product.model.ts';
export { Reservation, type ReservationRow } from './models/reservation.model.ts';
export { Warehouse } from './models/warehouse.model.ts';
export {
  type ReserveInput,
  type ReserveResult,
  Stock,
  type StockLevel,
  type StockScope,
  type StockService,
} from './services/stock.service.ts';
