import { type JsonSchema, NotFoundError, type Page, type RestRouter } from '@elevate/sdk';
import type { ActivityRow } from '../graphql/types.graphql.ts';
import { Activity } from '../models/activity.model.ts';
import type { permissions } from '../permissions.ts';
import {
  type ActivityInput,
  type ActivityListOptions,
  completeActivity,
  createActivity,
  DUE_FILTERS,
  deleteActivity,
  getActivity,
  listActivities,
  updateActivity,
} from '../services/activities.service.ts';
import { type EditPrecondition, expectedUpdatedAtProperty, splitPrecondition } from '../services/precondition.ts';
import { NO_CONTENT, page, schemaOf } from './responses.ts';

type Id = { id: string };
const READ = 'crm.activity.read';
const WRITE = 'crm.activity.write';

const uuid = { type: 'string', format: 'uuid' };
const nullableUuid = { ...uuid, nullable: true };
const fields = {
  kind: { type: 'string', minLength: 1, maxLength: 60, description: "one of the company's activity types (key)" },
  subject: { type: 'string', minLength: 1, maxLength: 200 },
  description: { type: 'string', maxLength: 100_000, nullable: true },
  dueAt: { type: 'string', format: 'date-time', nullable: true },
  done: { type: 'boolean' },
  contactId: nullableUuid,
  leadId: nullableUuid,
  opportunityId: nullableUuid,
  ownerId: uuid,
};
const createBody: JsonSchema = {
  type: 'object',
  required: ['kind', 'subject'],
  additionalProperties: false,
  properties: fields,
};
const listQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    due: { enum: [...DUE_FILTERS] },
    kind: { type: 'string', minLength: 1, maxLength: 60 },
    contactId: uuid,
    leadId: uuid,
    opportunityId: uuid,
    ownerId: uuid,
    tz: { type: 'string', maxLength: 64 },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
};

export function activityRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, ActivityListOptions>(
    '/activities',
    {
      permission: READ,
      query: listQuery,
      summary: 'List activities by due date (due=open|overdue|today|upcoming|undated|done)',
      responses: { 200: page(schemaOf(Activity)) },
    },
    async ({ query, ctx }): Promise<Page<ActivityRow>> => {
      const { rows, total } = await listActivities(ctx, query);
      return { data: rows, total_count: total, limit: query.limit, offset: query.offset };
    },
  );

  r.get<Id>(
    '/activities/:id',
    { permission: READ, summary: 'One activity', responses: { 200: schemaOf(Activity) } },
    async ({ params, ctx }) => {
      const row = await getActivity(ctx, params.id);
      if (!row) throw new NotFoundError('Activity');
      return row;
    },
  );

  r.post<Record<string, string>, ActivityInput>(
    '/activities',
    {
      permission: WRITE,
      body: createBody,
      summary: 'Plan a call, meeting, email or task',
      responses: { 201: schemaOf(Activity) },
    },
    async ({ body, ctx }) => ({ status: 201, body: await createActivity(ctx, body) }),
  );

  r.patch<Id, Partial<ActivityInput> & EditPrecondition>(
    '/activities/:id',
    {
      permission: WRITE,
      body: {
        type: 'object',
        additionalProperties: false,
        properties: { ...fields, expectedUpdatedAt: expectedUpdatedAtProperty },
      },
      summary: 'Change an activity',
      responses: { 200: schemaOf(Activity) },
    },
    ({ params, body, ctx }) => updateActivity(ctx, params.id, ...splitPrecondition(body)),
  );

  r.delete<Id>(
    '/activities/:id',
    { permission: WRITE, summary: 'Delete an activity', responses: NO_CONTENT },
    async ({ params, ctx }) => {
      await deleteActivity(ctx, params.id);
      return { status: 204, body: null };
    },
  );

  r.post<Id>(
    '/activities/:id/complete',
    { permission: WRITE, summary: 'Mark done', responses: { 200: schemaOf(Activity) } },
    ({ params, ctx }) => completeActivity(ctx, params.id),
  );
}
