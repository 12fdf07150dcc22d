import { NotFoundError, type RequestContext, ValidationError } from '@elevate/sdk';
import { crmErrors } from '../errors.ts';
import { OpportunityCreated, OpportunityDeleted, OpportunityUpdated } from '../events.ts';
import type { OpportunityRow, PipelineRow, StageRow } from '../graphql/types.graphql.ts';
import { Contact } from '../models/contact.model.ts';
import { Lead } from '../models/lead.model.ts';
import { Opportunity } from '../models/opportunity.model.ts';
import { Pipeline, Stage } from '../models/pipeline.model.ts';
import { checkAmount } from './amounts.service.ts';
import { customWrite, oneWithCustom } from './custom-values.ts';
import type { ListFilter } from './list-query.ts';
import { compactColumn, endOfColumn, moveTo, OPP_READ, OPP_WRITE } from './opportunity-stage.service.ts';
import { changedKeys, checkLinks, missingLink, optionalText, pageOf, percent, text } from './pipeline-sql.ts';
import { defaultPipeline, firstStage } from './pipelines.service.ts';
import { checkUnchanged, type EditPrecondition } from './precondition.ts';
import { recordStageChange } from './stage-history.service.ts';

export interface OpportunityInput {
  title: string;
  contactId?: string | null | undefined;
  leadId?: string | null | undefined;
  pipelineId?: string | null | undefined;
  stageId?: string | null | undefined;
  value?: string | null | undefined;
  currency?: string | null | undefined;
  expectedCloseDate?: string | null | undefined;
  probability?: number | null | undefined;
  ownerId?: string | null | undefined;
  /** Custom-field values by key. */
  custom?: unknown;
}
export type OpportunityPatch = Partial<OpportunityInput> & { lostReason?: string | null | undefined };

export function listOpportunities(
  ctx: RequestContext,
  opts: { filter: ListFilter; sort?: string | undefined; limit: number; offset: number },
) {
  return pageOf(ctx, Opportunity, 'opportunity', opts);
}

/** One opportunity under record rules, with the custom values the caller may see. */
export async function getOpportunity(ctx: RequestContext, id: string): Promise<OpportunityRow | null> {
  const row = await (await ctx.scoped(Opportunity, OPP_READ)).get(id);
  return row && oneWithCustom(ctx, Opportunity, row);
}

/** For GraphQL relations: opportunities by id under record rules (null when not visible). */
export function opportunityById(ctx: RequestContext, id: string): Promise<OpportunityRow | null> {
  return ctx
    .loader<string, OpportunityRow | null>('crm.pipeline.opportunity', async (ids) =>
      ctx.can(OPP_READ) ? (await ctx.scoped(Opportunity, OPP_READ)).getMany(ids) : ids.map(() => null),
    )
    .load(id);
}

/** Where a new card goes: the given stage, or the first open stage of the (default) pipeline. */
export async function placement(
  ctx: RequestContext,
  pipelineId: string | null | undefined,
  stageId: string | null | undefined,
): Promise<{ pipeline: string; stage: StageRow }> {
  if (stageId) {
    const stage = await ctx.db.repo(Stage).get(stageId);
    if (!stage) throw missingLink('stageId', 'stage');
    if (pipelineId && stage.pipeline !== pipelineId) throw crmErrors.stageNotInPipeline();
    return { pipeline: stage.pipeline, stage };
  }
  let pipeline: PipelineRow | null;
  if (pipelineId) {
    pipeline = await ctx.db.repo(Pipeline).get(pipelineId);
    if (!pipeline) throw missingLink('pipelineId', 'pipeline');
  } else pipeline = await defaultPipeline(ctx);
  return { pipeline: pipeline.id, stage: await firstStage(ctx, pipeline.id, 'open') };
}

function fields(input: OpportunityPatch) {
  return {
    ...(input.title == null ? {} : { title: text(input.title, 'title', 200) }),
    ...(input.contactId === undefined ? {} : { contact: input.contactId }),
    ...(input.leadId === undefined ? {} : { lead: input.leadId }),
    ...(input.value === undefined ? {} : { value: input.value }),
    ...(input.currency == null ? {} : { currency: checkCurrency(input.currency) }),
    ...(input.expectedCloseDate === undefined ? {} : { expectedCloseDate: input.expectedCloseDate }),
    ...(input.probability == null ? {} : { probability: percent(input.probability, 'probability') }),
    ...(input.ownerId == null ? {} : { ownerId: input.ownerId }),
  };
}

function checkCurrency(c: string): string {
  if (!/^[A-Z]{3}$/.test(c)) {
    throw new ValidationError('currency must be an ISO 4217 code', [{ path: 'currency', message: 'like USD' }]);
  }
  return c;
}

function linkChecks(input: OpportunityPatch) {
  return [
    { model: Contact, permission: 'crm.contact.read', id: input.contactId, path: 'contactId', what: 'contact' },
    { model: Lead, permission: 'crm.lead.read', id: input.leadId, path: 'leadId', what: 'lead' },
  ];
}

export async function createOpportunity(ctx: RequestContext, input: OpportunityInput): Promise<OpportunityRow> {
  const repo = await ctx.scoped(Opportunity, OPP_WRITE);
  const data = fields(input);
  if (!data.title) text('', 'title', 200);
  checkAmount(input.value, input.currency ?? 'USD');
  await checkLinks(ctx, linkChecks(input));
  const { pipeline, stage } = await placement(ctx, input.pipelineId, input.stageId);
  if (stage.kind !== 'open') {
    throw new ValidationError('New opportunities start in an open stage; win or lose them afterwards', [
      { path: 'stageId', message: 'must be an open stage' },
    ]);
  }
  const custom = await customWrite(ctx, Opportunity, input.custom, null);
  const row = await repo.insert({
    ...data,
    custom: custom?.custom ?? {},
    title: data.title as string,
    pipeline,
    stage: stage.id,
    position: await endOfColumn(ctx, stage.id),
    probability: data.probability ?? stage.probability,
  });
  await recordStageChange(ctx, row.id, null, stage.id);
  await ctx.events.publish(OpportunityCreated, row.id, { id: row.id, title: row.title, ownerId: row.ownerId });
  return oneWithCustom(ctx, Opportunity, row);
}

export async function updateOpportunity(
  ctx: RequestContext,
  id: string,
  patch: OpportunityPatch,
  pre?: EditPrecondition,
): Promise<OpportunityRow> {
  const repo = await ctx.scoped(Opportunity, OPP_WRITE);
  const before = await repo.get(id);
  if (!before) throw new NotFoundError('Opportunity');
  await checkUnchanged(ctx, 'opportunity', id, before.title, pre);
  const movesPipeline = patch.pipelineId != null && patch.pipelineId !== before.pipeline;
  const movesStage = patch.stageId != null && patch.stageId !== before.stage;
  if ((movesPipeline || movesStage) && before.status !== 'open') throw crmErrors.closed();
  if (patch.value !== undefined || patch.currency != null) {
    checkAmount(patch.value === undefined ? before.value : patch.value, patch.currency ?? before.currency);
  }
  const data = fields(patch);
  await checkLinks(ctx, linkChecks(patch));
  let row = before;
  const custom = await customWrite(ctx, Opportunity, patch.custom, id);
  const changes = changedKeys(before, data);
  if (custom?.changed) changes.push('custom');
  if (changes.length) {
    row = (await repo.update(id, custom ? { ...data, custom: custom.custom } : data)) ?? before;
    await ctx.events.publish(OpportunityUpdated, id, { id, title: row.title, ownerId: row.ownerId, changes });
  }
  if (movesPipeline || movesStage) {
    const target = await placement(ctx, patch.pipelineId ?? row.pipeline, patch.stageId);
    row = await moveTo(ctx, row, target.stage, null, {
      reason: optionalText(patch.lostReason, 'lostReason', 2000) ?? null,
      keepProbability: patch.probability != null,
    });
  }
  return oneWithCustom(ctx, Opportunity, row);
}

export async function deleteOpportunity(ctx: RequestContext, id: string): Promise<void> {
  const repo = await ctx.scoped(Opportunity, 'crm.opportunity.delete');
  const row = await repo.get(id);
  if (!row || !(await repo.delete(id))) throw new NotFoundError('Opportunity');
  await compactColumn(ctx, row.stage);
  await ctx.events.publish(OpportunityDeleted, id, { id, title: row.title, ownerId: row.ownerId });
}
