import { type JsonSchema, type Page, paginationQuery, type RestRouter } from '@elevate/sdk';
import type { NoteRow } from '../graphql/types.graphql.ts';
import { Activity, Note } from '../models/activity.model.ts';
import { CONTACT_KINDS } from '../models/contact.model.ts';
import { Opportunity } from '../models/opportunity.model.ts';
import type { permissions } from '../permissions.ts';
import {
  CONTACT_INCLUDES,
  CONTACT_LIST_FIELDS,
  type ContactInclude,
  listContactViews,
} from '../services/contact-views.service.ts';
import {
  type ContactInput,
  type ContactView,
  createContact,
  deleteContact,
  listPeople,
  requireContact,
  updateContact,
  withRelations,
} from '../services/contacts.service.ts';
import { listQuerySchema, TARGETS } from '../services/list-query.ts';
import { createNote, deleteNote, listNotes, type NoteParent, updateNote } from '../services/notes.service.ts';
import { type EditPrecondition, expectedUpdatedAtProperty, splitPrecondition } from '../services/precondition.ts';
import { contactRelated } from '../services/related.service.ts';
import { listOptions } from '../services/segments.service.ts';
import { setContactTags } from '../services/tags.service.ts';
import { contactView, NO_CONTENT, page, schemaOf } from './responses.ts';

const uuid = { type: 'string', format: 'uuid' };
const text = (maxLength: number) => ({ type: 'string', maxLength, nullable: true });

const contactBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: { enum: [...CONTACT_KINDS] },
    name: text(200),
    firstName: text(100),
    lastName: text(100),
    email: { type: 'string', format: 'email', maxLength: 320, nullable: true },
    phone: text(50),
    jobTitle: text(120),
    companyId: { ...uuid, nullable: true },
    website: text(300),
    street: text(200),
    city: text(100),
    postalCode: text(20),
    country: { type: 'string', pattern: '^[A-Za-z]{2}$', nullable: true },
    source: text(60),
    ownerId: uuid,
    tagIds: { type: 'array', items: uuid, maxItems: 50 },
    // Checked against the tenant's definitions by ctx.customFields (422 naming custom.<key>).
    custom: { type: 'object', description: 'custom-field values by key' },
  },
};

const contactPatchBody: JsonSchema = {
  ...contactBody,
  properties: { ...(contactBody.properties as object), expectedUpdatedAt: expectedUpdatedAtProperty },
};

const pageQuery = (extra: Record<string, unknown> = {}): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  properties: { ...(paginationQuery.properties as object), ...extra },
});

const parentQuery = { contactId: uuid, leadId: uuid, opportunityId: uuid };
const sortable = Object.keys(TARGETS.contact.sortable).flatMap((k) => [k, `-${k}`]);

/** A list page; total_count is null unless the caller asked for it (`count=true`). */
type ListPage<T> = Omit<Page<T>, 'total_count'> & { total_count: number | null };

interface PageQuery {
  limit: number;
  offset: number;
  sort?: string;
}

const commaList = (words: Iterable<string>) => {
  const alt = [...words].join('|');
  return { type: 'string', maxLength: 1000, pattern: `^(${alt})(,(${alt}))*$` };
};
/** The contacts list: the filters, plus the shape of the answer (lean by default). */
const contactListQuery: JsonSchema = (() => {
  const base = listQuerySchema('contact');
  return {
    ...base,
    properties: {
      ...(base.properties as object),
      fields: commaList(CONTACT_LIST_FIELDS.keys()),
      include: commaList(CONTACT_INCLUDES),
      count: { type: 'boolean', default: false },
    },
  };
})();

export function contactRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, Record<string, unknown> & { fields?: string; include?: string; count: boolean }>(
    '/contacts',
    {
      permission: 'crm.contact.read',
      query: contactListQuery,
      summary:
        'List contacts and companies: their own fields (fields= narrows them); include=company,tags embeds relations; count=true adds total_count',
      responses: { 200: page(contactView) },
    },
    async ({ query, ctx }): Promise<ListPage<Partial<ContactView>>> => {
      const opts = await listOptions(ctx, 'contact', query);
      const { rows, total } = await listContactViews(ctx, opts, {
        ...(query.fields ? { fields: query.fields.split(',') } : {}),
        ...(query.include ? { include: query.include.split(',') as ContactInclude[] } : {}),
        count: query.count,
      });
      return { data: rows, total_count: total, limit: opts.limit, offset: opts.offset };
    },
  );

  r.post<Record<string, string>, ContactInput>(
    '/contacts',
    {
      permission: 'crm.contact.write',
      body: contactBody,
      summary: 'Create a person or a company',
      responses: { 201: contactView },
    },
    async ({ body, ctx }) => {
      const created = await createContact(ctx, body);
      const [view] = await withRelations(ctx, [created], { knownUntagged: !body.tagIds?.length });
      return { status: 201, body: view };
    },
  );

  r.get<{ id: string }>(
    '/contacts/:id',
    { permission: 'crm.contact.read', summary: 'One contact or company', responses: { 200: contactView } },
    async ({ params, ctx }) => {
      const [view] = await withRelations(ctx, [await requireContact(ctx, params.id)]);
      return view;
    },
  );

  r.patch<{ id: string }, ContactInput & EditPrecondition>(
    '/contacts/:id',
    {
      permission: 'crm.contact.write',
      body: contactPatchBody,
      summary: 'Change a contact (expectedUpdatedAt: 409 CONFLICT when it changed since it was read)',
      responses: { 200: contactView },
    },
    async ({ params, body, ctx }) => {
      const [view] = await withRelations(ctx, [await updateContact(ctx, params.id, ...splitPrecondition(body))]);
      return view;
    },
  );

  r.delete<{ id: string }>(
    '/contacts/:id',
    { permission: 'crm.contact.delete', summary: 'Delete a contact', responses: NO_CONTENT },
    async ({ params, ctx }) => {
      await deleteContact(ctx, params.id);
      return { status: 204, body: null };
    },
  );

  r.put<{ id: string }, { tagIds: string[] }>(
    '/contacts/:id/tags',
    {
      permission: 'crm.contact.write',
      summary: "Replace a contact's tags",
      responses: { 200: contactView },
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['tagIds'],
        properties: { tagIds: { type: 'array', items: uuid, maxItems: 50 } },
      },
    },
    async ({ params, body, ctx }) => {
      const [view] = await withRelations(ctx, [await setContactTags(ctx, params.id, body.tagIds)]);
      return view;
    },
  );

  r.get<{ id: string }, PageQuery>(
    '/contacts/:id/people',
    {
      permission: 'crm.contact.read',
      query: pageQuery({ sort: { enum: sortable } }),
      summary: "A company's people",
      responses: { 200: page(contactView) },
    },
    async ({ params, query, ctx }): Promise<Page<ContactView>> => {
      const { rows, total } = await listPeople(ctx, params.id, query);
      return { data: rows, total_count: total, limit: query.limit, offset: query.offset };
    },
  );

  r.get<{ id: string }>(
    '/contacts/:id/related',
    {
      permission: 'crm.contact.read',
      summary:
        "A contact's opportunities and activities; a company's include its people's (each under its own permission and record rules)",
      responses: {
        200: {
          type: 'object',
          title: 'CrmContactRelated',
          required: ['contactIds', 'opportunities', 'activities'],
          properties: {
            contactIds: { type: 'array', items: uuid },
            opportunities: { type: 'array', items: schemaOf(Opportunity) },
            activities: { type: 'array', items: schemaOf(Activity) },
          },
        },
      },
    },
    ({ params, ctx }) => contactRelated(ctx, params.id),
  );

  r.get<Record<string, string>, PageQuery & NoteParent>(
    '/notes',
    {
      permission: 'crm.activity.read',
      query: pageQuery(parentQuery),
      summary: 'Notes on a contact, lead or opportunity',
      responses: { 200: page(schemaOf(Note)) },
    },
    async ({ query, ctx }): Promise<Page<NoteRow>> => {
      const { limit, offset, ...parent } = query;
      const { rows, total } = await listNotes(ctx, parent, { limit, offset });
      return { data: rows, total_count: total, limit, offset };
    },
  );

  r.post<Record<string, string>, NoteParent & { body: string }>(
    '/notes',
    {
      permission: 'crm.activity.write',
      // The parent may come in the body or, as in GET, in the query string.
      query: { type: 'object', additionalProperties: false, properties: parentQuery },
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['body'],
        properties: { body: { type: 'string', minLength: 1, maxLength: 20000 }, ...parentQuery },
      },
      summary: 'Write a note',
      responses: { 201: schemaOf(Note) },
    },
    async ({ query, body, ctx }) => ({ status: 201, body: await createNote(ctx, { ...query, ...body }) }),
  );

  r.patch<{ id: string }, { body: string } & EditPrecondition>(
    '/notes/:id',
    {
      permission: 'crm.activity.write',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['body'],
        properties: {
          body: { type: 'string', minLength: 1, maxLength: 20000 },
          expectedUpdatedAt: expectedUpdatedAtProperty,
        },
      },
      summary: "Rewrite a note's text (expectedUpdatedAt: 409 CONFLICT when it changed since it was read)",
      responses: { 200: schemaOf(Note) },
    },
    ({ params, body, ctx }) => updateNote(ctx, params.id, ...splitPrecondition(body)),
  );

  r.delete<{ id: string }>(
    '/notes/:id',
    { permission: 'crm.activity.write', summary: 'Delete a note', responses: NO_CONTENT },
    async ({ params, ctx }) => {
      await deleteNote(ctx, params.id);
      return { status: 204, body: null };
    },
  );
}
