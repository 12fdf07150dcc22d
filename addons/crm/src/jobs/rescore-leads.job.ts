import { defineJob, entitySchemaOf } from '@elevate/sdk';
import { Lead } from '../models/lead.model.ts';
import { activeRules, rescoreBatch } from '../services/scoring.service.ts';

export type RescoreLeadsData = Record<string, never>;

const BATCH = 2000;

/**
 * Rescores every lead of the tenant after a scoring rule changed (tenants with more leads
 * than a request should handle). Idempotent: a second run finds nothing to change.
 */
export const rescoreLeadsJob = defineJob<RescoreLeadsData, { changed: number }>({
  name: 'crm.rescore_leads',
  attempts: 3,
  run: async (_data, ctx) => {
    const rules = await activeRules(ctx);
    const total = await ctx.em.count(entitySchemaOf(Lead), {});
    let afterId: string | null = null;
    let done = 0;
    let changed = 0;
    for (;;) {
      const batch = await rescoreBatch(ctx, rules, { afterId, limit: BATCH });
      changed += batch.changed;
      done += batch.read;
      if (batch.read < BATCH) break;
      afterId = batch.lastId;
      await ctx.progress(Math.min(99, Math.floor((done / Math.max(total, 1)) * 100)));
    }
    await ctx.progress(100);
    return { changed };
  },
});
