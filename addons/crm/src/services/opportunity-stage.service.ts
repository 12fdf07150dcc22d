import { entitySchemaOf, NotFoundError, type Patch, type RequestContext, ValidationError } from '@elevate/sdk';
import { LockMode } from '@mikro-orm/core';
import { crmErrors } from '../errors.ts';
import { OpportunityLost, OpportunityStageChanged, OpportunityUpdated, OpportunityWon } from '../events.ts';
import type { OpportunityRow, StageRow } from '../graphql/types.graphql.ts';
import { Opportunity } from '../models/opportunity.model.ts';
import { Stage } from '../models/pipeline.model.ts';
import { text } from './pipeline-sql.ts';
import { firstStage } from './pipelines.service.ts';
import { recordStageChange } from './stage-history.service.ts';

// The board's verbs: move a card (drag and drop), win, lose, reopen. Every change of stage
// renumbers the columns it touches so positions stay 0..n-1.

export const OPP_READ = 'crm.opportunity.read';
export const OPP_WRITE = 'crm.opportunity.write';

const StageEntity = entitySchemaOf(Stage);
const OpportunityEntity = entitySchemaOf(Opportunity);
// A column's order is about every card in it, whoever owns it; reads skip the identity map
// because the renumbering statements below change positions behind it.
const WHOLE_COLUMN = { filters: { records: false }, disableIdentityMap: true } as const;

/** The next free position at the end of a stage column (the stage row is locked first). */
export async function endOfColumn(ctx: RequestContext, stageId: string): Promise<number> {
  await ctx.em.findOne(
    StageEntity,
    { id: stageId },
    { lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true },
  );
  const last = await ctx.em.findOne(
    OpportunityEntity,
    { stage: [ctx.tenant.id, stageId] },
    { ...WHOLE_COLUMN, orderBy: { position: 'desc' }, fields: ['position'] as never[] },
  );
  return last ? (last.position as number) + 1 : 0;
}

/**
 * Renumbers a stage column 0..n-1 (after a card left it), keeping the order. Raw SQL, kept: a
 * window function numbers the column in the database in one statement (through ctx.em: read
 * the column, then update it; see the rescoring figure below for the update).
 */
export async function compactColumn(ctx: RequestContext, stageId: string): Promise<void> {
  await ctx.db.query(
    `update crm_opportunity o set position = r.rn - 1
       from (select id, row_number() over (order by position, id) as rn
               from crm_opportunity where tenant_id = $1 and stage_id = $2) r
      where o.tenant_id = $1 and o.id = r.id and o.position <> r.rn - 1`,
    [ctx.tenant.id, stageId],
  );
}

/**
 * Puts a card into a stage column at `position` (null: at the end) and applies `changes`.
 * `position` counts the cards the caller sees: under record rules the card lands just
 * before the visible card at that index, and the whole column is renumbered 0..n-1.
 */
async function place(
  ctx: RequestContext,
  row: OpportunityRow,
  stage: StageRow,
  position: number | null,
  changes: Patch<typeof Opportunity>,
): Promise<OpportunityRow> {
  // Lock both columns (in id order, so concurrent moves cannot deadlock).
  await ctx.em.find(
    StageEntity,
    { id: { $in: [...new Set([row.stage, stage.id])] } },
    { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true },
  );
  const column = (await ctx.em.find(
    OpportunityEntity,
    { stage: [ctx.tenant.id, stage.id], id: { $ne: row.id } },
    { ...WHOLE_COLUMN, orderBy: [{ position: 'asc' }, { id: 'asc' }], fields: ['id', 'ownerId'] as never[] },
  )) as { id: string; ownerId: string | null }[];
  const owners = await ctx.ownerIds(OPP_READ);
  const visible = owners ? column.filter((c) => c.ownerId !== null && owners.includes(c.ownerId)) : column;
  const anchor = position === null ? undefined : visible[Math.max(0, position)];
  const index = anchor ? column.indexOf(anchor) : column.length;
  const ids = column.map((c) => c.id);
  ids.splice(index, 0, row.id);

  const repo = await ctx.scoped(Opportunity, OPP_WRITE);
  const updated = await repo.update(row.id, { ...changes, stage: stage.id, pipeline: stage.pipeline });
  if (!updated) throw new NotFoundError('Opportunity');
  // Raw SQL, kept: the UPDATE from unnest measured on the lead rescoring (536-554 ms vs
  // em.flush() 1,845 ms for 5,000 rows, addons/crm/bench/rescore.bench.ts).
  await ctx.db.query(
    `update crm_opportunity o set position = x.ord - 1
       from unnest($2::uuid[]) with ordinality as x(id, ord)
      where o.tenant_id = $1 and o.id = x.id and o.position <> x.ord - 1`,
    [ctx.tenant.id, ids],
  );
  if (row.stage !== stage.id) await compactColumn(ctx, row.stage);
  return { ...updated, position: index };
}

async function writable(ctx: RequestContext, id: string): Promise<OpportunityRow> {
  const row = await (await ctx.scoped(Opportunity, OPP_WRITE)).get(id);
  if (!row) throw new NotFoundError('Opportunity');
  return row;
}

async function stageChanged(ctx: RequestContext, before: OpportunityRow, after: OpportunityRow): Promise<void> {
  if (before.stage === after.stage) return;
  await recordStageChange(ctx, after.id, before.stage, after.stage);
  await ctx.events.publish(OpportunityStageChanged, after.id, {
    id: after.id,
    title: after.title,
    fromStageId: before.stage,
    toStageId: after.stage,
    ownerId: after.ownerId,
  });
}

/**
 * Moves an open card to `stage`; a won or lost stage wins or loses it (lost needs a reason).
 * `keepProbability`: the caller set the probability itself in the same change.
 */
export async function moveTo(
  ctx: RequestContext,
  row: OpportunityRow,
  stage: StageRow,
  position: number | null,
  opts: { reason?: string | null; keepProbability?: boolean } = {},
): Promise<OpportunityRow> {
  if (stage.kind === 'won' || stage.kind === 'lost') {
    return close(ctx, row, stage, stage.kind, opts.reason ?? null, position);
  }
  const after = await place(ctx, row, stage, position, opts.keepProbability ? {} : { probability: stage.probability });
  await stageChanged(ctx, row, after);
  return after;
}

async function close(
  ctx: RequestContext,
  row: OpportunityRow,
  stage: StageRow,
  outcome: 'won' | 'lost',
  reason: string | null,
  position: number | null,
): Promise<OpportunityRow> {
  const lostReason = outcome === 'lost' ? text(reason ?? '', 'reason', 2000) : null;
  const after = await place(ctx, row, stage, position, {
    status: outcome,
    closedAt: new Date().toISOString(),
    probability: stage.probability,
    lostReason,
  });
  await stageChanged(ctx, row, after);
  await ctx.events.publish(outcome === 'won' ? OpportunityWon : OpportunityLost, after.id, {
    id: after.id,
    title: after.title,
    value: after.value,
    currency: after.currency,
    reason: lostReason,
    ownerId: after.ownerId,
    contactId: after.contact,
  });
  return after;
}

/** What drag and drop calls: `position` is the index in the target column as the caller sees it. */
export async function moveOpportunity(
  ctx: RequestContext,
  id: string,
  input: { stageId: string; position?: number | null | undefined; reason?: string | null | undefined },
): Promise<OpportunityRow> {
  const row = await writable(ctx, id);
  const stage = await ctx.db.repo(Stage).get(input.stageId);
  if (!stage || stage.pipeline !== row.pipeline) throw crmErrors.stageNotInPipeline();
  const position = input.position ?? null;
  if (row.status !== 'open') {
    // A closed card may only be reordered inside its own column.
    if (stage.id !== row.stage) throw crmErrors.closed();
    return place(ctx, row, stage, position, {});
  }
  if (stage.id === row.stage) return place(ctx, row, stage, position, {});
  return moveTo(ctx, row, stage, position, { reason: input.reason ?? null });
}

export async function winOpportunity(ctx: RequestContext, id: string): Promise<OpportunityRow> {
  const row = await writable(ctx, id);
  if (row.status !== 'open') throw crmErrors.closed();
  return close(ctx, row, await firstStage(ctx, row.pipeline, 'won'), 'won', null, null);
}

export async function loseOpportunity(ctx: RequestContext, id: string, reason: string): Promise<OpportunityRow> {
  const lostReason = text(reason ?? '', 'reason', 2000);
  const row = await writable(ctx, id);
  if (row.status !== 'open') throw crmErrors.closed();
  return close(ctx, row, await firstStage(ctx, row.pipeline, 'lost'), 'lost', lostReason, null);
}

/** Back to an open stage (the given one, or the pipeline's first), clearing the outcome. */
export async function reopenOpportunity(
  ctx: RequestContext,
  id: string,
  input: { stageId?: string | null | undefined } = {},
): Promise<OpportunityRow> {
  const row = await writable(ctx, id);
  if (row.status === 'open') throw crmErrors.notClosed();
  let stage: StageRow;
  if (input.stageId) {
    const s = await ctx.db.repo(Stage).get(input.stageId);
    if (!s || s.pipeline !== row.pipeline) throw crmErrors.stageNotInPipeline();
    if (s.kind !== 'open') {
      throw new ValidationError('Reopen into an open stage', [{ path: 'stageId', message: 'must be an open stage' }]);
    }
    stage = s;
  } else stage = await firstStage(ctx, row.pipeline, 'open');
  const after = await place(ctx, row, stage, null, {
    status: 'open',
    closedAt: null,
    lostReason: null,
    probability: stage.probability,
  });
  await stageChanged(ctx, row, after);
  await ctx.events.publish(OpportunityUpdated, id, {
    id,
    title: after.title,
    ownerId: after.ownerId,
    changes: ['status', 'closedAt', 'lostReason'],
  });
  return after;
}
