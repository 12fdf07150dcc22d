import { defineEvent } from '@elevate/sdk';

export interface StockChangedPayload {
  productId: string;
  locationId: string;
  onHand: string;
  reserved: string;
  available: string;
}

/** A done move changed the stock of a product at an internal location. */
export const StockChanged = defineEvent<StockChangedPayload>('inventory.stock.changed', {
  permission: 'inventory.move.read',
});

export interface ReplenishmentSuggestedPayload {
  suggestionId: string;
  ruleId: string;
  productId: string;
  warehouseId: string;
  quantity: string;
  forecast: string;
}

/** A reorder rule's forecast fell below its min: a replenishment suggestion was raised. */
export const ReplenishmentSuggested = defineEvent<ReplenishmentSuggestedPayload>('inventory.replenishment.suggested', {
  permission: 'inventory.reorder.read',
});
export const inventoryEvents = [StockChanged, ReplenishmentSuggested];
