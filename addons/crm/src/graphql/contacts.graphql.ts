import { type GraphQLBuilder, ValidationError } from '@elevate/sdk';
import { CONTACT_KINDS } from '../models/contact.model.ts';
import { CONTACT_LIST_FIELDS } from '../services/contact-views.service.ts';
import {
  type ContactInput,
  checkContactFilter,
  createContact,
  deleteContact,
  getContact,
  listContactColumns,
  peopleOfCompany,
  updateContact,
  visibleContact,
} from '../services/contacts.service.ts';
import type { ListFilter } from '../services/list-query.ts';
import { createNote, deleteNote, notesOfContact } from '../services/notes.service.ts';
import { argPrecondition, EXPECTED_UPDATED_AT_DOC } from '../services/precondition.ts';
import { setContactTags, tagsOfContact } from '../services/tags.service.ts';
import { given } from './args.ts';
import type { ContactRow, CrmTypes } from './types.graphql.ts';

// The parts of graphql-js's resolve info this file reads (crm does not depend on graphql itself).
interface SelectionSetNode {
  readonly selections: readonly (
    | { readonly kind: 'Field'; readonly name: { readonly value: string }; readonly selectionSet?: SelectionSetNode }
    | { readonly kind: 'InlineFragment'; readonly selectionSet: SelectionSetNode }
    | { readonly kind: 'FragmentSpread'; readonly name: { readonly value: string } }
  )[];
}
type FieldNode = { readonly selectionSet?: SelectionSetNode | undefined };
type FragmentDefinitionNode = { readonly selectionSet: SelectionSetNode };
interface GraphQLResolveInfo {
  readonly fieldNodes: readonly FieldNode[];
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
}

/** Field names selected directly under `set` (through fragments and inline fragments). */
function selectedFields(
  set: SelectionSetNode | undefined,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  out = new Map<string, FieldNode[]>(),
): Map<string, FieldNode[]> {
  for (const sel of set?.selections ?? []) {
    if (sel.kind === 'Field') out.set(sel.name.value, [...(out.get(sel.name.value) ?? []), sel]);
    else if (sel.kind === 'InlineFragment') selectedFields(sel.selectionSet, fragments, out);
    else selectedFields(fragments[sel.name.value]?.selectionSet, fragments, out);
  }
  return out;
}

const modelKey = (listField: string) => (listField === 'companyId' ? 'company' : listField);

/** Contact fields that need a column of their own other than the field's name. */
const CONTACT_FIELD_KEYS: Record<string, string[]> = {
  companyId: ['company'],
  company: ['company'],
  custom: ['custom'],
  people: ['kind'],
  tags: [],
  notes: [],
  __typename: [],
};

/** What a `contacts` query reads: the row keys its items select, and whether it asks for the total. */
function contactListShape(info: GraphQLResolveInfo): { keys: Set<string>; count: boolean } {
  const top = new Map<string, FieldNode[]>();
  for (const node of info.fieldNodes) selectedFields(node.selectionSet, info.fragments, top);
  const items = new Map<string, FieldNode[]>();
  for (const node of top.get('items') ?? []) selectedFields(node.selectionSet, info.fragments, items);
  const keys = new Set<string>(['id']);
  for (const name of items.keys()) {
    const need = CONTACT_FIELD_KEYS[name] ?? (CONTACT_LIST_FIELDS.has(name) ? [name] : null);
    // A field this file does not know (another addon's): its resolver may read any column.
    if (!need) return { keys: new Set([...CONTACT_LIST_FIELDS.keys()].map(modelKey)), count: top.has('totalCount') };
    for (const k of need) keys.add(k);
  }
  return { keys, count: top.has('totalCount') };
}

export function contactsGraphql(b: GraphQLBuilder, types: CrmTypes): void {
  const { Contact, ContactPage, Note } = types;

  const ContactKind = b.enumType('ContactKind', { values: CONTACT_KINDS });

  const ContactFilter = b.inputType('ContactFilter', {
    fields: (t) => ({
      q: t.string({ description: 'Full-text search, prefix-matched' }),
      kind: t.field({ type: ContactKind }),
      companyId: t.id(),
      tagIds: t.idList({ description: 'Contacts carrying all of these tags' }),
      ownerId: t.id(),
      source: t.string(),
      city: t.string(),
      country: t.string(),
      email: t.string(),
      createdAfter: t.field({ type: 'DateTime' }),
      createdBefore: t.field({ type: 'DateTime' }),
      custom: t.field({
        type: ['CustomFieldFilter' as never],
        description: 'Filters on custom fields (all must match)',
      }),
    }),
  });

  // Create and update take the same fields; in an update, null clears a field.
  const contactFields = (name: string, description: string) =>
    b.inputType(name, {
      description,
      fields: (t) => ({
        kind: t.field({ type: ContactKind }),
        name: t.string(),
        firstName: t.string(),
        lastName: t.string(),
        email: t.string(),
        phone: t.string(),
        jobTitle: t.string(),
        companyId: t.id({ description: "A person's company (a contact of kind company)" }),
        website: t.string(),
        street: t.string(),
        city: t.string(),
        postalCode: t.string(),
        country: t.string({ description: 'ISO 3166 two-letter code' }),
        source: t.string(),
        ownerId: t.id(),
        tagIds: t.idList({ description: 'Replaces the tag set' }),
        custom: t.field({ type: 'JSON', description: 'Custom-field values by key; null clears one' }),
      }),
    });
  const CreateContactInput = contactFields(
    'CreateContactInput',
    'A new person (name defaults to "first last") or company',
  );
  const UpdateContactInput = contactFields('UpdateContactInput', 'Fields to change; null clears a field');

  b.objectFields(Contact, (t) => ({
    company: t.field({
      type: Contact,
      nullable: true,
      description: "A person's company, when the caller can see it",
      resolve: (c, _a, ctx) => (c.company ? visibleContact(ctx, c.company) : null),
    }),
    people: t.field({
      type: [Contact],
      description: "A company's people the caller can see",
      resolve: (c, _a, ctx) => (c.kind === 'company' ? peopleOfCompany(ctx, c.id) : []),
    }),
    // `Tag` is the type of crm's tag resource (tags.service.ts): named, as the resource builds it.
    tags: t.field({ type: ['Tag' as never], resolve: (c, _a, ctx) => tagsOfContact(ctx, c.id) as never }),
    notes: t.field({
      type: [Note],
      resolve: (c, _a, ctx) => {
        ctx.require('crm.activity.read');
        return notesOfContact(ctx, c.id);
      },
    }),
  }));

  b.queryField('contacts', (t) =>
    t.field({
      type: ContactPage,
      args: {
        filter: t.arg({ type: ContactFilter }),
        sort: t.arg.string({ description: 'name, createdAt, updatedAt, city, email; "-" prefix for descending' }),
        limit: t.arg.int({ defaultValue: 50 }),
        offset: t.arg.int({ defaultValue: 0 }),
      },
      resolve: async (_r, args, ctx, info) => {
        ctx.require('crm.contact.read');
        const limit = args.limit ?? 50;
        const offset = args.offset ?? 0;
        if (limit < 1 || limit > 200 || offset < 0) {
          throw new ValidationError('Invalid page', [
            ...(limit < 1 || limit > 200 ? [{ path: 'limit', message: 'must be between 1 and 200' }] : []),
            ...(offset < 0 ? [{ path: 'offset', message: 'must be at least 0' }] : []),
          ]);
        }
        const filter = checkContactFilter(given(args.filter) as ListFilter);
        const shape = contactListShape(info);
        const { rows, total } = await listContactColumns(
          ctx,
          { filter, ...(args.sort ? { sort: args.sort } : {}), limit, offset },
          shape.keys,
          shape.count,
        );
        // Only the selected fields are read; totalCount is null only when it was not selected.
        return { items: rows as ContactRow[], totalCount: total ?? 0 };
      },
    }),
  );

  b.queryField('contact', (t) =>
    t.field({
      type: Contact,
      nullable: true,
      description: 'A contact, or null when it does not exist or the caller may not see it',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, args, ctx) => getContact(ctx, args.id),
    }),
  );

  b.mutationField('createContact', (t) =>
    t.field({
      type: Contact,
      args: { input: t.arg({ type: CreateContactInput, required: true }) },
      resolve: (_r, args, ctx) => createContact(ctx, given(args.input) as ContactInput),
    }),
  );

  b.mutationField('updateContact', (t) =>
    t.field({
      type: Contact,
      args: {
        id: t.arg.id({ required: true }),
        input: t.arg({ type: UpdateContactInput, required: true }),
        expectedUpdatedAt: t.arg({ type: 'DateTime', description: EXPECTED_UPDATED_AT_DOC }),
      },
      // Nulls are kept here: they clear fields.
      resolve: (_r, args, ctx) =>
        updateContact(ctx, args.id, args.input as ContactInput, argPrecondition(args.expectedUpdatedAt)),
    }),
  );

  b.mutationField('deleteContact', (t) =>
    t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, args, ctx) => {
        await deleteContact(ctx, args.id);
        return true;
      },
    }),
  );

  b.mutationField('setContactTags', (t) =>
    t.field({
      type: Contact,
      args: { id: t.arg.id({ required: true }), tagIds: t.arg.idList({ required: true }) },
      resolve: (_r, args, ctx) => setContactTags(ctx, args.id, args.tagIds),
    }),
  );

  b.mutationField('addNote', (t) =>
    t.field({
      type: Note,
      description: 'A note on exactly one of a contact, a lead or an opportunity',
      args: {
        body: t.arg.string({ required: true }),
        contactId: t.arg.id(),
        leadId: t.arg.id(),
        opportunityId: t.arg.id(),
      },
      resolve: (_r, args, ctx) => createNote(ctx, args),
    }),
  );

  b.mutationField('deleteNote', (t) =>
    t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, args, ctx) => {
        await deleteNote(ctx, args.id);
        return true;
      },
    }),
  );
}
