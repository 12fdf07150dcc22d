import type { SystemContext } from '@elevate/sdk';
import { Pipeline } from '../models/pipeline.model.ts';
import { DEFAULT_STAGES, insertPipeline } from './pipelines.service.ts';

/**
 * On enable: a default "Sales" pipeline with its stages, only if the tenant has no pipeline
 * (enabling again after a disable keeps the tenant's own configuration).
 */
export async function seedDefaults(ctx: SystemContext): Promise<void> {
  if ((await ctx.db.repo(Pipeline).count()) > 0) return;
  await insertPipeline(ctx, { name: 'Sales', isDefault: true, stages: [...DEFAULT_STAGES] });
}
