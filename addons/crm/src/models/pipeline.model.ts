import { defineModel, f } from '@elevate/sdk';

export const Pipeline = defineModel({
  name: 'crm.pipeline',
  fields: {
    name: f.string({ required: true, max: 120 }),
    isDefault: f.boolean({ required: true, default: false }),
    position: f.integer({ required: true, default: 0 }),
  },
});

export const STAGE_KINDS = ['open', 'won', 'lost'] as const;

/** Ordered stages of a pipeline; `won`/`lost` stages close an opportunity. */
export const Stage = defineModel({
  name: 'crm.stage',
  fields: {
    pipeline: f.ref(() => Pipeline, { required: true, onDelete: 'cascade' }),
    name: f.string({ required: true, max: 120 }),
    position: f.integer({ required: true, default: 0 }),
    probability: f.integer({ required: true, default: 0 }),
    kind: f.enum(STAGE_KINDS, { required: true, default: 'open' }),
  },
  indexes: [['pipeline', 'position']],
});
