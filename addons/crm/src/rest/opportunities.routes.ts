import { type JsonSchema, NotFoundError, type Page, type RestRouter } from '@elevate/sdk';
import type { OpportunityRow } from '../graphql/types.graphql.ts';
import { Opportunity } from '../models/opportunity.model.ts';
import { StageChange } from '../models/stage-change.model.ts';
import type { permissions } from '../permissions.ts';
import { listQuerySchema } from '../services/list-query.ts';
import {
  createOpportunity,
  deleteOpportunity,
  getOpportunity,
  listOpportunities,
  type OpportunityInput,
  type OpportunityPatch,
  updateOpportunity,
} from '../services/opportunities.service.ts';
import {
  loseOpportunity,
  moveOpportunity,
  reopenOpportunity,
  winOpportunity,
} from '../services/opportunity-stage.service.ts';
import { type EditPrecondition, expectedUpdatedAtProperty, splitPrecondition } from '../services/precondition.ts';
import { listOptions } from '../services/segments.service.ts';
import { stageHistory } from '../services/stage-history.service.ts';
import { NO_CONTENT, page, schemaOf } from './responses.ts';

type Id = { id: string };
const READ = 'crm.opportunity.read';
const WRITE = 'crm.opportunity.write';

const uuid = { type: 'string', format: 'uuid' };
const nullableUuid = { type: 'string', format: 'uuid', nullable: true };
const fields = {
  title: { type: 'string', minLength: 1, maxLength: 200 },
  contactId: nullableUuid,
  leadId: nullableUuid,
  pipelineId: uuid,
  stageId: uuid,
  value: { type: 'string', nullable: true, pattern: '^-?\\d{1,14}(\\.\\d{1,2})?$' },
  currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  expectedCloseDate: { type: 'string', format: 'date', nullable: true },
  probability: { type: 'integer', minimum: 0, maximum: 100 },
  ownerId: uuid,
  custom: { type: 'object', description: 'custom-field values by key' },
};
const createBody: JsonSchema = { type: 'object', required: ['title'], additionalProperties: false, properties: fields };
const patchBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...fields,
    lostReason: { type: 'string', maxLength: 2000 },
    expectedUpdatedAt: expectedUpdatedAtProperty,
  },
};
const reason = { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' };
const moveBody: JsonSchema = {
  type: 'object',
  required: ['stageId'],
  additionalProperties: false,
  properties: { stageId: uuid, position: { type: 'integer', minimum: 0 }, reason },
};

export function opportunityRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, Record<string, unknown>>(
    '/opportunities',
    {
      permission: READ,
      query: listQuerySchema('opportunity'),
      summary: 'List opportunities',
      responses: { 200: page(schemaOf(Opportunity)) },
    },
    async ({ query, ctx }): Promise<Page<OpportunityRow>> => {
      const opts = await listOptions(ctx, 'opportunity', query);
      const { rows, total } = await listOpportunities(ctx, opts);
      return { data: rows, total_count: total, limit: opts.limit, offset: opts.offset };
    },
  );

  r.get<Id>(
    '/opportunities/:id',
    { permission: READ, summary: 'One opportunity', responses: { 200: schemaOf(Opportunity) } },
    async ({ params, ctx }) => {
      const row = await getOpportunity(ctx, params.id);
      if (!row) throw new NotFoundError('Opportunity');
      return row;
    },
  );

  r.post<Record<string, string>, OpportunityInput>(
    '/opportunities',
    {
      permission: WRITE,
      body: createBody,
      summary: 'Create an opportunity (default pipeline, first open stage)',
      responses: { 201: schemaOf(Opportunity) },
    },
    async ({ body, ctx }) => ({ status: 201, body: await createOpportunity(ctx, body) }),
  );

  r.patch<Id, OpportunityPatch & EditPrecondition>(
    '/opportunities/:id',
    { permission: WRITE, body: patchBody, summary: 'Change an opportunity', responses: { 200: schemaOf(Opportunity) } },
    ({ params, body, ctx }) => updateOpportunity(ctx, params.id, ...splitPrecondition(body)),
  );

  r.delete<Id>(
    '/opportunities/:id',
    { permission: 'crm.opportunity.delete', summary: 'Delete an opportunity', responses: NO_CONTENT },
    async ({ params, ctx }) => {
      await deleteOpportunity(ctx, params.id);
      return { status: 204, body: null };
    },
  );

  r.get<Id>(
    '/opportunities/:id/stage-history',
    {
      permission: READ,
      summary: "An opportunity's stage history, oldest first (created in a stage, then every move)",
      responses: {
        200: {
          type: 'object',
          required: ['data'],
          properties: { data: { type: 'array', items: schemaOf(StageChange) } },
        },
      },
    },
    async ({ params, ctx }) => ({ data: await stageHistory(ctx, params.id) }),
  );

  r.post<Id, { stageId: string; position?: number; reason?: string }>(
    '/opportunities/:id/move',
    {
      permission: WRITE,
      body: moveBody,
      summary: 'Drag and drop: move to a stage at a position',
      responses: { 200: schemaOf(Opportunity) },
    },
    ({ params, body, ctx }) => moveOpportunity(ctx, params.id, body),
  );

  r.post<Id>(
    '/opportunities/:id/win',
    {
      permission: WRITE,
      body: { type: 'object', additionalProperties: false, properties: {} },
      summary: 'Mark an opportunity won',
      responses: { 200: schemaOf(Opportunity) },
    },
    ({ params, ctx }) => winOpportunity(ctx, params.id),
  );

  r.post<Id, { reason: string }>(
    '/opportunities/:id/lose',
    {
      permission: WRITE,
      body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason } },
      summary: 'Mark an opportunity lost, with a reason',
      responses: { 200: schemaOf(Opportunity) },
    },
    ({ params, body, ctx }) => loseOpportunity(ctx, params.id, body.reason),
  );

  r.post<Id, { stageId?: string }>(
    '/opportunities/:id/reopen',
    {
      permission: WRITE,
      body: { type: 'object', additionalProperties: false, properties: { stageId: uuid } },
      summary: 'Reopen a won or lost opportunity, optionally in another stage',
      responses: { 200: schemaOf(Opportunity) },
    },
    ({ params, body, ctx }) => reopenOpportunity(ctx, params.id, body),
  );
}
