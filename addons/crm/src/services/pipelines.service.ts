import { entitySchemaOf, NotFoundError, type RequestContext, type SystemContext, ValidationError } from '@elevate/sdk';
import { LockMode } from '@mikro-orm/core';
import { crmErrors } from '../errors.ts';
import type { PipelineRow, StageRow } from '../graphql/types.graphql.ts';
import { Opportunity } from '../models/opportunity.model.ts';
import { Pipeline, STAGE_KINDS, Stage } from '../models/pipeline.model.ts';
import { percent, text } from './pipeline-sql.ts';

export type StageKind = (typeof STAGE_KINDS)[number];
export interface StageInput {
  name: string;
  probability?: number | null | undefined;
  kind?: StageKind | null | undefined;
}
export interface PipelineInput {
  name: string;
  isDefault?: boolean | null | undefined;
  stages?: StageInput[] | null | undefined;
}
export type PipelineWithStages = PipelineRow & { stages: StageRow[] };

export const DEFAULT_STAGES: readonly Required<StageInput>[] = [
  { name: 'New', probability: 10, kind: 'open' },
  { name: 'Qualified', probability: 30, kind: 'open' },
  { name: 'Proposal', probability: 60, kind: 'open' },
  { name: 'Negotiation', probability: 80, kind: 'open' },
  { name: 'Won', probability: 100, kind: 'won' },
  { name: 'Lost', probability: 0, kind: 'lost' },
];

const MANAGE = 'crm.pipeline.manage';
const PipelineEntity = entitySchemaOf(Pipeline);
const OpportunityEntity = entitySchemaOf(Opportunity);
// Reads that decide a write skip the identity map: other statements of the request may have changed the rows.
const FRESH = { disableIdentityMap: true } as const;

/** Opportunities can always be placed, won and lost: a pipeline keeps one stage of each kind. */
function checkKinds(kinds: readonly string[]): void {
  const missing = STAGE_KINDS.filter((k) => !kinds.includes(k));
  if (missing.length) {
    throw new ValidationError('A pipeline needs at least one open, one won and one lost stage', [
      { path: 'stages', message: `missing a stage of kind ${missing.join(', ')}` },
    ]);
  }
}

/** Creates a pipeline and its stages (no permission check: also used by the enable hook). */
export async function insertPipeline(ctx: SystemContext, input: PipelineInput): Promise<PipelineWithStages> {
  const stages = input.stages?.length ? input.stages : DEFAULT_STAGES;
  checkKinds(stages.map((s) => s.kind ?? 'open'));
  const repo = ctx.db.repo(Pipeline);
  const last = await ctx.em.findOne(PipelineEntity, {}, { ...FRESH, orderBy: { position: 'desc' } });
  const position = last ? (last.position as number) + 1 : 0;
  const isDefault = input.isDefault === true || (await repo.count()) === 0;
  if (isDefault) await clearDefault(ctx);
  const pipeline = await repo.insert({ name: text(input.name, 'name', 120), isDefault, position });
  const rows: StageRow[] = [];
  for (const [i, s] of stages.entries()) {
    rows.push(
      await ctx.db.repo(Stage).insert({
        pipeline: pipeline.id,
        name: text(s.name, `stages.${i}.name`, 120),
        position: i,
        probability: percent(s.probability, `stages.${i}.probability`) ?? 0,
        kind: s.kind ?? 'open',
      }),
    );
  }
  return { ...pipeline, stages: rows };
}

async function clearDefault(ctx: SystemContext): Promise<void> {
  await ctx.em.nativeUpdate(PipelineEntity, { isDefault: true }, { isDefault: false });
}

export function listPipelines(ctx: SystemContext): Promise<PipelineRow[]> {
  return ctx.db.repo(Pipeline).find({ orderBy: [{ field: 'position' }, { field: 'name' }] });
}

export function getPipeline(ctx: SystemContext, id: string): Promise<PipelineRow | null> {
  return ctx.db.repo(Pipeline).get(id);
}

export async function pipelineOrThrow(ctx: SystemContext, id: string): Promise<PipelineRow> {
  const p = await getPipeline(ctx, id);
  if (!p) throw new NotFoundError('Pipeline');
  return p;
}

/** The tenant's default pipeline (or its first one). */
export async function defaultPipeline(ctx: SystemContext): Promise<PipelineRow> {
  const [p] = await ctx.db
    .repo(Pipeline)
    .find({ orderBy: [{ field: 'isDefault', dir: 'desc' }, { field: 'position' }], limit: 1 });
  if (!p) throw new NotFoundError('Pipeline');
  return p;
}

/** Stages of a pipeline in board order, batched per request. */
export function stagesOf(ctx: SystemContext, pipelineId: string): Promise<StageRow[]> {
  return ctx
    .loader<string, StageRow[]>('crm.pipeline.stages', async (ids) => {
      const rows = await ctx.db
        .repo(Stage)
        .find({ where: { pipeline: { in: ids } }, orderBy: [{ field: 'position' }] });
      const by = new Map<string, StageRow[]>(ids.map((id) => [id, []]));
      for (const r of rows) by.get(r.pipeline)?.push(r);
      return ids.map((id) => by.get(id) ?? []);
    })
    .load(pipelineId);
}

export function stageById(ctx: SystemContext, id: string): Promise<StageRow | null> {
  return ctx.loader<string, StageRow | null>('crm.pipeline.stage', (ids) => ctx.db.repo(Stage).getMany(ids)).load(id);
}

export function pipelineById(ctx: SystemContext, id: string): Promise<PipelineRow | null> {
  return ctx
    .loader<string, PipelineRow | null>('crm.pipeline.pipeline', (ids) => ctx.db.repo(Pipeline).getMany(ids))
    .load(id);
}

export async function withStages(ctx: SystemContext, p: PipelineRow): Promise<PipelineWithStages> {
  return { ...p, stages: await stagesOf(ctx, p.id) };
}

export async function createPipeline(ctx: RequestContext, input: PipelineInput): Promise<PipelineWithStages> {
  ctx.require(MANAGE);
  return insertPipeline(ctx, input);
}

export async function updatePipeline(
  ctx: RequestContext,
  id: string,
  patch: { name?: string | null | undefined; isDefault?: boolean | null | undefined; position?: number | null },
): Promise<PipelineRow> {
  ctx.require(MANAGE);
  const p = await pipelineOrThrow(ctx, id);
  if (patch.isDefault === false && p.isDefault) {
    throw new ValidationError('Make another pipeline the default instead', [
      { path: 'isDefault', message: 'a tenant always has a default pipeline' },
    ]);
  }
  if (patch.isDefault && !p.isDefault) await clearDefault(ctx);
  const row = await ctx.db.repo(Pipeline).update(id, {
    ...(patch.name == null ? {} : { name: text(patch.name, 'name', 120) }),
    ...(patch.isDefault ? { isDefault: true } : {}),
    ...(patch.position == null ? {} : { position: patch.position }),
  });
  if (!row) throw new NotFoundError('Pipeline');
  return row;
}

/**
 * Whether any opportunity, whoever owns it, sits in the pipeline/stage. An integrity check
 * across record rules on purpose: it reveals nothing but "in use".
 */
async function hasOpportunities(ctx: SystemContext, field: 'pipeline' | 'stage', id: string) {
  const one = await ctx.em.findOne(
    OpportunityEntity,
    { [field]: [ctx.tenant.id, id] },
    { ...FRESH, filters: { records: false } },
  );
  return one !== null;
}

export async function deletePipeline(ctx: RequestContext, id: string): Promise<void> {
  ctx.require(MANAGE);
  const p = await pipelineOrThrow(ctx, id);
  if ((await ctx.db.repo(Pipeline).count()) <= 1) throw crmErrors.lastPipeline();
  if (await hasOpportunities(ctx, 'pipeline', id)) throw crmErrors.pipelineInUse();
  await ctx.db.repo(Pipeline).delete(id);
  if (p.isDefault) {
    const first = await ctx.em.findOne(PipelineEntity, {}, { ...FRESH, orderBy: [{ position: 'asc' }, { id: 'asc' }] });
    if (first) await ctx.em.nativeUpdate(PipelineEntity, { id: first.id }, { isDefault: true });
  }
}

async function stageIn(ctx: SystemContext, pipelineId: string, stageId: string): Promise<StageRow> {
  const s = await ctx.db.repo(Stage).get(stageId);
  if (!s || s.pipeline !== pipelineId) throw new NotFoundError('Stage');
  return s;
}

async function orderedStageIds(ctx: SystemContext, pipelineId: string): Promise<StageRow[]> {
  return ctx.db.repo(Stage).find({ where: { pipeline: pipelineId }, orderBy: [{ field: 'position' }] });
}

/**
 * Writes positions 0..n-1 in the given order, in one statement. Raw SQL, kept: the same shape as
 * the lead rescoring UPDATE from unnest, measured there against em.flush() of the changed
 * entities (536-554 ms vs 1,845 ms for 5,000 rows, addons/crm/bench/rescore.bench.ts).
 */
async function writePositions(ctx: SystemContext, ids: readonly string[]): Promise<void> {
  await ctx.db.query(
    `update crm_stage s set position = x.ord - 1, updated_at = now()
       from unnest($2::uuid[]) with ordinality as x(id, ord)
      where s.tenant_id = $1 and s.id = x.id and s.position <> x.ord - 1`,
    [ctx.tenant.id, ids],
  );
}

export async function createStage(
  ctx: RequestContext,
  pipelineId: string,
  input: StageInput & { position?: number | null | undefined },
): Promise<StageRow> {
  ctx.require(MANAGE);
  await pipelineOrThrow(ctx, pipelineId);
  const stages = await orderedStageIds(ctx, pipelineId);
  const stage = await ctx.db.repo(Stage).insert({
    pipeline: pipelineId,
    name: text(input.name, 'name', 120),
    position: stages.length,
    probability: percent(input.probability, 'probability') ?? 0,
    kind: input.kind ?? 'open',
  });
  if (input.position != null && input.position < stages.length) {
    const ids = stages.map((s) => s.id);
    ids.splice(Math.max(0, input.position), 0, stage.id);
    await writePositions(ctx, ids);
    return (await ctx.db.repo(Stage).get(stage.id)) ?? stage;
  }
  return stage;
}

export async function updateStage(
  ctx: RequestContext,
  pipelineId: string,
  stageId: string,
  patch: { name?: string | null; probability?: number | null; kind?: StageKind | null },
): Promise<StageRow> {
  ctx.require(MANAGE);
  const stage = await stageIn(ctx, pipelineId, stageId);
  if (patch.kind && patch.kind !== stage.kind) {
    const stages = await orderedStageIds(ctx, pipelineId);
    checkKinds(stages.map((s) => (s.id === stageId ? patch.kind : s.kind) as string));
    // Cards keep their status: moving won deals under an open kind would misreport them.
    if (await hasOpportunities(ctx, 'stage', stageId)) throw crmErrors.stageKindInUse();
  }
  const row = await ctx.db.repo(Stage).update(stageId, {
    ...(patch.name == null ? {} : { name: text(patch.name, 'name', 120) }),
    ...(patch.probability == null ? {} : { probability: percent(patch.probability, 'probability') }),
    ...(patch.kind ? { kind: patch.kind } : {}),
  });
  return row ?? stage;
}

export async function deleteStage(ctx: RequestContext, pipelineId: string, stageId: string): Promise<void> {
  ctx.require(MANAGE);
  await stageIn(ctx, pipelineId, stageId);
  const rest = (await orderedStageIds(ctx, pipelineId)).filter((s) => s.id !== stageId);
  checkKinds(rest.map((s) => s.kind));
  if (await hasOpportunities(ctx, 'stage', stageId)) throw crmErrors.stageInUse();
  await ctx.db.repo(Stage).delete(stageId);
  await writePositions(
    ctx,
    rest.map((s) => s.id),
  );
}

/** Reorders a pipeline's stages: `stageIds` must be exactly its stages; positions become 0..n-1. */
export async function reorderStages(
  ctx: RequestContext,
  pipelineId: string,
  stageIds: readonly string[],
): Promise<StageRow[]> {
  ctx.require(MANAGE);
  await pipelineOrThrow(ctx, pipelineId);
  // Serialises concurrent reorders of the same pipeline.
  await ctx.em.findOne(PipelineEntity, { id: pipelineId }, { ...FRESH, lockMode: LockMode.PESSIMISTIC_WRITE });
  const current = await orderedStageIds(ctx, pipelineId);
  const known = new Set(current.map((s) => s.id));
  const given = new Set(stageIds);
  if (given.size !== stageIds.length || given.size !== known.size || ![...given].every((id) => known.has(id))) {
    throw new ValidationError('stageIds must list every stage of the pipeline exactly once', [
      { path: 'stageIds', message: `expected the ${known.size} stage ids of this pipeline, each once` },
    ]);
  }
  await writePositions(ctx, stageIds);
  const byId = new Map(current.map((s) => [s.id, s]));
  return stageIds.map((id, position) => ({ ...(byId.get(id) as StageRow), position }));
}

/** The first stage of a kind in a pipeline (board order). */
export async function firstStage(ctx: SystemContext, pipelineId: string, kind: StageKind): Promise<StageRow> {
  const [s] = await ctx.db
    .repo(Stage)
    .find({ where: { pipeline: pipelineId, kind }, orderBy: [{ field: 'position' }], limit: 1 });
  if (!s) throw new ValidationError(`The pipeline has no ${kind} stage`, [{ path: 'stageId', message: 'no stage' }]);
  return s;
}
