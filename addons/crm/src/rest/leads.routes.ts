import { type JsonSchema, NotFoundError, type Page, type RestRouter } from '@elevate/sdk';
import type { LeadRow } from '../graphql/types.graphql.ts';
import { Contact } from '../models/contact.model.ts';
import { Lead } from '../models/lead.model.ts';
import { Opportunity } from '../models/opportunity.model.ts';
import type { permissions } from '../permissions.ts';
import { type ConvertInput, convertLead } from '../services/lead-convert.service.ts';
import {
  createLead,
  deleteLead,
  getLead,
  LEAD_EDITABLE_STATUSES,
  type LeadInput,
  listLeads,
  updateLead,
} from '../services/leads.service.ts';
import { listQuerySchema } from '../services/list-query.ts';
import { type EditPrecondition, expectedUpdatedAtProperty, splitPrecondition } from '../services/precondition.ts';
import { listOptions } from '../services/segments.service.ts';
import { NO_CONTENT, orNull, page, schemaOf } from './responses.ts';

type Id = { id: string };
const READ = 'crm.lead.read';
const WRITE = 'crm.lead.write';

const uuid = { type: 'string', format: 'uuid' };
const str = (maxLength: number) => ({ type: 'string', maxLength, nullable: true });
const fields = {
  title: { type: 'string', minLength: 1, maxLength: 200 },
  contactName: str(200),
  companyName: str(200),
  email: { type: 'string', maxLength: 320, format: 'email', nullable: true },
  phone: str(50),
  source: str(60),
  status: { enum: [...LEAD_EDITABLE_STATUSES] },
  value: { type: 'string', nullable: true, pattern: '^-?\\d{1,14}(\\.\\d{1,4})?$' },
  currency: { type: 'string', nullable: true, pattern: '^[A-Z]{3}$' },
  description: str(100_000),
  contactId: { ...uuid, nullable: true },
  ownerId: uuid,
  custom: { type: 'object', description: 'custom-field values by key' },
};
const createBody: JsonSchema = { type: 'object', required: ['title'], additionalProperties: false, properties: fields };
const patchBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...fields, expectedUpdatedAt: expectedUpdatedAtProperty },
};
const convertBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    createContact: { type: 'boolean', default: true },
    contactId: uuid,
    opportunity: {
      type: 'object',
      additionalProperties: false,
      properties: {
        title: { type: 'string', minLength: 1, maxLength: 200 },
        value: { type: 'string', pattern: '^-?\\d{1,14}(\\.\\d{1,2})?$' },
        pipelineId: uuid,
        stageId: uuid,
      },
    },
  },
};

const converted = {
  type: 'object',
  properties: {
    lead: schemaOf(Lead),
    contact: orNull(schemaOf(Contact)),
    company: orNull(schemaOf(Contact)),
    opportunity: schemaOf(Opportunity),
  },
};

export function leadRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, Record<string, unknown>>(
    '/leads',
    {
      permission: READ,
      query: listQuerySchema('lead'),
      summary: 'List leads',
      responses: { 200: page(schemaOf(Lead)) },
    },
    async ({ query, ctx }): Promise<Page<LeadRow>> => {
      const opts = await listOptions(ctx, 'lead', query);
      const { rows, total } = await listLeads(ctx, opts);
      return { data: rows, total_count: total, limit: opts.limit, offset: opts.offset };
    },
  );

  r.get<Id>(
    '/leads/:id',
    { permission: READ, summary: 'One lead', responses: { 200: schemaOf(Lead) } },
    async ({ params, ctx }) => {
      const row = await getLead(ctx, params.id);
      if (!row) throw new NotFoundError('Lead');
      return row;
    },
  );

  r.post<Record<string, string>, LeadInput>(
    '/leads',
    { permission: WRITE, body: createBody, summary: 'Create a lead', responses: { 201: schemaOf(Lead) } },
    async ({ body, ctx }) => ({ status: 201, body: await createLead(ctx, body) }),
  );

  r.patch<Id, Partial<LeadInput> & EditPrecondition>(
    '/leads/:id',
    { permission: WRITE, body: patchBody, summary: 'Change a lead', responses: { 200: schemaOf(Lead) } },
    ({ params, body, ctx }) => updateLead(ctx, params.id, ...splitPrecondition(body)),
  );

  r.delete<Id>(
    '/leads/:id',
    { permission: 'crm.lead.delete', summary: 'Delete a lead', responses: NO_CONTENT },
    async ({ params, ctx }) => {
      await deleteLead(ctx, params.id);
      return { status: 204, body: null };
    },
  );

  r.post<Id, ConvertInput>(
    '/leads/:id/convert',
    {
      permission: WRITE,
      body: convertBody,
      summary: 'Convert to a contact (+ company) and an opportunity',
      responses: { 201: converted },
    },
    async ({ params, body, ctx }) => ({ status: 201, body: await convertLead(ctx, params.id, body) }),
  );
}
