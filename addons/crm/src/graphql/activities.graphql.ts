import type { GraphQLBuilder } from '@elevate/sdk';
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
import { leadById } from '../services/leads.service.ts';
import { opportunityById } from '../services/opportunities.service.ts';
import { contactById } from '../services/pipeline-sql.ts';
import { argPrecondition, EXPECTED_UPDATED_AT_DOC } from '../services/precondition.ts';
import { given } from './args.ts';
import type { CrmTypes } from './types.graphql.ts';

export function activitiesGraphql(b: GraphQLBuilder, types: CrmTypes): void {
  const { Activity, ActivityPage, Contact, Lead, Opportunity } = types;
  const ActivityDue = b.enumType('ActivityDue', {
    description:
      'open: not done; overdue: open and past due; today: open and due today; upcoming: open, due after today; undated: open, no due date; done',
    values: DUE_FILTERS,
  });

  b.objectFields(Activity, (t) => ({
    contact: t.field({
      type: Contact,
      nullable: true,
      resolve: (a, _x, ctx) => (a.contact ? contactById(ctx, a.contact) : null),
    }),
    lead: t.field({ type: Lead, nullable: true, resolve: (a, _x, ctx) => (a.lead ? leadById(ctx, a.lead) : null) }),
    opportunity: t.field({
      type: Opportunity,
      nullable: true,
      resolve: (a, _x, ctx) => (a.opportunity ? opportunityById(ctx, a.opportunity) : null),
    }),
  }));

  const ActivityFilter = b.inputType('ActivityFilter', {
    fields: (t) => ({
      due: t.field({ type: ActivityDue }),
      kind: t.string({ description: "the key of one of the company's activity types" }),
      contactId: t.id(),
      leadId: t.id(),
      opportunityId: t.id(),
      ownerId: t.id(),
      tz: t.string({ description: 'IANA time zone deciding what "today" is (default UTC)' }),
    }),
  });
  const input = (name: string, description: string) =>
    b.inputType(name, {
      description,
      fields: (t) => ({
        kind: t.string({ description: "the key of one of the company's activity types (activityTypes)" }),
        subject: t.string(),
        description: t.string(),
        dueAt: t.field({ type: 'DateTime' }),
        done: t.boolean(),
        contactId: t.id(),
        leadId: t.id(),
        opportunityId: t.id(),
        ownerId: t.id(),
      }),
    });
  const CreateActivityInput = input('CreateActivityInput', 'A call, meeting, email or task');
  const UpdateActivityInput = input('UpdateActivityInput', 'Fields to change; null clears a field');

  b.queryField('activities', (t) =>
    t.field({
      type: ActivityPage,
      description: 'By due date, undated last',
      args: {
        filter: t.arg({ type: ActivityFilter }),
        limit: t.arg.int({ defaultValue: 50 }),
        offset: t.arg.int({ defaultValue: 0 }),
      },
      resolve: async (_r, args, ctx) => {
        const { rows, total } = await listActivities(ctx, {
          ...(given(args.filter) as Partial<ActivityListOptions>),
          limit: args.limit ?? 50,
          offset: args.offset ?? 0,
        });
        return { items: rows, totalCount: total };
      },
    }),
  );
  b.queryField('activity', (t) =>
    t.field({
      type: Activity,
      nullable: true,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, { id }, ctx) => getActivity(ctx, String(id)),
    }),
  );

  b.mutationField('createActivity', (t) =>
    t.field({
      type: Activity,
      args: { input: t.arg({ type: CreateActivityInput, required: true }) },
      resolve: (_r, args, ctx) => createActivity(ctx, given(args.input) as ActivityInput),
    }),
  );
  b.mutationField('updateActivity', (t) =>
    t.field({
      type: Activity,
      args: {
        id: t.arg.id({ required: true }),
        input: t.arg({ type: UpdateActivityInput, required: true }),
        expectedUpdatedAt: t.arg({ type: 'DateTime', description: EXPECTED_UPDATED_AT_DOC }),
      },
      // Nulls are kept: they clear fields.
      resolve: (_r, { id, input, expectedUpdatedAt }, ctx) =>
        updateActivity(ctx, String(id), input as Partial<ActivityInput>, argPrecondition(expectedUpdatedAt)),
    }),
  );
  b.mutationField('deleteActivity', (t) =>
    t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, { id }, ctx) => {
        await deleteActivity(ctx, String(id));
        return true;
      },
    }),
  );
  b.mutationField('completeActivity', (t) =>
    t.field({
      type: Activity,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, { id }, ctx) => completeActivity(ctx, String(id)),
    }),
  );
}
