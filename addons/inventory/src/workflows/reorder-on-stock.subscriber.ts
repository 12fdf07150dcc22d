import { subscribe } from '@elevate/sdk';
import { StockChanged } from '../events.ts';
import { checkRules } from '../services/reorder.service.ts';

/** After a done move commits: check the reorder rules of the product whose stock changed. */
export const reorderOnStock = subscribe(StockChanged, 'inventory.reorder-on-stock', async (event, ctx) => {
  await checkRules(ctx, [event.payload.productId]);
});
