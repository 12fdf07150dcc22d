import { type JsonSchema, NotFoundError, type Page, paginationQuery, type RestRouter } from '@elevate/sdk';
import { Pipeline, STAGE_KINDS, Stage } from '../models/pipeline.model.ts';
import type { permissions } from '../permissions.ts';
import { board } from '../services/board.service.ts';
import {
  createPipeline,
  createStage,
  deletePipeline,
  deleteStage,
  getPipeline,
  listPipelines,
  type PipelineInput,
  type PipelineWithStages,
  reorderStages,
  type StageInput,
  updatePipeline,
  updateStage,
  withStages,
} from '../services/pipelines.service.ts';
import { activityRoutes } from './activities.routes.ts';
import { leadRoutes } from './leads.routes.ts';
import { opportunityRoutes } from './opportunities.routes.ts';
import { NO_CONTENT, page, pipelineWithStages, schemaOf } from './responses.ts';

type Id = { id: string };
const READ = 'crm.pipeline.read';
const MANAGE = 'crm.pipeline.manage';

const stageFields = {
  name: { type: 'string', minLength: 1, maxLength: 120 },
  probability: { type: 'integer', minimum: 0, maximum: 100 },
  kind: { enum: [...STAGE_KINDS] },
};
const stageBody: JsonSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { ...stageFields, position: { type: 'integer', minimum: 0 } },
};
const pipelineBody: JsonSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 120 },
    isDefault: { type: 'boolean' },
    stages: { type: 'array', minItems: 3, maxItems: 50, items: { ...stageBody, properties: stageFields } },
  },
};
const pipelinePatch: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 120 },
    isDefault: { type: 'boolean' },
    position: { type: 'integer', minimum: 0 },
  },
};
const orderBody: JsonSchema = {
  type: 'object',
  required: ['stageIds'],
  additionalProperties: false,
  properties: { stageIds: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', format: 'uuid' } } },
};
const boardQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    ownerId: { type: 'string', format: 'uuid' },
  },
};

/** Pipelines, stages and the board; then opportunities, leads and activities. */
export function pipelineRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, { limit: number; offset: number }>(
    '/pipelines',
    {
      permission: READ,
      query: paginationQuery,
      summary: 'List pipelines with their stages',
      responses: { 200: page(pipelineWithStages(schemaOf(Pipeline))) },
    },
    async ({ query, ctx }): Promise<Page<PipelineWithStages>> => {
      const all = await listPipelines(ctx);
      const page = await Promise.all(
        all.slice(query.offset, query.offset + query.limit).map((p) => withStages(ctx, p)),
      );
      return { data: page, total_count: all.length, limit: query.limit, offset: query.offset };
    },
  );

  r.get<Id>(
    '/pipelines/:id',
    {
      permission: READ,
      summary: 'One pipeline with its stages',
      responses: { 200: pipelineWithStages(schemaOf(Pipeline)) },
    },
    async ({ params, ctx }) => {
      const p = await getPipeline(ctx, params.id);
      if (!p) throw new NotFoundError('Pipeline');
      return withStages(ctx, p);
    },
  );

  r.post<Record<string, string>, PipelineInput>(
    '/pipelines',
    {
      permission: MANAGE,
      body: pipelineBody,
      summary: 'Create a pipeline (default stages unless given)',
      responses: { 201: pipelineWithStages(schemaOf(Pipeline)) },
    },
    async ({ body, ctx }) => ({ status: 201, body: await createPipeline(ctx, body) }),
  );

  r.patch<Id, { name?: string; isDefault?: boolean; position?: number }>(
    '/pipelines/:id',
    {
      permission: MANAGE,
      body: pipelinePatch,
      summary: 'Rename a pipeline, make it the default or move it',
      responses: { 200: schemaOf(Pipeline) },
    },
    ({ params, body, ctx }) => updatePipeline(ctx, params.id, body),
  );

  r.delete<Id>(
    '/pipelines/:id',
    { permission: MANAGE, summary: 'Delete a pipeline', responses: NO_CONTENT },
    async ({ params, ctx }) => {
      await deletePipeline(ctx, params.id);
      return { status: 204, body: null };
    },
  );

  r.post<Id, StageInput & { position?: number }>(
    '/pipelines/:id/stages',
    { permission: MANAGE, body: stageBody, summary: 'Add a stage', responses: { 201: schemaOf(Stage) } },
    async ({ params, body, ctx }) => ({ status: 201, body: await createStage(ctx, params.id, body) }),
  );

  r.put<Id, { stageIds: string[] }>(
    '/pipelines/:id/stages/order',
    {
      permission: MANAGE,
      body: orderBody,
      summary: 'Reorder stages: every stage id of the pipeline, once',
      responses: { 200: { type: 'array', items: schemaOf(Stage) } },
    },
    async ({ params, body, ctx }) => ({ data: await reorderStages(ctx, params.id, body.stageIds) }),
  );

  r.patch<Id & { stageId: string }, Partial<StageInput>>(
    '/pipelines/:id/stages/:stageId',
    {
      permission: MANAGE,
      body: { type: 'object', additionalProperties: false, properties: stageFields },
      summary: 'Change a stage',
      responses: { 200: schemaOf(Stage) },
    },
    ({ params, body, ctx }) => updateStage(ctx, params.id, params.stageId, body),
  );

  r.delete<Id & { stageId: string }>(
    '/pipelines/:id/stages/:stageId',
    { permission: MANAGE, summary: 'Delete a stage', responses: NO_CONTENT },
    async ({ params, ctx }) => {
      await deleteStage(ctx, params.id, params.stageId);
      return { status: 204, body: null };
    },
  );

  r.get<Id, { limit: number; ownerId?: string }>(
    '/pipelines/:id/board',
    { permission: 'crm.opportunity.read', query: boardQuery, summary: 'Stages with their cards and totals' },
    ({ params, query, ctx }) => board(ctx, params.id, query),
  );

  opportunityRoutes(r);
  leadRoutes(r);
  activityRoutes(r);
}
