import type { GraphQLBuilder } from '@elevate/sdk';
import { type ConvertResult, convertLead } from '../services/lead-convert.service.ts';
import {
  createLead,
  deleteLead,
  getLead,
  LEAD_EDITABLE_STATUSES,
  type LeadInput,
  listLeads,
  updateLead,
} from '../services/leads.service.ts';
import type { ListFilter } from '../services/list-query.ts';
import { contactById } from '../services/pipeline-sql.ts';
import { argPrecondition, EXPECTED_UPDATED_AT_DOC } from '../services/precondition.ts';
import { withSegment } from '../services/segments.service.ts';
import { given } from './args.ts';
import type { CrmTypes } from './types.graphql.ts';

export function leadsGraphql(b: GraphQLBuilder, types: CrmTypes): void {
  const { Lead, LeadPage, Contact, Opportunity } = types;
  const LeadStatus = b.enumType('LeadStatus', { values: [...LEAD_EDITABLE_STATUSES, 'converted'] as const });

  b.objectField(Lead, 'contact', (t) =>
    t.field({
      type: Contact,
      nullable: true,
      description: 'When the caller can see it',
      resolve: (l, _a, ctx) => (l.contact ? contactById(ctx, l.contact) : null),
    }),
  );

  const LeadConversion = b.objectRef<ConvertResult>('LeadConversion').implement({
    fields: (t) => ({
      lead: t.field({ type: Lead, resolve: (r) => r.lead }),
      contact: t.field({ type: Contact, nullable: true, resolve: (r) => r.contact }),
      company: t.field({ type: Contact, nullable: true, resolve: (r) => r.company }),
      opportunity: t.field({ type: Opportunity, resolve: (r) => r.opportunity }),
    }),
  });

  const LeadFilter = b.inputType('LeadFilter', {
    fields: (t) => ({
      q: t.string({ description: 'Full-text search, prefix-matched' }),
      ownerId: t.id(),
      status: t.field({ type: LeadStatus }),
      source: t.string(),
      email: t.string(),
      minScore: t.int(),
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
        contactName: t.string(),
        companyName: t.string(),
        email: t.string(),
        phone: t.string(),
        source: t.string(),
        status: t.field({ type: LeadStatus, description: 'converted comes from convertLead only' }),
        value: t.field({ type: 'Decimal' }),
        currency: t.string(),
        description: t.string(),
        contactId: t.id(),
        ownerId: t.id(),
        custom: t.field({ type: 'JSON', description: 'Custom-field values by key; null clears one' }),
      }),
    });
  const CreateLeadInput = input('CreateLeadInput', 'A new lead');
  const UpdateLeadInput = input('UpdateLeadInput', 'Fields to change; null clears a field');
  const ConvertOpportunityInput = b.inputType('ConvertLeadOpportunityInput', {
    fields: (t) => ({
      title: t.string(),
      value: t.field({ type: 'Decimal' }),
      pipelineId: t.id(),
      stageId: t.id(),
    }),
  });
  const ConvertLeadInput = b.inputType('ConvertLeadInput', {
    fields: (t) => ({
      createContact: t.boolean({ description: 'Create a person (and company) from the lead; default true' }),
      contactId: t.id({ description: 'Link this existing contact instead' }),
      opportunity: t.field({ type: ConvertOpportunityInput }),
    }),
  });

  b.queryField('leads', (t) =>
    t.field({
      type: LeadPage,
      args: {
        filter: t.arg({ type: LeadFilter }),
        sort: t.arg.string({ description: 'title, createdAt, updatedAt, score, status; "-" prefix for descending' }),
        limit: t.arg.int({ defaultValue: 50 }),
        offset: t.arg.int({ defaultValue: 0 }),
        segmentId: t.arg.id({ description: 'Start from a saved filter; `filter` is laid over it' }),
      },
      resolve: async (_r, args, ctx) => {
        ctx.require('crm.lead.read');
        const { rows, total } = await listLeads(ctx, {
          filter: await withSegment(ctx, 'lead', args.segmentId, given(args.filter) as ListFilter),
          sort: args.sort ?? undefined,
          limit: args.limit ?? 50,
          offset: args.offset ?? 0,
        });
        return { items: rows, totalCount: total };
      },
    }),
  );
  b.queryField('lead', (t) =>
    t.field({
      type: Lead,
      nullable: true,
      description: 'A lead, or null when it does not exist or the caller may not see it',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, { id }, ctx) => getLead(ctx, String(id)),
    }),
  );

  b.mutationField('createLead', (t) =>
    t.field({
      type: Lead,
      args: { input: t.arg({ type: CreateLeadInput, required: true }) },
      resolve: (_r, args, ctx) => {
        const i = given(args.input) as Partial<LeadInput>;
        return createLead(ctx, { ...i, title: i.title ?? '' });
      },
    }),
  );
  b.mutationField('updateLead', (t) =>
    t.field({
      type: Lead,
      args: {
        id: t.arg.id({ required: true }),
        input: t.arg({ type: UpdateLeadInput, required: true }),
        expectedUpdatedAt: t.arg({ type: 'DateTime', description: EXPECTED_UPDATED_AT_DOC }),
      },
      // Nulls are kept: they clear fields.
      resolve: (_r, { id, input, expectedUpdatedAt }, ctx) =>
        updateLead(ctx, String(id), input as Partial<LeadInput>, argPrecondition(expectedUpdatedAt)),
    }),
  );
  b.mutationField('deleteLead', (t) =>
    t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, { id }, ctx) => {
        await deleteLead(ctx, String(id));
        return true;
      },
    }),
  );
  b.mutationField('convertLead', (t) =>
    t.field({
      type: LeadConversion,
      description: 'Lead → contact (+ company) + opportunity, all or nothing',
      args: { id: t.arg.id({ required: true }), input: t.arg({ type: ConvertLeadInput }) },
      resolve: (_r, { id, input }, ctx) =>
        convertLead(ctx, String(id), {
          createContact: input?.createContact,
          contactId: input?.contactId == null ? null : String(input.contactId),
          opportunity: input?.opportunity ? given(input.opportunity) : null,
        }),
    }),
  );
}
