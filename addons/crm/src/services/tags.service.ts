import { type ErrorDetail, NotFoundError, type RequestContext, ValidationError } from '@elevate/sdk';
import { crmErrors } from '../errors.ts';
import { ContactUpdated } from '../events.ts';
import type { TagRow } from '../graphql/types.graphql.ts';
import { Contact } from '../models/contact.model.ts';
import { Tag } from '../models/tag.model.ts';

export interface TagInput {
  name?: string | null;
  color?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** Every tag of the tenant, by name (tags are shared by the tenant; reading needs contact access). */
export async function listTags(
  ctx: RequestContext,
  page: { limit: number; offset: number } = { limit: 1000, offset: 0 },
): Promise<{ rows: TagRow[]; total: number }> {
  ctx.require('crm.contact.read');
  return ctx.db.repo(Tag).page({ orderBy: [{ field: 'name' }], ...page });
}

function cleanTag(input: TagInput, creating: boolean): { name?: string; color?: string | null } {
  const details: ErrorDetail[] = [];
  const out: { name?: string; color?: string | null } = {};
  if (input.name !== undefined || creating) {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name) details.push({ path: 'name', message: 'is required' });
    else if (name.length > 60) details.push({ path: 'name', message: 'must be at most 60 characters' });
    else out.name = name;
  }
  if (input.color !== undefined) {
    const color = input.color?.trim() || null;
    if (color && color.length > 20) details.push({ path: 'color', message: 'must be at most 20 characters' });
    else out.color = color;
  }
  if (details.length) throw new ValidationError('Invalid tag', details);
  return out;
}

/** Tag names are unique per tenant, ignoring case. */
async function assertNameFree(ctx: RequestContext, name: string, exceptId: string | null): Promise<void> {
  const rows = await ctx.db.query(
    'select 1 from crm_tag where tenant_id = $1 and lower(name) = lower($2) and ($3::uuid is null or id <> $3::uuid) limit 1',
    [ctx.tenant.id, name, exceptId],
  );
  if (rows.length) throw crmErrors.tagNameTaken(name);
}

/** A concurrent insert can still hit the unique key: report it as the same conflict. */
function uniqueViolation(err: unknown, name: string | undefined): never {
  if ((err as { code?: string }).code === '23505' && name) throw crmErrors.tagNameTaken(name);
  throw err;
}

export async function createTag(ctx: RequestContext, input: TagInput): Promise<TagRow> {
  ctx.require('crm.tag.manage');
  const data = cleanTag(input, true);
  const name = data.name as string;
  await assertNameFree(ctx, name, null);
  return ctx.db
    .repo(Tag)
    .insert({ name, color: data.color ?? null })
    .catch((err) => uniqueViolation(err, name));
}

export async function updateTag(ctx: RequestContext, id: string, input: TagInput): Promise<TagRow> {
  ctx.require('crm.tag.manage');
  const data = cleanTag(input, false);
  if (!isUuid(id)) throw new NotFoundError('Tag');
  if (data.name) await assertNameFree(ctx, data.name, id);
  const row = await ctx.db
    .repo(Tag)
    .update(id, data)
    .catch((err) => uniqueViolation(err, data.name));
  if (!row) throw new NotFoundError('Tag');
  return row;
}

export async function deleteTag(ctx: RequestContext, id: string): Promise<void> {
  ctx.require('crm.tag.manage');
  if (!(await ctx.db.repo(Tag).delete(id))) throw new NotFoundError('Tag');
}

/**
 * The tags of many contacts in one statement (the batch behind lists and the GraphQL
 * `Contact.tags` loader). The caller has already limited `contactIds` to visible contacts.
 */
export async function tagsOfContacts(ctx: RequestContext, contactIds: readonly string[]): Promise<TagRow[][]> {
  const ids = [...new Set(contactIds)].filter(isUuid);
  const rows = ids.length
    ? await ctx.db.query<TagRow & { contactId: string }>(
        `select ct.contact_id as "contactId", t.id, t.name, t.color, t.created_at as "createdAt",
                t.updated_at as "updatedAt", t.created_by as "createdBy"
           from crm_contact_tag ct
           join crm_tag t on t.tenant_id = ct.tenant_id and t.id = ct.tag_id
          where ct.tenant_id = $1 and ct.contact_id = any($2::uuid[])
          order by t.name, t.id`,
        [ctx.tenant.id, ids],
      )
    : [];
  const byContact = new Map<string, TagRow[]>();
  for (const { contactId, ...tag } of rows) {
    const list = byContact.get(contactId) ?? [];
    list.push(tag);
    byContact.set(contactId, list);
  }
  return contactIds.map((id) => byContact.get(id) ?? []);
}

/** `Contact.tags` in GraphQL: batched per request. */
export function tagsOfContact(ctx: RequestContext, contactId: string): Promise<TagRow[]> {
  return ctx.loader<string, TagRow[]>('crm.contact.tags', (ids) => tagsOfContacts(ctx, ids)).load(contactId);
}

/**
 * Replaces a contact's tag set (the contact is known to be writable by the caller).
 * Returns whether anything changed.
 */
export async function replaceTags(
  ctx: RequestContext,
  contactId: string,
  tagIds: readonly unknown[],
): Promise<boolean> {
  const details: ErrorDetail[] = [];
  tagIds.forEach((id, i) => {
    if (!isUuid(id)) details.push({ path: `tagIds.${i}`, message: 'must be a tag id' });
  });
  if (details.length) throw new ValidationError('Invalid tags', details);
  const ids = [...new Set(tagIds as string[])];
  if (ids.length) {
    const found = await ctx.db.query<{ id: string }>(
      'select id from crm_tag where tenant_id = $1 and id = any($2::uuid[])',
      [ctx.tenant.id, ids],
    );
    const known = new Set(found.map((r) => r.id));
    (tagIds as string[]).forEach((id, i) => {
      if (!known.has(id)) details.push({ path: `tagIds.${i}`, message: 'no such tag' });
    });
    if (details.length) throw new ValidationError('Invalid tags', details);
  }
  const [res] = await ctx.db.query<{ changed: number }>(
    `with del as (
       delete from crm_contact_tag
        where tenant_id = $1 and contact_id = $2 and not (tag_id = any($3::uuid[]))
        returning 1),
     ins as (
       insert into crm_contact_tag (tenant_id, contact_id, tag_id, created_by)
       select $1, $2, x, $4 from unnest($3::uuid[]) x
       on conflict do nothing
       returning 1)
     select ((select count(*) from del) + (select count(*) from ins))::int as changed`,
    [ctx.tenant.id, contactId, ids, ctx.user.id],
  );
  return (res?.changed ?? 0) > 0;
}

/** Sets exactly these tags on a contact the caller may edit; publishes ContactUpdated when it changed. */
export async function setContactTags(ctx: RequestContext, contactId: string, tagIds: readonly unknown[]) {
  const contact = await (await ctx.scoped(Contact, 'crm.contact.write')).get(contactId);
  if (!contact) throw new NotFoundError('Contact');
  if (await replaceTags(ctx, contactId, tagIds)) {
    await ctx.events.publish(ContactUpdated, contact.id, {
      id: contact.id,
      title: contact.name,
      ownerId: contact.ownerId,
      changes: ['tags'],
    });
  }
  return contact;
}
