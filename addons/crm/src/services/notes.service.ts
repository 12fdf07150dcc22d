import { type AnyModel, type ErrorDetail, NotFoundError, type RequestContext, ValidationError } from '@elevate/sdk';
import type { NoteRow } from '../graphql/types.graphql.ts';
import { Note } from '../models/activity.model.ts';
import { Contact } from '../models/contact.model.ts';
import { Lead } from '../models/lead.model.ts';
import { Opportunity } from '../models/opportunity.model.ts';
import { checkUnchanged, type EditPrecondition } from './precondition.ts';
import { isUuid } from './tags.service.ts';

/** What a note is written on: exactly one of the three. */
export interface NoteParent {
  contactId?: string | null;
  leadId?: string | null;
  opportunityId?: string | null;
}

type ParentKey = 'contact' | 'lead' | 'opportunity';
const PARENTS: Record<ParentKey, { model: AnyModel; permission: string; what: string }> = {
  contact: { model: Contact, permission: 'crm.contact.read', what: 'Contact' },
  lead: { model: Lead, permission: 'crm.lead.read', what: 'Lead' },
  opportunity: { model: Opportunity, permission: 'crm.opportunity.read', what: 'Opportunity' },
};

const MAX_BODY = 20_000;

function parentOf(p: NoteParent): { key: ParentKey; id: string } {
  const given = (
    [
      ['contact', p.contactId],
      ['lead', p.leadId],
      ['opportunity', p.opportunityId],
    ] as const
  ).filter(([, id]) => id !== undefined && id !== null && id !== '');
  const [first] = given;
  if (given.length !== 1 || !first) {
    throw new ValidationError('Give exactly one of contactId, leadId or opportunityId', [
      { path: 'contactId', message: 'exactly one of contactId, leadId, opportunityId is required' },
    ]);
  }
  const [key, id] = first;
  if (!isUuid(id)) throw new ValidationError('Invalid note', [{ path: `${key}Id`, message: 'must be an id' }]);
  return { key, id };
}

/** A note's parent must be visible to the caller under record rules (else 404, as if absent). */
async function assertParentVisible(ctx: RequestContext, parent: { key: ParentKey; id: string }): Promise<void> {
  const def = PARENTS[parent.key];
  if (!(await (await ctx.scoped(def.model, def.permission)).get(parent.id))) throw new NotFoundError(def.what);
}

function parentWhere(parent: { key: ParentKey; id: string }) {
  if (parent.key === 'contact') return { contact: parent.id };
  return parent.key === 'lead' ? { lead: parent.id } : { opportunity: parent.id };
}

function cleanBody(input: unknown): string {
  const body = typeof input === 'string' ? input.trim() : '';
  if (!body) throw new ValidationError('Invalid note', [{ path: 'body', message: 'is required' }]);
  if (body.length > MAX_BODY) {
    throw new ValidationError('Invalid note', [{ path: 'body', message: `must be at most ${MAX_BODY} characters` }]);
  }
  return body;
}

export async function createNote(ctx: RequestContext, input: NoteParent & { body?: string | null }): Promise<NoteRow> {
  ctx.require('crm.activity.write');
  const details: ErrorDetail[] = [];
  const body = typeof input.body === 'string' ? input.body.trim() : '';
  if (!body) details.push({ path: 'body', message: 'is required' });
  else if (body.length > MAX_BODY) details.push({ path: 'body', message: `must be at most ${MAX_BODY} characters` });
  if (details.length) throw new ValidationError('Invalid note', details);
  const parent = parentOf(input);
  await assertParentVisible(ctx, parent);
  return (await ctx.scoped(Note, 'crm.activity.write')).insert({ body, ...parentWhere(parent) });
}

/** Notes on a visible record, newest first, under the notes' own record rules. */
export async function listNotes(
  ctx: RequestContext,
  parentInput: NoteParent,
  page: { limit: number; offset: number },
): Promise<{ rows: NoteRow[]; total: number }> {
  const notes = await ctx.scoped(Note, 'crm.activity.read');
  const parent = parentOf(parentInput);
  await assertParentVisible(ctx, parent);
  return notes.page({
    where: parentWhere(parent),
    orderBy: [{ field: 'createdAt', dir: 'desc' }],
    ...page,
  });
}

/** A note the caller may write, whose parents they may all see (else 404). */
async function writableNote(ctx: RequestContext, id: string): Promise<NoteRow> {
  const note = await (await ctx.scoped(Note, 'crm.activity.write')).get(id);
  if (!note) throw new NotFoundError('Note');
  // A note may hang on several records (e.g. a converted lead and its contact): all must be visible.
  const parents = { contact: note.contact, lead: note.lead, opportunity: note.opportunity };
  for (const [key, parentId] of Object.entries(parents) as [ParentKey, string | null][]) {
    if (parentId) await assertParentVisible(ctx, { key, id: parentId });
  }
  return note;
}

/** Rewrites a note's text (the same rules as writing it); `pre`: 409 when it changed since read. */
export async function updateNote(
  ctx: RequestContext,
  id: string,
  input: { body?: unknown },
  pre?: EditPrecondition,
): Promise<NoteRow> {
  const body = cleanBody(input.body);
  const note = await writableNote(ctx, id);
  await checkUnchanged(ctx, 'note', id, note.body.length > 40 ? `${note.body.slice(0, 40)}…` : note.body, pre);
  if (note.body === body) return note;
  const row = await (await ctx.scoped(Note, 'crm.activity.write')).update(id, { body });
  if (!row) throw new NotFoundError('Note');
  return row;
}

export async function deleteNote(ctx: RequestContext, id: string): Promise<void> {
  await writableNote(ctx, id);
  await (await ctx.scoped(Note, 'crm.activity.write')).delete(id);
}

/** `Contact.notes` in GraphQL: batched per request, newest first. */
export function notesOfContact(ctx: RequestContext, contactId: string): Promise<NoteRow[]> {
  return ctx
    .loader<string, NoteRow[]>('crm.note.byContact', async (ids) => {
      const rows = await (await ctx.scoped(Note, 'crm.activity.read')).find({
        where: { contact: { in: ids } },
        orderBy: [{ field: 'createdAt', dir: 'desc' }],
      });
      const byContact = new Map<string, NoteRow[]>(ids.map((id) => [id, []]));
      for (const row of rows) if (row.contact) byContact.get(row.contact)?.push(row);
      return ids.map((id) => byContact.get(id) ?? []);
    })
    .load(contactId);
}
