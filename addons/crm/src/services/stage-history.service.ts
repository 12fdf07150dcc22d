import { NotFoundError, type RequestContext, type Row } from '@elevate/sdk';
import { Opportunity } from '../models/opportunity.model.ts';
import { Stage } from '../models/pipeline.model.ts';
import { StageChange } from '../models/stage-change.model.ts';

export type StageChangeRow = Row<typeof StageChange>;

/**
 * Writes one line of an opportunity's stage history (`from` null: it was created there). Runs in
 * the change's own transaction, so a refused move leaves no line behind.
 */
export async function recordStageChange(
  ctx: RequestContext,
  opportunityId: string,
  fromStageId: string | null,
  toStageId: string,
): Promise<void> {
  const ids = fromStageId ? [fromStageId, toStageId] : [toStageId];
  const stages = await ctx.db.repo(Stage).getMany(ids);
  const name = (id: string | null) => (id ? (stages[ids.indexOf(id)]?.name ?? null) : null);
  await ctx.db.repo(StageChange).insert({
    opportunity: opportunityId,
    fromStage: fromStageId,
    toStage: toStageId,
    fromName: name(fromStageId),
    toName: name(toStageId) ?? '?',
  });
}

/** The stage history of an opportunity the caller may see, oldest first (404 otherwise). */
export async function stageHistory(ctx: RequestContext, opportunityId: string): Promise<StageChangeRow[]> {
  const opp = await (await ctx.scoped(Opportunity, 'crm.opportunity.read')).get(opportunityId);
  if (!opp) throw new NotFoundError('Opportunity');
  return ctx.db.repo(StageChange).find({
    where: { opportunity: opportunityId },
    orderBy: [{ field: 'createdAt' }, { field: 'id' }],
    limit: 500,
  });
}
