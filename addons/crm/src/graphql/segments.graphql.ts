import { type AnyModel, type GraphQLBuilder, NotFoundError, type Row, ValidationError } from '@elevate/sdk';
import { SEGMENT_TARGETS } from '../models/segment.model.ts';
import type { ListTarget } from '../services/list-query.ts';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  type SegmentResults,
  segmentResults,
  updateSegment,
} from '../services/segments.service.ts';
import type { ContactRow, CrmTypes, LeadRow, OpportunityRow, PageOf, SegmentRow } from './types.graphql.ts';

const page = (args: { limit?: number | null; offset?: number | null }) => ({
  limit: Math.min(Math.max(args.limit ?? 50, 1), 200),
  offset: Math.max(args.offset ?? 0, 0),
});
const rowsOf = <T>(r: SegmentResults, target: ListTarget) =>
  r.target === target ? (r.rows as Row<AnyModel>[] as T[]) : [];

export function segmentsGraphql(b: GraphQLBuilder, types: CrmTypes): void {
  const { Contact, Lead, Opportunity, ContactPage } = types;
  const SegmentTarget = b.enumType('SegmentTarget', { values: SEGMENT_TARGETS });

  const Segment = b.objectRef<SegmentRow>('Segment').implement({
    description: 'A saved filter, private to its owner or shared with the tenant',
    fields: (t) => ({
      id: t.exposeID('id'),
      name: t.exposeString('name'),
      target: t.field({ type: SegmentTarget, resolve: (s) => s.target }),
      filter: t.field({ type: 'JSON', resolve: (s) => s.filter }),
      shared: t.exposeBoolean('shared'),
      ownerId: t.exposeID('ownerId', { nullable: true }),
      createdAt: t.field({ type: 'DateTime', resolve: (s) => s.createdAt }),
      updatedAt: t.field({ type: 'DateTime', resolve: (s) => s.updatedAt }),
    }),
  });

  const SegmentResultPage = b.objectRef<SegmentResults>('SegmentResultPage').implement({
    description: 'A segment evaluated for the caller: the list matching its target is filled',
    fields: (t) => ({
      target: t.field({ type: SegmentTarget, resolve: (r) => r.target }),
      totalCount: t.exposeInt('total'),
      contacts: t.field({ type: [Contact], resolve: (r) => rowsOf<ContactRow>(r, 'contact') }),
      leads: t.field({ type: [Lead], resolve: (r) => rowsOf<LeadRow>(r, 'lead') }),
      opportunities: t.field({ type: [Opportunity], resolve: (r) => rowsOf<OpportunityRow>(r, 'opportunity') }),
    }),
  });

  b.queryField('segments', (t) =>
    t.field({
      type: [Segment],
      args: {
        target: t.arg({ type: SegmentTarget }),
        limit: t.arg.int({ defaultValue: 50 }),
        offset: t.arg.int({ defaultValue: 0 }),
      },
      resolve: async (_r, args, ctx) =>
        (await listSegments(ctx, { target: args.target ?? undefined, ...page(args) })).rows,
    }),
  );
  b.queryField('segment', (t) =>
    t.field({
      type: Segment,
      nullable: true,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, args, ctx) =>
        getSegment(ctx, String(args.id)).catch((err: unknown) => {
          if (err instanceof NotFoundError) return null;
          throw err;
        }),
    }),
  );
  b.queryField('segmentResults', (t) =>
    t.field({
      type: SegmentResultPage,
      args: {
        id: t.arg.id({ required: true }),
        limit: t.arg.int({ defaultValue: 50 }),
        offset: t.arg.int({ defaultValue: 0 }),
        sort: t.arg.string(),
      },
      resolve: (_r, args, ctx) => segmentResults(ctx, String(args.id), { ...page(args), sort: args.sort ?? undefined }),
    }),
  );
  b.queryField('segmentContacts', (t) =>
    t.field({
      type: ContactPage,
      description: 'The contacts of a contact segment, under the caller’s record rules',
      args: {
        id: t.arg.id({ required: true }),
        limit: t.arg.int({ defaultValue: 50 }),
        offset: t.arg.int({ defaultValue: 0 }),
      },
      resolve: async (_r, args, ctx): Promise<PageOf<ContactRow>> => {
        const seg = await getSegment(ctx, String(args.id));
        if (seg.target !== 'contact') return { items: [], totalCount: 0 };
        const r = await segmentResults(ctx, seg.id, page(args));
        return { items: rowsOf<ContactRow>(r, 'contact'), totalCount: r.total };
      },
    }),
  );

  const SegmentInput = (name: string) =>
    b.inputType(name, {
      fields: (t) => ({
        name: t.string(),
        target: t.field({ type: SegmentTarget }),
        filter: t.field({ type: 'JSON', description: 'A list filter (the keys of the list query)' }),
        shared: t.boolean({ description: 'Visible to the whole tenant (needs crm.segment.share)' }),
      }),
    });
  const CreateSegmentInput = SegmentInput('CreateSegmentInput');
  const UpdateSegmentInput = SegmentInput('UpdateSegmentInput');

  b.mutationField('createSegment', (t) =>
    t.field({
      type: Segment,
      args: { input: t.arg({ type: CreateSegmentInput, required: true }) },
      resolve: (_r, { input }, ctx) => {
        if (!input.name?.trim() || !input.target) {
          throw new ValidationError('Invalid segment', [
            ...(input.name?.trim() ? [] : [{ path: 'input.name', message: 'is required' }]),
            ...(input.target ? [] : [{ path: 'input.target', message: 'is required' }]),
          ]);
        }
        return createSegment(ctx, {
          name: input.name,
          target: input.target,
          filter: input.filter ?? {},
          shared: input.shared ?? false,
        });
      },
    }),
  );
  b.mutationField('updateSegment', (t) =>
    t.field({
      type: Segment,
      args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateSegmentInput, required: true }) },
      resolve: (_r, { id, input }, ctx) =>
        updateSegment(ctx, String(id), {
          name: input.name ?? undefined,
          target: input.target ?? undefined,
          filter: input.filter ?? undefined,
          shared: input.shared ?? undefined,
        }),
    }),
  );
  b.mutationField('deleteSegment', (t) =>
    t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, { id }, ctx) => {
        await deleteSegment(ctx, String(id));
        return true;
      },
    }),
  );
}
