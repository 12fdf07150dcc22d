import type { SystemContext } from '@elevate/sdk';
import { Pipeline } from '../models/pipeline.model.ts';
import { seedChoiceLists } from './choice-lists.service.ts';
import { DEFAULT_STAGES, insertPipeline } from './pipelines.service.ts';

/**
 * On enable: a default "Sales" pipeline with its stages, only if the tenant has no pipeline
 * (enabling again after a disable keeps the tenant's own configuration).
 */
export async function seedDefaults(ctx: SystemContext): Promise<void> {
  // Lead sources and activity types: the defaults when the company has none, plus the values its records hold.
  await seedChoiceLists(ctx);
  if ((await ctx.db.repo(Pipeline).count()) > 0) return;
  await insertPipeline(ctx, { name: 'Sales', isDefault: true, stages: [...DEFAULT_STAGES] });
}
