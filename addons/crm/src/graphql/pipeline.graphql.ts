import { type GraphQLBuilder, NotFoundError } from '@elevate/sdk';
import { STAGE_KINDS } from '../models/pipeline.model.ts';
import { type WonSummary, wonThisMonth } from '../services/amounts.service.ts';
import { type BoardColumn, type Board as BoardData, board } from '../services/board.service.ts';
import {
  createPipeline,
  createStage,
  deletePipeline,
  deleteStage,
  getPipeline,
  listPipelines,
  reorderStages,
  stageById,
  stagesOf,
  updatePipeline,
  updateStage,
} from '../services/pipelines.service.ts';
import { activitiesGraphql } from './activities.graphql.ts';
import { leadsGraphql } from './leads.graphql.ts';
import { opportunitiesGraphql } from './opportunities.graphql.ts';
import type { CrmTypes } from './types.graphql.ts';

/** Pipelines, stages and the board; then opportunities, leads and activities. */
export function pipelineGraphql(b: GraphQLBuilder, types: CrmTypes): void {
  const { Pipeline, Stage, Opportunity } = types;
  const StageKind = b.enumType('StageKind', { values: STAGE_KINDS });

  b.objectField(Pipeline, 'stages', (t) =>
    t.field({ type: [Stage], description: 'In board order', resolve: (p, _a, ctx) => stagesOf(ctx, p.id) }),
  );

  const BoardColumnRef = b.objectRef<BoardColumn>('BoardColumn').implement({
    description: 'A stage of the board with the cards the caller may see',
    fields: (t) => ({
      stage: t.field({ type: Stage, resolve: (c) => c.stage }),
      count: t.exposeInt('count'),
      totalValue: t.field({
        type: 'Decimal',
        description: 'Exact sum of the values',
        deprecationReason: 'Adds different currencies together: use totals',
        resolve: (c) => c.totalValue,
      }),
      totals: t.field({
        type: ['Money'],
        description: 'Sum of the values per currency (sorted by code)',
        resolve: (c) => c.totals,
      }),
      opportunities: t.field({ type: [Opportunity], resolve: (c) => c.opportunities }),
    }),
  });
  const Board = b.objectRef<BoardData>('Board').implement({
    fields: (t) => ({
      pipeline: t.field({ type: Pipeline, resolve: (x) => x.pipeline }),
      stages: t.field({ type: [BoardColumnRef], resolve: (x) => x.stages }),
    }),
  });

  const StageInput = (name: string) =>
    b.inputType(name, {
      fields: (t) => ({
        name: t.string(),
        probability: t.int({ description: '0..100' }),
        kind: t.field({ type: StageKind }),
      }),
    });
  const NewStageInput = StageInput('PipelineStageInput');
  const UpdateStageInput = StageInput('UpdateStageInput');
  const CreatePipelineInput = b.inputType('CreatePipelineInput', {
    fields: (t) => ({
      name: t.string({ required: true }),
      isDefault: t.boolean(),
      stages: t.field({ type: [NewStageInput], description: 'Default stages when left out' }),
    }),
  });
  const UpdatePipelineInput = b.inputType('UpdatePipelineInput', {
    fields: (t) => ({ name: t.string(), isDefault: t.boolean(), position: t.int() }),
  });

  b.queryField('pipelines', (t) =>
    t.field({
      type: [Pipeline],
      resolve: (_r, _a, ctx) => {
        ctx.require('crm.pipeline.read');
        return listPipelines(ctx);
      },
    }),
  );
  b.queryField('pipeline', (t) =>
    t.field({
      type: Pipeline,
      nullable: true,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, { id }, ctx) => {
        ctx.require('crm.pipeline.read');
        return getPipeline(ctx, String(id));
      },
    }),
  );
  b.queryField('board', (t) =>
    t.field({
      type: Board,
      args: {
        pipelineId: t.arg.id({ required: true }),
        limit: t.arg.int({ description: 'Cards per stage (default 100)' }),
        ownerId: t.arg.id(),
      },
      resolve: (_r, a, ctx) =>
        board(ctx, String(a.pipelineId), { limit: a.limit, ownerId: a.ownerId == null ? null : String(a.ownerId) }),
    }),
  );

  const WonSummaryRef = b.objectRef<WonSummary>('WonThisMonth').implement({
    description: 'Won deals closed this month: sums per currency, converted where the company has rates',
    fields: (t) => ({
      since: t.field({ type: 'DateTime', resolve: (w) => w.since }),
      timeZone: t.exposeString('timeZone'),
      count: t.exposeInt('count'),
      byCurrency: t.field({ type: ['Money'], resolve: (w) => w.byCurrency }),
      total: t.field({ type: 'Money', nullable: true, resolve: (w) => w.total }),
      companyCurrency: t.exposeString('companyCurrency'),
      missingRates: t.exposeStringList('missingRates'),
    }),
  });
  b.queryField('wonThisMonth', (t) =>
    t.field({
      type: WonSummaryRef,
      args: {
        timeZone: t.arg.string({ description: 'IANA time zone of "this month" (default: the profile\'s, else UTC)' }),
      },
      resolve: (_r, a, ctx) => {
        ctx.require('crm.opportunity.read');
        return wonThisMonth(ctx, a.timeZone ?? ctx.user.timeZone ?? 'UTC');
      },
    }),
  );

  b.mutationField('createPipeline', (t) =>
    t.field({
      type: Pipeline,
      args: { input: t.arg({ type: CreatePipelineInput, required: true }) },
      resolve: (_r, { input }, ctx) =>
        createPipeline(ctx, {
          name: input.name,
          isDefault: input.isDefault,
          stages: input.stages?.map((s) => ({ name: s.name ?? '', probability: s.probability, kind: s.kind })),
        }),
    }),
  );
  b.mutationField('updatePipeline', (t) =>
    t.field({
      type: Pipeline,
      args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdatePipelineInput, required: true }) },
      resolve: (_r, { id, input }, ctx) => updatePipeline(ctx, String(id), input),
    }),
  );
  b.mutationField('deletePipeline', (t) =>
    t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, { id }, ctx) => {
        await deletePipeline(ctx, String(id));
        return true;
      },
    }),
  );

  const stageOrThrow = async (ctx: Parameters<typeof stageById>[0], id: string) => {
    const s = await stageById(ctx, id);
    if (!s) throw new NotFoundError('Stage');
    return s;
  };
  b.mutationField('createStage', (t) =>
    t.field({
      type: Stage,
      args: {
        pipelineId: t.arg.id({ required: true }),
        input: t.arg({ type: NewStageInput, required: true }),
        position: t.arg.int({ description: 'Index among the stages (default: last)' }),
      },
      resolve: (_r, { pipelineId, input, position }, ctx) =>
        createStage(ctx, String(pipelineId), { ...input, name: input.name ?? '', position }),
    }),
  );
  b.mutationField('updateStage', (t) =>
    t.field({
      type: Stage,
      args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateStageInput, required: true }) },
      resolve: async (_r, { id, input }, ctx) => {
        ctx.require('crm.pipeline.manage');
        const s = await stageOrThrow(ctx, String(id));
        return updateStage(ctx, s.pipeline, s.id, input);
      },
    }),
  );
  b.mutationField('deleteStage', (t) =>
    t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, { id }, ctx) => {
        ctx.require('crm.pipeline.manage');
        const s = await stageOrThrow(ctx, String(id));
        await deleteStage(ctx, s.pipeline, s.id);
        return true;
      },
    }),
  );
  b.mutationField('reorderStages', (t) =>
    t.field({
      type: [Stage],
      description: 'Every stage id of the pipeline, once, in the new order',
      args: { pipelineId: t.arg.id({ required: true }), stageIds: t.arg.idList({ required: true }) },
      resolve: (_r, { pipelineId, stageIds }, ctx) => reorderStages(ctx, String(pipelineId), stageIds.map(String)),
    }),
  );

  opportunitiesGraphql(b, types);
  leadsGraphql(b, types);
  activitiesGraphql(b, types);
}
