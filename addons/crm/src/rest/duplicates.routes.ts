import type { RestRouter } from '@elevate/sdk';
import { CONTACT_KINDS } from '../models/contact.model.ts';
import type { permissions } from '../permissions.ts';
import type { ContactInput } from '../services/contacts.service.ts';
import {
  duplicatePairs,
  duplicatesOf,
  duplicatesOfInput,
  MERGE_FIELDS,
  type MergeField,
  mergeContacts,
} from '../services/duplicates.service.ts';

const uuid = { type: 'string', format: 'uuid' };

/** Duplicate detection and merge of contacts. */
export function duplicateRoutes(r: RestRouter<typeof permissions>): void {
  r.get<{ id: string }>(
    '/contacts/:id/duplicates',
    { permission: 'crm.contact.read', summary: 'Contacts that look like duplicates of this one' },
    async ({ params, ctx }) => ({ data: await duplicatesOf(ctx, params.id) }),
  );

  // A POST so that the email being checked travels in the body, not in URLs and access logs.
  r.post<Record<string, string>, ContactInput>(
    '/duplicates/check',
    {
      permission: 'crm.contact.read',
      summary: 'Contacts the caller sees that look like this contact, before it is saved',
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          kind: { enum: [...CONTACT_KINDS] },
          name: { type: 'string', maxLength: 200, nullable: true },
          firstName: { type: 'string', maxLength: 100, nullable: true },
          lastName: { type: 'string', maxLength: 100, nullable: true },
          email: { type: 'string', format: 'email', maxLength: 320, nullable: true },
          companyId: { ...uuid, nullable: true },
        },
      },
    },
    async ({ body, ctx }) => ({ data: await duplicatesOfInput(ctx, body) }),
  );

  r.get<Record<string, string>, { limit: number }>(
    '/duplicates',
    {
      permission: 'crm.contact.read',
      summary: 'Likely duplicate pairs among the contacts the caller sees',
      query: {
        type: 'object',
        additionalProperties: false,
        properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      },
    },
    async ({ query, ctx }) => ({ data: await duplicatePairs(ctx, query.limit) }),
  );

  r.post<{ id: string }, { duplicateId: string; take?: MergeField[] }>(
    '/contacts/:id/merge',
    {
      permission: 'crm.contact.merge',
      summary:
        "Merge a duplicate into this contact (take: fields whose value comes from the duplicate; the survivor's empty fields are filled anyway)",
      body: {
        type: 'object',
        required: ['duplicateId'],
        additionalProperties: false,
        properties: {
          duplicateId: uuid,
          take: { type: 'array', items: { enum: [...MERGE_FIELDS] }, uniqueItems: true, maxItems: MERGE_FIELDS.length },
        },
      },
    },
    ({ params, body, ctx }) => mergeContacts(ctx, params.id, body.duplicateId, body.take ?? []),
  );
}
