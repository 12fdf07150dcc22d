import { defineSchedule } from '@elevate/sdk';
import { checkRules } from '../services/reorder.service.ts';

/** Every hour, for each tenant with inventory enabled: raise the suggestions the rules call for. */
export const reorderCheck = defineSchedule({
  name: 'inventory.reorder-check',
  title: 'Reorder check: raise the replenishments the rules call for',
  everyMs: 3_600_000,
  run: async (ctx) => ({ raised: (await checkRules(ctx)).length }),
});
