import { customValuesOf, type GraphQLBuilder, type Row } from '@elevate/sdk';
import type { Activity, Note } from '../models/activity.model.ts';
import { type Contact, Contact as ContactModel } from '../models/contact.model.ts';
import { type Lead, Lead as LeadModel } from '../models/lead.model.ts';
import { type Opportunity, Opportunity as OpportunityModel } from '../models/opportunity.model.ts';
import type { Pipeline, Stage } from '../models/pipeline.model.ts';
import type { ScoringRule, Segment } from '../models/segment.model.ts';
import type { Tag } from '../models/tag.model.ts';

export type ContactRow = Row<typeof Contact>;
export type TagRow = Row<typeof Tag>;
export type PipelineRow = Row<typeof Pipeline>;
export type StageRow = Row<typeof Stage>;
export type LeadRow = Row<typeof Lead>;
export type OpportunityRow = Row<typeof Opportunity>;
export type ActivityRow = Row<typeof Activity>;
export type NoteRow = Row<typeof Note>;
export type SegmentRow = Row<typeof Segment>;
export type ScoringRuleRow = Row<typeof ScoringRule>;

/** A page of a list: items and the total matching the filter. */
export interface PageOf<T> {
  items: T[];
  totalCount: number;
}

/**
 * The crm object types with their own columns. Each area (contacts, pipeline, activities,
 * ...) adds relation fields, queries and mutations to these refs in its own file.
 */
export function crmTypes(b: GraphQLBuilder) {
  const Contact = b.objectRef<ContactRow>('Contact').implement({
    description: 'A person or a company',
    fields: (t) => ({
      id: t.exposeID('id'),
      kind: t.exposeString('kind'),
      name: t.exposeString('name'),
      firstName: t.exposeString('firstName', { nullable: true }),
      lastName: t.exposeString('lastName', { nullable: true }),
      email: t.exposeString('email', { nullable: true }),
      phone: t.exposeString('phone', { nullable: true }),
      jobTitle: t.exposeString('jobTitle', { nullable: true }),
      companyId: t.exposeID('company', { nullable: true }),
      website: t.exposeString('website', { nullable: true }),
      street: t.exposeString('street', { nullable: true }),
      city: t.exposeString('city', { nullable: true }),
      postalCode: t.exposeString('postalCode', { nullable: true }),
      country: t.exposeString('country', { nullable: true }),
      source: t.exposeString('source', { nullable: true }),
      ownerId: t.exposeID('ownerId', { nullable: true }),
      createdBy: t.exposeID('createdBy', { nullable: true }),
      createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
      updatedAt: t.field({ type: 'DateTime', resolve: (r) => r.updatedAt }),
      custom: t.field({
        type: 'JSON',
        description: 'Custom-field values by key (the ones the caller may see); see customFields(model: "crm.contact")',
        resolve: (r, _a, ctx) => customValuesOf(ctx, ContactModel, r),
      }),
    }),
  });

  const Stage = b.objectRef<StageRow>('Stage').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      pipelineId: t.exposeID('pipeline'),
      name: t.exposeString('name'),
      position: t.exposeInt('position'),
      probability: t.exposeInt('probability'),
      kind: t.exposeString('kind'),
    }),
  });

  const Pipeline = b.objectRef<PipelineRow>('Pipeline').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      name: t.exposeString('name'),
      isDefault: t.exposeBoolean('isDefault'),
      position: t.exposeInt('position'),
    }),
  });

  const Lead = b.objectRef<LeadRow>('Lead').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      title: t.exposeString('title'),
      contactName: t.exposeString('contactName', { nullable: true }),
      companyName: t.exposeString('companyName', { nullable: true }),
      email: t.exposeString('email', { nullable: true }),
      phone: t.exposeString('phone', { nullable: true }),
      source: t.exposeString('source', { nullable: true }),
      status: t.exposeString('status'),
      score: t.exposeInt('score'),
      value: t.field({ type: 'Decimal', nullable: true, resolve: (r) => r.value }),
      currency: t.exposeString('currency', { nullable: true }),
      description: t.exposeString('description', { nullable: true }),
      contactId: t.exposeID('contact', { nullable: true }),
      convertedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.convertedAt }),
      ownerId: t.exposeID('ownerId', { nullable: true }),
      createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
      updatedAt: t.field({ type: 'DateTime', resolve: (r) => r.updatedAt }),
      custom: t.field({
        type: 'JSON',
        description: 'Custom-field values by key',
        resolve: (r, _a, ctx) => customValuesOf(ctx, LeadModel, r),
      }),
    }),
  });

  const Opportunity = b.objectRef<OpportunityRow>('Opportunity').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      title: t.exposeString('title'),
      contactId: t.exposeID('contact', { nullable: true }),
      leadId: t.exposeID('lead', { nullable: true }),
      pipelineId: t.exposeID('pipeline'),
      stageId: t.exposeID('stage'),
      position: t.exposeInt('position'),
      value: t.field({ type: 'Decimal', nullable: true, resolve: (r) => r.value }),
      currency: t.exposeString('currency'),
      expectedCloseDate: t.exposeString('expectedCloseDate', { nullable: true }),
      probability: t.exposeInt('probability'),
      status: t.exposeString('status'),
      lostReason: t.exposeString('lostReason', { nullable: true }),
      closedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.closedAt }),
      ownerId: t.exposeID('ownerId', { nullable: true }),
      createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
      updatedAt: t.field({ type: 'DateTime', resolve: (r) => r.updatedAt }),
      custom: t.field({
        type: 'JSON',
        description: 'Custom-field values by key',
        resolve: (r, _a, ctx) => customValuesOf(ctx, OpportunityModel, r),
      }),
    }),
  });

  const Activity = b.objectRef<ActivityRow>('Activity').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      kind: t.exposeString('kind'),
      subject: t.exposeString('subject'),
      description: t.exposeString('description', { nullable: true }),
      dueAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.dueAt }),
      done: t.exposeBoolean('done'),
      doneAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.doneAt }),
      overdue: t.boolean({
        resolve: (r) => !r.done && r.dueAt !== null && Date.parse(r.dueAt) < Date.now(),
      }),
      contactId: t.exposeID('contact', { nullable: true }),
      leadId: t.exposeID('lead', { nullable: true }),
      opportunityId: t.exposeID('opportunity', { nullable: true }),
      ownerId: t.exposeID('ownerId', { nullable: true }),
      createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
    }),
  });

  const Note = b.objectRef<NoteRow>('Note').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      body: t.exposeString('body'),
      contactId: t.exposeID('contact', { nullable: true }),
      leadId: t.exposeID('lead', { nullable: true }),
      opportunityId: t.exposeID('opportunity', { nullable: true }),
      createdBy: t.exposeID('createdBy', { nullable: true }),
      createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
    }),
  });

  const ContactPage = b.objectRef<PageOf<ContactRow>>('ContactPage').implement({
    fields: (t) => ({
      items: t.field({ type: [Contact], resolve: (p) => p.items }),
      totalCount: t.exposeInt('totalCount'),
    }),
  });
  const LeadPage = b.objectRef<PageOf<LeadRow>>('LeadPage').implement({
    fields: (t) => ({
      items: t.field({ type: [Lead], resolve: (p) => p.items }),
      totalCount: t.exposeInt('totalCount'),
    }),
  });
  const OpportunityPage = b.objectRef<PageOf<OpportunityRow>>('OpportunityPage').implement({
    fields: (t) => ({
      items: t.field({ type: [Opportunity], resolve: (p) => p.items }),
      totalCount: t.exposeInt('totalCount'),
    }),
  });
  const ActivityPage = b.objectRef<PageOf<ActivityRow>>('ActivityPage').implement({
    fields: (t) => ({
      items: t.field({ type: [Activity], resolve: (p) => p.items }),
      totalCount: t.exposeInt('totalCount'),
    }),
  });

  return {
    Contact,
    Stage,
    Pipeline,
    Lead,
    Opportunity,
    Activity,
    Note,
    ContactPage,
    LeadPage,
    OpportunityPage,
    ActivityPage,
  };
}

export type CrmTypes = ReturnType<typeof crmTypes>;
