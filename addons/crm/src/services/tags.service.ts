import {
  defineResource,
  type EntityRow,
  type ErrorDetail,
  entitySchemaOf,
  NotFoundError,
  type RequestContext,
  rowOf,
  ValidationError,
} from '@elevate/sdk';
import { crmErrors } from '../errors.ts';
import { ContactUpdated } from '../events.ts';
import type { TagRow } from '../graphql/types.graphql.ts';
import { Contact } from '../models/contact.model.ts';
import { ContactTag, Tag } from '../models/tag.model.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

const TagEntity = entitySchemaOf(Tag);
const ContactTagEntity = entitySchemaOf(ContactTag);
/** A MikroORM condition: equal to `value`, ignoring case (ILIKE with the pattern characters escaped). */
export const sameText = (value: string) => ({ $ilike: value.replace(/[\\%_]/g, (c) => `\\${c}`) });

/**
 * Tag names are unique per tenant, ignoring case (409 CRM_TAG_NAME_TAKEN). A concurrent insert
 * of the same name can still pass this check; the unique key then answers 409 ALREADY_EXISTS.
 */
async function assertNameFree(ctx: RequestContext, name: string, exceptId: string | null): Promise<void> {
  const taken = await ctx.em.count(TagEntity, {
    name: sameText(name),
    ...(exceptId ? { id: { $ne: exceptId } } : {}),
  });
  if (taken > 0) throw crmErrors.tagNameTaken(name);
}

/** Names are trimmed (blank is no name), an empty colour is none, and the name must be free. */
async function cleanTag(
  ctx: RequestContext,
  input: Record<string, unknown>,
  existing: TagRow | null,
): Promise<Record<string, unknown>> {
  const out = { ...input };
  if (typeof input.name === 'string') {
    const name = input.name.trim();
    if (!name) throw new ValidationError('Invalid tag', [{ path: 'name', message: 'is required' }]);
    out.name = name;
    await assertNameFree(ctx, name, existing?.id ?? null);
  }
  if (input.color !== undefined) out.color = typeof input.color === 'string' ? input.color.trim() || null : null;
  return out;
}

/**
 * Tags through the SDK's resource layer, as a third-party addon would offer a model: REST
 * /api/v1/crm/tags (list, get, create, update, delete) and GraphQL `tags`, `tag`, `createTag`,
 * `updateTag`, `deleteTag`. Tags are shared by the tenant: reading needs contact access,
 * writing `crm.tag.manage`; lists are by name.
 */
export const tagResource = defineResource(Tag, {
  type: 'Tag',
  filters: [],
  sort: ['name', 'createdAt'],
  search: ['name'],
  defaultSort: { field: 'name', dir: 'asc' },
  permissions: { read: 'crm.contact.read', write: 'crm.tag.manage', delete: 'crm.tag.manage' },
  hooks: { beforeWrite: cleanTag },
});

/**
 * The tags of many contacts in one statement (the batch behind lists and the GraphQL
 * `Contact.tags` loader). The caller has already limited `contactIds` to visible contacts.
 */
export async function tagsOfContacts(ctx: RequestContext, contactIds: readonly string[]): Promise<TagRow[][]> {
  const ids = [...new Set(contactIds)].filter(isUuid);
  // One statement: the pivot rows with their tags joined (populate, joined strategy), by tag name.
  const links = ids.length
    ? await ctx.em.find(
        ContactTagEntity,
        { contact: { $in: ids.map((id) => [ctx.tenant.id, id]) } },
        {
          populate: ['tag'] as never[],
          strategy: 'joined',
          orderBy: [{ tag: { name: 'asc' } }, { tag: { id: 'asc' } }],
          disableIdentityMap: true,
        },
      )
    : [];
  const rows = links.map((l) => ({
    contactId: (l.contact as { id: string }).id,
    tag: rowOf(Tag, l.tag as EntityRow) as TagRow,
  }));
  const byContact = new Map<string, TagRow[]>();
  for (const { contactId, tag } of rows) {
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
  const t = ctx.tenant.id;
  if (ids.length) {
    const found = await ctx.em.find(TagEntity, { id: { $in: ids } }, { disableIdentityMap: true });
    const known = new Set(found.map((r) => r.id));
    (tagIds as string[]).forEach((id, i) => {
      if (!known.has(id)) details.push({ path: `tagIds.${i}`, message: 'no such tag' });
    });
    if (details.length) throw new ValidationError('Invalid tags', details);
  }
  // Raw SQL, kept on purpose: the set difference in one statement that cannot race (a tag set
  // by a concurrent request is skipped by `on conflict do nothing`). Through ctx.em it is a
  // read, a delete and an insert (three round trips on every contact save that names tags), and
  // the insert-or-ignore needs the SQL driver's QueryBuilder, outside the SDK's EntityManager type.
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
    [t, contactId, ids, ctx.user.id],
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

/**
 * Merges tag `sourceId` into `intoId`: every contact carrying the source carries the target
 * instead (once), and the source tag is deleted. Tags are the tenant's, so this is about every
 * contact of the tenant, whoever owns it (crm.tag.manage). Returns the number of contacts moved.
 */
export async function mergeTag(ctx: RequestContext, sourceId: string, intoId: string): Promise<{ moved: number }> {
  ctx.require('crm.tag.manage');
  if (sourceId === intoId) {
    throw new ValidationError('A tag cannot be merged into itself', [
      { path: 'intoId', message: 'must be another tag' },
    ]);
  }
  const [source, into] = await ctx.db.repo(Tag).getMany([sourceId, intoId]);
  if (!source) throw new NotFoundError('Tag');
  if (!into) throw new ValidationError('No such tag', [{ path: 'intoId', message: 'no such tag' }]);
  // Raw SQL, kept: the tag set of every tagged contact moves in one statement, skipping contacts
  // that already carry the target (the unique key), whatever their number.
  const [res] = await ctx.db.query<{ moved: number }>(
    `with ins as (
       insert into crm_contact_tag (tenant_id, contact_id, tag_id, created_by)
       select tenant_id, contact_id, $3, $4 from crm_contact_tag where tenant_id = $1 and tag_id = $2
       on conflict do nothing
       returning 1)
     select count(*)::int as moved from ins`,
    [ctx.tenant.id, sourceId, intoId, ctx.user.id],
  );
  await ctx.db.repo(Tag).delete(sourceId);
  return { moved: res?.moved ?? 0 };
}
