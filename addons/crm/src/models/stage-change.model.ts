import { defineModel, f } from '@elevate/sdk';
import { Opportunity } from './opportunity.model.ts';
import { Stage } from './pipeline.model.ts';

/**
 * An opportunity's stage history: one row when it is created and one per move between stages.
 * The stage names are kept as they were, so a renamed or deleted stage still reads right.
 * Guarded by the opportunity permissions (`created_by` says who moved it).
 */
export const StageChange = defineModel({
  name: 'crm.stage_change',
  access: 'crm.opportunity',
  fields: {
    opportunity: f.ref(() => Opportunity, { required: true, onDelete: 'cascade' }),
    fromStage: f.ref(() => Stage, { onDelete: 'set null' }),
    toStage: f.ref(() => Stage, { onDelete: 'set null' }),
    fromName: f.string({ max: 120 }),
    toName: f.string({ required: true, max: 120 }),
  },
});
