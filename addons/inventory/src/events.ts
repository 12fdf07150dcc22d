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

export const inventoryEvents = [StockChanged];
