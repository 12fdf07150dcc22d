import { NotFoundError, type RequestContext, selectList, ValidationError } from '@elevate/sdk';
import { ActivityCompleted, ActivityCreated, ActivityDeleted, ActivityUpdated } from '../events.ts';
import type { ActivityRow } from '../graphql/types.graphql.ts';
import { Activity } from '../models/activity.model.ts';
import { ActivityType } from '../models/choice-list.model.ts';
import { Contact } from '../models/contact.model.ts';
import { Lead } from '../models/lead.model.ts';
import { Opportunity } from '../models/opportunity.model.ts';
import { checkChoice } from './choice-lists.service.ts';
import { finishPage, pagedSql } from './list-query.ts';
import { changedKeys, checkLinks, checkPage, optionalText, text } from './pipeline-sql.ts';
import { checkUnchanged, type EditPrecondition } from './precondition.ts';

export const ACTIVITY_READ = 'crm.activity.read';
export const ACTIVITY_WRITE = 'crm.activity.write';
export const DUE_FILTERS = ['open', 'overdue', 'today', 'upcoming', 'undated', 'done'] as const;
/** The key of one of the company's activity types (call, meeting, email, task, or its own). */
export type ActivityKind = string;

export interface ActivityInput {
  kind: ActivityKind;
  subject: string;
  description?: string | null | undefined;
  dueAt?: string | null | undefined;
  done?: boolean | null | undefined;
  contactId?: string | null | undefined;
  leadId?: string | null | undefined;
  opportunityId?: string | null | undefined;
  ownerId?: string | null | undefined;
}

export interface ActivityListOptions {
  /**
   * open: not done (any due date, or none); overdue: open and past due; today: open and due today;
   * upcoming: open and due after today; undated: open without a due date; done.
   */
  due?: (typeof DUE_FILTERS)[number] | null | undefined;
  kind?: ActivityKind | null | undefined;
  contactId?: string | null | undefined;
  leadId?: string | null | undefined;
  opportunityId?: string | null | undefined;
  ownerId?: string | null | undefined;
  /** IANA time zone that decides what "today" is (default UTC). */
  tz?: string | null | undefined;
  limit: number;
  offset: number;
}

function checkTz(tz: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    throw new ValidationError('Unknown time zone', [{ path: 'tz', message: 'must be an IANA time zone' }]);
  }
}

/** Activities under record rules, filtered, by due date (undated last). Two statements at most. */
export async function listActivities(
  ctx: RequestContext,
  opts: ActivityListOptions,
): Promise<{ rows: ActivityRow[]; total: number }> {
  checkPage(opts.limit, opts.offset);
  const params: unknown[] = [ctx.tenant.id];
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = ['t.tenant_id = $1'];
  const owners = await ctx.ownerIds(ACTIVITY_READ);
  if (owners) where.push(`t.owner_id = any(${add(owners)}::uuid[])`);
  const eq = {
    kind: 'kind',
    contactId: 'contact_id',
    leadId: 'lead_id',
    opportunityId: 'opportunity_id',
    ownerId: 'owner_id',
  };
  for (const [key, column] of Object.entries(eq)) {
    const v = opts[key as keyof typeof eq];
    if (v) where.push(`t.${column} = ${add(v)}`);
  }
  if (opts.due) {
    const tz = checkTz(opts.tz ?? 'UTC');
    // Midnight of today in the caller's time zone, as a timestamptz.
    const today = () => {
      const p = add(tz);
      return `(date_trunc('day', now() at time zone ${p}::text) at time zone ${p}::text)`;
    };
    const conditions: Record<(typeof DUE_FILTERS)[number], () => string> = {
      open: () => 'not t.done',
      overdue: () => 'not t.done and t.due_at < now()',
      today: () => {
        const d = today();
        return `not t.done and t.due_at >= ${d} and t.due_at < ${d} + interval '1 day'`;
      },
      upcoming: () => `not t.done and t.due_at >= ${today()} + interval '1 day'`,
      undated: () => 'not t.done and t.due_at is null',
      done: () => 't.done',
    };
    where.push(conditions[opts.due]());
  }
  const q = {
    from: `from crm_activity t where ${where.join(' and ')}`,
    orderBy: 't.due_at asc nulls last, t.id',
    params,
  };
  const page = pagedSql(selectList(Activity), q, opts.limit, opts.offset);
  // Raw SQL, kept: the activity list's due filters (overdue/today/upcoming in the tenant's
  // sense of now) built on the same paging as listSql (pagedSql/finishPage). Not benchmarked.
  const rows = await ctx.db.query<ActivityRow & { __total?: number }>(page.sql, page.params);
  return finishPage<ActivityRow>(ctx, rows, q, opts.offset);
}

export async function getActivity(ctx: RequestContext, id: string): Promise<ActivityRow | null> {
  return (await ctx.scoped(Activity, ACTIVITY_READ)).get(id);
}

function links(input: Partial<ActivityInput>) {
  return [
    { model: Contact, permission: 'crm.contact.read', id: input.contactId, path: 'contactId', what: 'contact' },
    { model: Lead, permission: 'crm.lead.read', id: input.leadId, path: 'leadId', what: 'lead' },
    {
      model: Opportunity,
      permission: 'crm.opportunity.read',
      id: input.opportunityId,
      path: 'opportunityId',
      what: 'opportunity',
    },
  ];
}

function fields(input: Partial<ActivityInput>, wasDone: boolean) {
  const description = optionalText(input.description, 'description', 100_000);
  return {
    ...(input.kind == null ? {} : { kind: input.kind }),
    ...(input.subject == null ? {} : { subject: text(input.subject, 'subject', 200) }),
    ...(description === undefined ? {} : { description }),
    ...(input.dueAt === undefined ? {} : { dueAt: input.dueAt }),
    ...(input.done == null || input.done === wasDone
      ? {}
      : { done: input.done, doneAt: input.done ? new Date().toISOString() : null }),
    ...(input.contactId === undefined ? {} : { contact: input.contactId }),
    ...(input.leadId === undefined ? {} : { lead: input.leadId }),
    ...(input.opportunityId === undefined ? {} : { opportunity: input.opportunityId }),
    ...(input.ownerId == null ? {} : { ownerId: input.ownerId }),
  };
}

export async function createActivity(ctx: RequestContext, input: ActivityInput): Promise<ActivityRow> {
  const repo = await ctx.scoped(Activity, ACTIVITY_WRITE);
  const data = fields(input, false);
  if (!data.subject) text('', 'subject', 200);
  const kind = data.kind ? await checkChoice(ctx, ActivityType, data.kind, 'kind') : null;
  if (!kind) {
    throw new ValidationError('kind is required', [{ path: 'kind', message: "one of the company's activity types" }]);
  }
  data.kind = kind;
  await checkLinks(ctx, links(input));
  const row = await repo.insert({ ...data, kind: data.kind, subject: data.subject as string });
  await ctx.events.publish(ActivityCreated, row.id, { id: row.id, title: row.subject, ownerId: row.ownerId });
  return row;
}

export async function updateActivity(
  ctx: RequestContext,
  id: string,
  patch: Partial<ActivityInput>,
  pre?: EditPrecondition,
): Promise<ActivityRow> {
  const repo = await ctx.scoped(Activity, ACTIVITY_WRITE);
  const before = await repo.get(id);
  if (!before) throw new NotFoundError('Activity');
  await checkUnchanged(ctx, 'activity', id, before.subject, pre);
  await checkLinks(ctx, links(patch));
  const data = fields(patch, before.done);
  // An activity keeps a type archived since it was set; a new value must be an active type.
  if (data.kind) data.kind = (await checkChoice(ctx, ActivityType, data.kind, 'kind', before.kind)) as string;
  const changes = changedKeys(before, data);
  if (!changes.length) return before;
  const row = (await repo.update(id, data)) ?? before;
  const payload = { id, title: row.subject, ownerId: row.ownerId, changes };
  await ctx.events.publish(ActivityUpdated, id, payload);
  if (!before.done && row.done) await ctx.events.publish(ActivityCompleted, id, payload);
  return row;
}

/** Marks an activity done (now); completing a done activity changes nothing. */
export async function completeActivity(ctx: RequestContext, id: string): Promise<ActivityRow> {
  return updateActivity(ctx, id, { done: true });
}

export async function deleteActivity(ctx: RequestContext, id: string): Promise<void> {
  const repo = await ctx.scoped(Activity, ACTIVITY_WRITE);
  const row = await repo.get(id);
  if (!row || !(await repo.delete(id))) throw new NotFoundError('Activity');
  await ctx.events.publish(ActivityDeleted, id, { id, title: row.subject, ownerId: row.ownerId });
}
