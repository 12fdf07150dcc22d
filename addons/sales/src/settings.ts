import type { SettingsDef } from '@elevate/sdk';

export interface SalesSettings {
  /** `line`: each line's taxes are rounded, then summed; `total`: taxes are summed exactly per rate, then rounded. */
  rounding: 'line' | 'total';
  /** A new quote is valid this many days. */
  quoteValidityDays: number;
  /** A share link works this many days. */
  shareLinkDays: number;
  /** `ordered`: an order is invoiced for what was ordered; `delivered`: for what has left (less returns). */
  invoicePolicy: 'ordered' | 'delivered';
}

export const settings: SettingsDef = {
  schema: {
    type: 'object',
    properties: {
      rounding: { enum: ['line', 'total'] },
      quoteValidityDays: { type: 'integer', minimum: 1, maximum: 3650 },
      shareLinkDays: { type: 'integer', minimum: 1, maximum: 365 },
      invoicePolicy: { enum: ['ordered', 'delivered'] },
    },
    additionalProperties: false,
  },
  defaults: {
    rounding: 'line',
    quoteValidityDays: 30,
    shareLinkDays: 30,
    invoicePolicy: 'ordered',
  } satisfies SalesSettings,
};
