import { type GraphQLBuilder, NotFoundError } from '@elevate/sdk';
import { OPPORTUNITY_STATUSES } from '../models/opportunity.model.ts';
import { leadById } from '../services/leads.service.ts';
import type { ListFilter } from '../services/list-query.ts';
import {
  createOpportunity,
  deleteOpportunity,
  getOpportunity,
  listOpportunities,
  type OpportunityPatch,
  updateOpportunity,
} from '../services/opportunities.service.ts';
import {
  loseOpportunity,
  moveOpportunity,
  reopenOpportunity,
  winOpportunity,
} from '../services/opportunity-stage.service.ts';
import { contactById } from '../services/pipeline-sql.ts';
import { pipelineById, stageById } from '../services/pipelines.service.ts';
import { argPrecondition, EXPECTED_UPDATED_AT_DOC } from '../services/precondition.ts';
import { withSegment } from '../services/segments.service.ts';
import { given } from './args.ts';
import type { CrmTypes } from './types.graphql.ts';

export function must<T>(what: string) {
  return (row: T | null): T => {
    if (!row) throw new NotFoundError(what);
    return row;
  };
}

export function opportunitiesGraphql(b: GraphQLBuilder, types: CrmTypes): void {
  const { Opportunity, OpportunityPage, Stage, Pipeline, Contact, Lead } = types;
  const OpportunityStatus = b.enumType('OpportunityStatus', { values: OPPORTUNITY_STATUSES });

  b.objectFields(Opportunity, (t) => ({
    stage: t.field({ type: Stage, resolve: (o, _a, ctx) => stageById(ctx, o.stage).then(must('Stage')) }),
    pipeline: t.field({
      type: Pipeline,
      resolve: (o, _a, ctx) => pipelineById(ctx, o.pipeline).then(must('Pipeline')),
    }),
    contact: t.field({
      type: Contact,
      nullable: true,
      description: 'When the caller can see it',
      resolve: (o, _a, ctx) => (o.contact ? contactById(ctx, o.contact) : null),
    }),
    lead: t.field({
      type: Lead,
      nullable: true,
      description: 'The lead it was converted from, when the caller can see it',
      resolve: (o, _a, ctx) => (o.lead ? leadById(ctx, o.lead) : null),
    }),
  }));

  const OpportunityFilter = b.inputType('OpportunityFilter', {
    fields: (t) => ({
      q: t.string({ description: 'Full-text search, prefix-matched' }),
      ownerId: t.id(),
      status: t.field({ type: OpportunityStatus }),
      pipelineId: t.id(),
      stageId: t.id(),
      minValue: t.field({ type: 'Decimal' }),
      createdAfter: t.field({ type: 'DateTime' }),
      createdBefore: t.field({ type: 'DateTime' }),
      custom: t.field({
        type: ['CustomFieldFilter' as never],
        description: 'Filters on custom fields (all must match)',
      }),
    }),
  });
  const input = (name: string, description: string) =>
    b.inputType(name, {
      description,
      fields: (t) => ({
        title: t.string(),
        contactId: t.id(),
        leadId: t.id(),
        pipelineId: t.id(),
        stageId: t.id({ description: 'An open stage; moving here follows the move rules' }),
        value: t.field({ type: 'Decimal' }),
        currency: t.string({ description: 'ISO 4217, e.g. USD' }),
        expectedCloseDate: t.string({ description: 'YYYY-MM-DD' }),
        probability: t.int({ description: "0..100 (default: the stage's)" }),
        ownerId: t.id(),
        custom: t.field({ type: 'JSON', description: 'Custom-field values by key; null clears one' }),
      }),
    });
  const CreateOpportunityInput = input(
    'CreateOpportunityInput',
    'A new opportunity: default pipeline and its first open stage unless given',
  );
  const UpdateOpportunityInput = input('UpdateOpportunityInput', 'Fields to change; null clears a field');

  b.queryField('opportunities', (t) =>
    t.field({
      type: OpportunityPage,
      args: {
        filter: t.arg({ type: OpportunityFilter }),
        sort: t.arg.string({
          description: 'title, createdAt, updatedAt, value, expectedCloseDate, position; "-" desc',
        }),
        limit: t.arg.int({ defaultValue: 50 }),
        offset: t.arg.int({ defaultValue: 0 }),
        segmentId: t.arg.id({ description: 'Start from a saved filter; `filter` is laid over it' }),
      },
      resolve: async (_r, args, ctx) => {
        ctx.require('crm.opportunity.read');
        const { rows, total } = await listOpportunities(ctx, {
          filter: await withSegment(ctx, 'opportunity', args.segmentId, given(args.filter) as ListFilter),
          sort: args.sort ?? undefined,
          limit: args.limit ?? 50,
          offset: args.offset ?? 0,
        });
        return { items: rows, totalCount: total };
      },
    }),
  );
  b.queryField('opportunity', (t) =>
    t.field({
      type: Opportunity,
      nullable: true,
      description: 'An opportunity, or null when it does not exist or the caller may not see it',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, { id }, ctx) => getOpportunity(ctx, String(id)),
    }),
  );

  b.mutationField('createOpportunity', (t) =>
    t.field({
      type: Opportunity,
      args: { input: t.arg({ type: CreateOpportunityInput, required: true }) },
      resolve: (_r, args, ctx) => {
        const i = given(args.input);
        return createOpportunity(ctx, { ...i, title: i.title ?? '' });
      },
    }),
  );
  b.mutationField('updateOpportunity', (t) =>
    t.field({
      type: Opportunity,
      args: {
        id: t.arg.id({ required: true }),
        input: t.arg({ type: UpdateOpportunityInput, required: true }),
        expectedUpdatedAt: t.arg({ type: 'DateTime', description: EXPECTED_UPDATED_AT_DOC }),
      },
      // Nulls are kept: they clear fields.
      resolve: (_r, { id, input, expectedUpdatedAt }, ctx) =>
        updateOpportunity(ctx, String(id), input as OpportunityPatch, argPrecondition(expectedUpdatedAt)),
    }),
  );
  b.mutationField('deleteOpportunity', (t) =>
    t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, { id }, ctx) => {
        await deleteOpportunity(ctx, String(id));
        return true;
      },
    }),
  );
  b.mutationField('moveOpportunity', (t) =>
    t.field({
      type: Opportunity,
      description: 'Drag and drop: to a stage of the same pipeline, at an index of the column as the caller sees it',
      args: {
        id: t.arg.id({ required: true }),
        stageId: t.arg.id({ required: true }),
        position: t.arg.int({ description: 'Default: the end of the column' }),
        reason: t.arg.string({ description: 'Required when the stage is a lost stage' }),
      },
      resolve: (_r, a, ctx) =>
        moveOpportunity(ctx, String(a.id), { stageId: String(a.stageId), position: a.position, reason: a.reason }),
    }),
  );
  b.mutationField('winOpportunity', (t) =>
    t.field({
      type: Opportunity,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, { id }, ctx) => winOpportunity(ctx, String(id)),
    }),
  );
  b.mutationField('loseOpportunity', (t) =>
    t.field({
      type: Opportunity,
      args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
      resolve: (_r, { id, reason }, ctx) => loseOpportunity(ctx, String(id), reason),
    }),
  );
  b.mutationField('reopenOpportunity', (t) =>
    t.field({
      type: Opportunity,
      args: { id: t.arg.id({ required: true }), stageId: t.arg.id({ description: 'Default: the first open stage' }) },
      resolve: (_r, { id, stageId }, ctx) =>
        reopenOpportunity(ctx, String(id), { stageId: stageId == null ? null : String(stageId) }),
    }),
  );
}
