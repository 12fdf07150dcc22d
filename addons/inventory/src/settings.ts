import type { SettingsDef } from '@elevate/sdk';

export interface InventorySettings {
  /** `refuse`: a move that would take an internal location below zero answers 409. */
  negativeStock: 'refuse' | 'allow';
}

export const settings: SettingsDef = {
  schema: {
    type: 'object',
    properties: { negativeStock: { enum: ['refuse', 'allow'] } },
    additionalProperties: false,
  },
  defaults: { negativeStock: 'refuse' } satisfies InventorySettings,
};
