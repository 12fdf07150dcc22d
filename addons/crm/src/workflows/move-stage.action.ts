import { defineAction } from '@elevate/sdk';
import { messages } from '../messages.ts';
import { moveOpportunity } from '../services/opportunity-stage.service.ts';
import { crmRecord } from './record-of.ts';

/** Moves the trigger's opportunity to a stage of its pipeline (a won or lost stage closes it). */
export const moveStageAction = defineAction<
  { stageId: string; reason?: string },
  { opportunityId: string; stageId: string; status: string }
>({
  name: 'crm.move_stage',
  title: 'Move to a stage',
  description:
    'Moves the opportunity the rule is about to another stage of its pipeline; a won or lost stage closes it.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['stageId'],
    properties: {
      stageId: { type: 'string', format: 'uuid', title: 'Stage', 'x-widget': 'stage' },
      reason: { type: 'string', maxLength: 2000, title: 'Lost reason (for a lost stage)' },
    },
  },
  result: {
    type: 'object',
    properties: { opportunityId: { type: 'string' }, stageId: { type: 'string' }, status: { type: 'string' } },
  },
  describe: (p, info) => messages.text(info.language, 'describe.crm.move_stage', { stageId: p.stageId }),
  async run(p, ctx) {
    const { id } = crmRecord(ctx, ['crm.opportunity'], 'stageId');
    const row = await moveOpportunity(await ctx.asOwner(), id, { stageId: p.stageId, reason: p.reason ?? null });
    return { opportunityId: row.id, stageId: row.stage, status: row.status };
  },
});
