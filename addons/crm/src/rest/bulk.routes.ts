import type { JsonSchema, RestRouter } from '@elevate/sdk';
import type { permissions } from '../permissions.ts';
import {
  BULK_MAX,
  type BulkResult,
  bulkDeleteContacts,
  bulkDeleteLeads,
  bulkDeleteOpportunities,
  bulkUpdateContacts,
  bulkUpdateLeads,
  bulkUpdateOpportunities,
  type ContactBulkChanges,
  type LeadBulkChanges,
  type OpportunityBulkChanges,
} from '../services/bulk.service.ts';
import { LEAD_EDITABLE_STATUSES } from '../services/leads.service.ts';

const uuid = { type: 'string', format: 'uuid' };
const ids = { type: 'array', items: uuid, minItems: 1, maxItems: BULK_MAX, uniqueItems: true };
const tagIds = { type: 'array', items: uuid, maxItems: 50, uniqueItems: true };

const updateBody = (changes: Record<string, unknown>): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: ['ids', 'changes'],
  properties: {
    ids,
    changes: { type: 'object', additionalProperties: false, minProperties: 1, properties: changes },
  },
});
const deleteBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['ids'],
  properties: { ids },
};

/** What a bulk action answers: the rows done, and the rows refused with why. */
const bulkResult: JsonSchema = {
  type: 'object',
  title: 'CrmBulkResult',
  required: ['done', 'refused'],
  properties: {
    done: { type: 'array', items: uuid },
    refused: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'index', 'code', 'message'],
        properties: { id: uuid, index: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

type Update<C> = { ids: string[]; changes: C };

/**
 * Bulk edit and delete of contacts, leads and opportunities: one transaction, each row checked as
 * its single edit would be (permission, record rules, validation); refused rows are named.
 */
export function bulkRoutes(r: RestRouter<typeof permissions>): void {
  const summary = (what: string) =>
    `${what} (one transaction; rows refused by record rules or validation are listed in "refused", the others done)`;
  const responses = { 200: bulkResult };

  r.post<Record<string, string>, Update<ContactBulkChanges>>(
    '/contacts/bulk-update',
    {
      permission: 'crm.contact.write',
      body: updateBody({ ownerId: uuid, addTagIds: tagIds, removeTagIds: tagIds }),
      summary: summary('Change the owner or tags of several contacts'),
      responses,
    },
    ({ body, ctx }): Promise<BulkResult> => bulkUpdateContacts(ctx, body.ids, body.changes),
  );
  r.post<Record<string, string>, { ids: string[] }>(
    '/contacts/bulk-delete',
    { permission: 'crm.contact.delete', body: deleteBody, summary: summary('Delete several contacts'), responses },
    ({ body, ctx }) => bulkDeleteContacts(ctx, body.ids),
  );

  r.post<Record<string, string>, Update<LeadBulkChanges>>(
    '/leads/bulk-update',
    {
      permission: 'crm.lead.write',
      body: updateBody({ ownerId: uuid, status: { enum: [...LEAD_EDITABLE_STATUSES] } }),
      summary: summary('Change the owner or status of several leads'),
      responses,
    },
    ({ body, ctx }) => bulkUpdateLeads(ctx, body.ids, body.changes),
  );
  r.post<Record<string, string>, { ids: string[] }>(
    '/leads/bulk-delete',
    { permission: 'crm.lead.delete', body: deleteBody, summary: summary('Delete several leads'), responses },
    ({ body, ctx }) => bulkDeleteLeads(ctx, body.ids),
  );

  r.post<Record<string, string>, Update<OpportunityBulkChanges>>(
    '/opportunities/bulk-update',
    {
      permission: 'crm.opportunity.write',
      body: updateBody({ ownerId: uuid, stageId: uuid }),
      summary: summary('Change the owner or stage of several opportunities'),
      responses,
    },
    ({ body, ctx }) => bulkUpdateOpportunities(ctx, body.ids, body.changes),
  );
  r.post<Record<string, string>, { ids: string[] }>(
    '/opportunities/bulk-delete',
    {
      permission: 'crm.opportunity.delete',
      body: deleteBody,
      summary: summary('Delete several opportunities'),
      responses,
    },
    ({ body, ctx }) => bulkDeleteOpportunities(ctx, body.ids),
  );
}
