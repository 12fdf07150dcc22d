import type { SettingsDef } from '@elevate/sdk';

export interface InventorySettings {
  /** `refuse`: a move that would take an internal location below zero answers 409. */
  negativeStock: 'refuse' | 'allow';
  /** How deliveries are valued: oldest layers first (`fifo`) or at the average cost (`avco`). */
  valuation: 'fifo' | 'avco';
}

export const settings: SettingsDef = {
  schema: {
    type: 'object',
    properties: { negativeStock: { enum: ['refuse', 'allow'] }, valuation: { enum: ['fifo', 'avco'] } },
    additionalProperties: false,
  },
  defaults: { negativeStock: 'refuse', valuation: 'fifo' } satisfies InventorySettings,
};
