import {
  type AnyModel,
  entitySchemaOf,
  NotFoundError,
  type RequestContext,
  type Row,
  rowOf,
  selectList,
  ValidationError,
} from '@elevate/sdk';
import { crmErrors } from '../errors.ts';
import type { SegmentRow } from '../graphql/types.graphql.ts';
import { Contact } from '../models/contact.model.ts';
import { Lead } from '../models/lead.model.ts';
import { Opportunity } from '../models/opportunity.model.ts';
import { Segment } from '../models/segment.model.ts';
import {
  finishPage,
  fromQuery,
  type ListFilter,
  type ListOptions,
  type ListTarget,
  listSql,
  pagedSql,
} from './list-query.ts';
import { validateFilter } from './segment-filter.ts';

export interface SegmentInput {
  name?: string | undefined;
  target?: ListTarget | undefined;
  filter?: unknown;
  shared?: boolean | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SegmentEntity = entitySchemaOf(Segment);

// Private segments are their owner's alone; shared ones are everyone's in the tenant. The
// crm.segment.read grant is tenant-wide, so this rule is the segment's record rule (written
// here: the model's access key has no read/write grants of its own).
const visible = (ctx: RequestContext) => ({ $or: [{ shared: true }, { ownerId: ctx.user.id }] });
const OWN_RULE = { filters: { records: false }, disableIdentityMap: true } as const;

/** The segments the caller sees, their own and the shared ones, by name. */
export async function listSegments(
  ctx: RequestContext,
  opts: { target?: ListTarget | undefined; limit: number; offset: number },
): Promise<{ rows: SegmentRow[]; total: number }> {
  ctx.require('crm.segment.read');
  const [found, total] = await ctx.em.findAndCount(
    SegmentEntity,
    { ...visible(ctx), ...(opts.target ? { target: opts.target } : {}) },
    { ...OWN_RULE, orderBy: [{ name: 'asc' }, { id: 'asc' }], limit: opts.limit, offset: opts.offset },
  );
  return { rows: found.map((e) => rowOf(Segment, e) as SegmentRow), total };
}

/** A segment the caller sees, or 404 (a private segment of someone else does not exist for them). */
export async function getSegment(ctx: RequestContext, id: string): Promise<SegmentRow> {
  ctx.require('crm.segment.read');
  const e = UUID.test(id) ? await ctx.em.findOne(SegmentEntity, { $and: [{ id }, visible(ctx)] }, OWN_RULE) : null;
  if (!e) throw new NotFoundError('Segment');
  return rowOf(Segment, e) as SegmentRow;
}

export async function createSegment(
  ctx: RequestContext,
  input: SegmentInput & { name: string; target: ListTarget },
): Promise<SegmentRow> {
  ctx.require('crm.segment.read');
  if (input.shared) ctx.require('crm.segment.share');
  const filter = validateFilter(input.target, input.filter ?? {});
  return ctx.db.repo(Segment).insert({
    name: segmentName(input.name),
    target: input.target,
    filter: filter as Record<string, unknown>,
    shared: input.shared ?? false,
    ownerId: ctx.user.id,
  });
}

function segmentName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new ValidationError('Invalid segment', [{ path: 'name', message: 'must not be blank' }]);
  return trimmed;
}

async function ownSegment(ctx: RequestContext, id: string): Promise<SegmentRow> {
  const seg = await getSegment(ctx, id);
  if (seg.ownerId !== ctx.user.id) throw crmErrors.segmentNotOwner();
  return seg;
}

export async function updateSegment(ctx: RequestContext, id: string, input: SegmentInput): Promise<SegmentRow> {
  const seg = await ownSegment(ctx, id);
  if (input.shared && !seg.shared) ctx.require('crm.segment.share');
  const target = input.target ?? seg.target;
  const filter =
    input.filter !== undefined || target !== seg.target
      ? validateFilter(target, input.filter ?? seg.filter)
      : undefined;
  const row = await ctx.db.repo(Segment).update(seg.id, {
    name: input.name === undefined ? undefined : segmentName(input.name),
    target: input.target,
    filter: filter as Record<string, unknown> | undefined,
    shared: input.shared,
  });
  if (!row) throw new NotFoundError('Segment');
  return row;
}

export async function deleteSegment(ctx: RequestContext, id: string): Promise<void> {
  const seg = await ownSegment(ctx, id);
  await ctx.db.repo(Segment).delete(seg.id);
}

/**
 * The filter of a segment the caller sees, for a list of `target` (the lists' `segmentId`
 * parameter). Filters in the request are laid over it by the caller.
 */
export async function filterForSegment(
  ctx: RequestContext,
  segmentId: string,
  target: ListTarget,
): Promise<ListFilter> {
  const seg = await getSegment(ctx, segmentId);
  if (seg.target !== target) throw crmErrors.badFilter(`segment ${seg.name} lists ${seg.target}s, not ${target}s`);
  return seg.filter as ListFilter;
}

const MODELS = { contact: Contact, lead: Lead, opportunity: Opportunity } satisfies Record<ListTarget, AnyModel>;
export type TargetRow<T extends ListTarget> = Row<(typeof MODELS)[T]>;

export interface SegmentResults {
  target: ListTarget;
  rows: Row<AnyModel>[];
  total: number;
}

/**
 * Evaluates a segment on the server under the CALLER's record rules: a shared segment shows
 * each user only the records they may see. One statement (plus a count past the last page).
 */
export async function segmentResults(
  ctx: RequestContext,
  id: string,
  page: { limit: number; offset: number; sort?: string | undefined },
): Promise<SegmentResults> {
  const seg = await getSegment(ctx, id);
  const target = seg.target;
  const q = await listSql(ctx, target, { filter: seg.filter as ListFilter, ...(page.sort ? { sort: page.sort } : {}) });
  const paged = pagedSql(selectList(MODELS[target]), q, page.limit, page.offset);
  // Raw SQL, kept: a segment runs through listSql, exactly as the list it was saved from (see
  // pipeline-sql.ts pageOf). Not benchmarked.
  const raw = await ctx.db.query<Row<AnyModel> & { __total?: number }>(paged.sql, paged.params);
  const { rows, total } = await finishPage<Row<AnyModel>>(ctx, raw, q, page.offset);
  return { target, rows, total };
}

/** A filter laid over a saved segment's filter (the given keys win); the filter itself when no segment. */
export async function withSegment(
  ctx: RequestContext,
  target: ListTarget,
  segmentId: string | null | undefined,
  filter: ListFilter,
): Promise<ListFilter> {
  return segmentId == null ? filter : { ...(await filterForSegment(ctx, String(segmentId), target)), ...filter };
}

/** A REST list query as ListOptions; a saved segment's filter lies under the query's own keys. */
export async function listOptions(
  ctx: RequestContext,
  target: ListTarget,
  query: Record<string, unknown>,
): Promise<ListOptions> {
  const opts = fromQuery(query);
  const segmentId = typeof query.segmentId === 'string' ? query.segmentId : null;
  return { ...opts, filter: await withSegment(ctx, target, segmentId, opts.filter) };
}
