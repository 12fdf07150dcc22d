import { type JsonSchema, type Page, paginationQuery, type RestRouter } from '@elevate/sdk';
import type { SegmentRow } from '../graphql/types.graphql.ts';
import { SEGMENT_TARGETS, Segment } from '../models/segment.model.ts';
import type { permissions } from '../permissions.ts';
import { type ListTarget, listFilterSchema } from '../services/list-query.ts';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  type SegmentInput,
  segmentResults,
  updateSegment,
} from '../services/segments.service.ts';
import { NO_CONTENT, page, schemaOf } from './responses.ts';

const READ = 'crm.segment.read';

const fields: Record<string, JsonSchema> = {
  name: { type: 'string', minLength: 1, maxLength: 120 },
  target: { enum: [...SEGMENT_TARGETS] },
  filter: listFilterSchema,
  shared: { type: 'boolean' },
};
const createBody: JsonSchema = {
  type: 'object',
  required: ['name', 'target'],
  additionalProperties: false,
  properties: fields,
};
const updateBody: JsonSchema = { type: 'object', additionalProperties: false, properties: fields };

export function segmentRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, { target?: ListTarget; limit: number; offset: number }>(
    '/segments',
    {
      permission: READ,
      summary: 'Saved filters: mine and the shared ones',
      responses: { 200: page(schemaOf(Segment)) },
      query: {
        ...paginationQuery,
        additionalProperties: false,
        properties: { ...(paginationQuery.properties as object), target: { enum: [...SEGMENT_TARGETS] } },
      },
    },
    async ({ query, ctx }): Promise<Page<SegmentRow>> => {
      const { rows, total } = await listSegments(ctx, query);
      return { data: rows, total_count: total, limit: query.limit, offset: query.offset };
    },
  );

  r.get<{ id: string }>(
    '/segments/:id',
    { permission: READ, summary: 'One saved filter', responses: { 200: schemaOf(Segment) } },
    ({ params, ctx }) => getSegment(ctx, params.id),
  );

  r.post<Record<string, string>, SegmentInput & { name: string; target: ListTarget }>(
    '/segments',
    {
      permission: READ,
      body: createBody,
      summary: 'Save a filter (shared needs crm.segment.share)',
      responses: { 201: schemaOf(Segment) },
    },
    async ({ body, ctx }) => ({ status: 201, body: await createSegment(ctx, body) }),
  );

  r.patch<{ id: string }, SegmentInput>(
    '/segments/:id',
    {
      permission: READ,
      body: updateBody,
      summary: 'Change a saved filter (its owner only)',
      responses: { 200: schemaOf(Segment) },
    },
    ({ params, body, ctx }) => updateSegment(ctx, params.id, body),
  );

  r.delete<{ id: string }>(
    '/segments/:id',
    { permission: READ, summary: 'Delete a saved filter', responses: NO_CONTENT },
    async ({ params, ctx }) => {
      await deleteSegment(ctx, params.id);
      return { status: 204, body: null };
    },
  );

  r.get<{ id: string }, { limit: number; offset: number; sort?: string }>(
    '/segments/:id/results',
    {
      permission: READ,
      summary: "A segment's records under the caller's record rules",
      query: {
        type: 'object',
        additionalProperties: false,
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          offset: { type: 'integer', minimum: 0, default: 0 },
          sort: { type: 'string', pattern: '^-?[a-zA-Z]+$' },
        },
      },
    },
    async ({ params, query, ctx }) => {
      const res = await segmentResults(ctx, params.id, query);
      return { data: res.rows, total_count: res.total, limit: query.limit, offset: query.offset, target: res.target };
    },
  );
}
