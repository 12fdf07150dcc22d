import { type JsonSchema, type Page, paginationQuery, type RestRouter } from '@elevate/sdk';
import type { ScoringRuleRow } from '../graphql/types.graphql.ts';
import { SCORING_OPERATORS, ScoringRule } from '../models/segment.model.ts';
import type { permissions } from '../permissions.ts';
import { SCORABLE_FIELDS } from '../services/scoring.service.ts';
import {
  createRule,
  deleteRule,
  getRule,
  listRules,
  previewScores,
  recompute,
  type ScoringOperator,
  type ScoringRuleInput,
  updateRule,
} from '../services/scoring-rules.service.ts';
import { NO_CONTENT, page, schemaOf } from './responses.ts';

const MANAGE = 'crm.scoring.manage';

const fields: Record<string, JsonSchema> = {
  field: { enum: Object.keys(SCORABLE_FIELDS) },
  operator: { enum: [...SCORING_OPERATORS] },
  value: { type: 'string', nullable: true, maxLength: 200 },
  points: { type: 'integer', minimum: -1000, maximum: 1000 },
  active: { type: 'boolean' },
};
const createBody: JsonSchema = {
  type: 'object',
  required: ['field', 'operator', 'points'],
  additionalProperties: false,
  properties: fields,
};
const updateBody: JsonSchema = { type: 'object', additionalProperties: false, properties: fields };

/** Lead scoring rules; every change rescores the tenant's leads. */
const rescore = {
  oneOf: [
    {
      type: 'object',
      required: ['mode', 'changed'],
      properties: { mode: { const: 'inline' }, changed: { type: 'integer' } },
    },
    { type: 'object', required: ['mode', 'jobId'], properties: { mode: { const: 'job' }, jobId: { type: 'string' } } },
  ],
};
const ruleChange = (() => {
  const rule = schemaOf(ScoringRule);
  return { ...rule, properties: { ...(rule.properties as object), rescore } };
})();

export function scoringRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, { limit: number; offset: number }>(
    '/scoring-rules',
    {
      permission: MANAGE,
      query: { ...paginationQuery, additionalProperties: false },
      summary: 'List lead scoring rules',
      responses: { 200: page(schemaOf(ScoringRule)) },
    },
    async ({ query, ctx }): Promise<Page<ScoringRuleRow>> => {
      const { rows, total } = await listRules(ctx, query);
      return { data: rows, total_count: total, limit: query.limit, offset: query.offset };
    },
  );

  r.get<{ id: string }>(
    '/scoring-rules/:id',
    { permission: MANAGE, summary: 'One lead scoring rule', responses: { 200: schemaOf(ScoringRule) } },
    ({ params, ctx }) => getRule(ctx, params.id),
  );

  r.post<Record<string, string>, ScoringRuleInput & { field: string; operator: ScoringOperator; points: number }>(
    '/scoring-rules',
    {
      permission: MANAGE,
      body: createBody,
      summary: 'Add a scoring rule and rescore every lead',
      responses: { 201: ruleChange },
    },
    async ({ body, ctx }) => ({ status: 201, body: await createRule(ctx, body) }),
  );

  r.patch<{ id: string }, ScoringRuleInput>(
    '/scoring-rules/:id',
    {
      permission: MANAGE,
      body: updateBody,
      summary: 'Change a scoring rule and rescore every lead',
      responses: { 200: ruleChange },
    },
    ({ params, body, ctx }) => updateRule(ctx, params.id, body),
  );

  r.delete<{ id: string }>(
    '/scoring-rules/:id',
    { permission: MANAGE, summary: 'Delete a lead scoring rule', responses: NO_CONTENT },
    async ({ params, ctx }) => {
      await deleteRule(ctx, params.id);
      return { status: 204, body: null };
    },
  );

  r.post<
    Record<string, string>,
    { rules: (ScoringRuleInput & { field: string; operator: ScoringOperator; points: number })[] }
  >(
    '/scoring-rules/preview',
    {
      permission: MANAGE,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['rules'],
        properties: { rules: { type: 'array', maxItems: 100, items: createBody } },
      },
      summary: "What a proposed rule set would score the caller's 50 most recent leads (nothing is saved)",
      responses: {
        200: {
          type: 'object',
          title: 'CrmScorePreview',
          required: ['leads', 'changed'],
          properties: {
            changed: { type: 'integer' },
            leads: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'title', 'score', 'preview'],
                properties: {
                  id: { type: 'string', format: 'uuid' },
                  title: { type: 'string' },
                  score: { type: 'integer' },
                  preview: { type: 'integer' },
                },
              },
            },
          },
        },
      },
    },
    ({ body, ctx }) => previewScores(ctx, body.rules),
  );

  r.post(
    '/scoring-rules/recompute',
    {
      permission: MANAGE,
      summary: 'Rescore every lead (inline, or as a job for large tenants)',
      responses: { 200: rescore },
    },
    async ({ ctx }) => {
      const res = await recompute(ctx);
      return { status: res.mode === 'job' ? 202 : 200, body: res };
    },
  );
}
