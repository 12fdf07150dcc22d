import { type AnyModel, entitySchemaOf, NotFoundError, type RequestContext } from '@elevate/sdk';
import { crmErrors } from '../errors.ts';
import { ContactDeleted, ContactUpdated } from '../events.ts';
import type { ContactRow } from '../graphql/types.graphql.ts';
import { Activity, Note } from '../models/activity.model.ts';
import { Contact } from '../models/contact.model.ts';
import { Lead } from '../models/lead.model.ts';
import { Opportunity } from '../models/opportunity.model.ts';
import { ContactTag } from '../models/tag.model.ts';
import {
  CONTACT_FIELDS,
  type ContactInput,
  type ContactKind,
  cleanContactInput,
  personName,
} from './contacts.service.ts';

export type DuplicateReason = 'same_email' | 'similar_name';

export interface Duplicate {
  contact: ContactRow;
  reason: DuplicateReason;
  /** 1 for the same email, else the name similarity (0.6–1). */
  score: number;
}

export interface DuplicatePair extends Duplicate {
  duplicate: ContactRow;
}

/** Names at least this similar (pg_trgm) at the same company are duplicates. */
export const NAME_SIMILARITY = 0.6;

// Candidates for one contact: `$1` tenant, `$2` its id (null for one not saved yet), `$3` kind,
// `$4` email, `$5` name, `$6` company id, `$7` owner ids or null. One pass over the tenant's
// contacts: under forced row-level security the trigram index cannot serve similarity (not a
// leakproof operator).
const FOR_CONTACT = `select id, case when same_email then 'same_email' else 'similar_name' end as reason,
    case when same_email then 1 else similarity(lower(name), lower($5)) end::float8 as score
  from (select c.*, coalesce(nullif($4, '') is not null and lower(c.email) = lower($4), false) as same_email
        from crm_contact c
        where c.tenant_id = $1 and ($2::uuid is null or c.id <> $2::uuid) and c.kind = $3
          and ($7::uuid[] is null or c.owner_id = any($7::uuid[]))) t
  where same_email
    or (nullif($5, '') is not null and similarity(lower(name), lower($5)) > ${NAME_SIMILARITY}
        and company_id is not distinct from $6::uuid)
  order by score desc, name, id limit 50`;

/** What duplicates are looked for by: a stored contact, or one about to be saved (id null). */
export interface DuplicateProbe {
  id: string | null;
  kind: ContactKind;
  email: string | null;
  name: string | null;
  company: string | null;
}

/** Contacts the caller sees (tenant, record rules of `crm.contact.read`) that look like the probe. */
async function findDuplicates(ctx: RequestContext, probe: DuplicateProbe): Promise<Duplicate[]> {
  if (!probe.email && !probe.name) return [];
  const owners = await ctx.ownerIds('crm.contact.read');
  // Raw SQL, kept: pg_trgm similarity() ranks and filters in the database (no ORM operator);
  // the record rule is `owners` ($7). Not benchmarked.
  const rows = await ctx.db.query<{ id: string; reason: DuplicateReason; score: number }>(FOR_CONTACT, [
    ctx.tenant.id,
    probe.id,
    probe.kind,
    probe.email ?? '',
    probe.name ?? '',
    probe.company,
    owners,
  ]);
  const found = await ctx.db.repo(Contact).getMany(rows.map((r) => r.id));
  return rows.flatMap((r, i) => {
    const c = found[i];
    return c ? [{ contact: c, reason: r.reason, score: r.score }] : [];
  });
}

/** Contacts that look like duplicates of one the caller sees, best match first. */
export async function duplicatesOf(ctx: RequestContext, id: string): Promise<Duplicate[]> {
  const contact = await (await ctx.scoped(Contact, 'crm.contact.read')).get(id);
  if (!contact) throw new NotFoundError('Contact');
  return findDuplicates(ctx, { ...contact, id: contact.id });
}

/**
 * Contacts the caller sees that look like a contact not saved yet (the new-contact form warns
 * before saving): the same email, or a similar name at the same company. Input is checked as
 * for a create, so bad fields are a 400 naming them.
 */
export async function duplicatesOfInput(ctx: RequestContext, input: ContactInput): Promise<Duplicate[]> {
  const data = cleanContactInput(input);
  const kind = data.kind ?? 'person';
  const name = data.name ?? (kind === 'person' ? personName(data.firstName, data.lastName) : null);
  return findDuplicates(ctx, {
    id: null,
    kind,
    email: data.email ?? null,
    name,
    company: kind === 'person' ? (data.companyId ?? null) : null,
  });
}

// Pairs across the tenant (`$1` tenant, `$2` owner ids or null), each pair once (a < b).
// Under forced row-level security the trigram index cannot serve `%` (the operator is not
// leakproof), and comparing every name with every other is quadratic. So names are compared
// only within blocks of the same kind and company that share the beginnings (three letters) of
// two of their first four words of 3+ letters, in any order ("Ada Lovelace" and "Lovelace,
// Ada"), or of their one word. Names that similar practically always share such a block.
const PAIRS = `with visible as (
    select id, kind, lower(name) as name, lower(nullif(email, '')) as email,
      coalesce(company_id, '00000000-0000-0000-0000-000000000000') as company
    from crm_contact where tenant_id = $1 and ($2::uuid[] is null or owner_id = any($2::uuid[]))
  ), words as materialized (
    select v.id, v.kind, v.company, array(
      select left(w, 3) from regexp_split_to_table(v.name, '[^[:alnum:]]+') with ordinality s(w, n)
      where length(w) >= 3 order by n limit 4) as p
    from visible v
  ), blocks as (
    select distinct w.id, w.kind, w.company,
      case when cardinality(w.p) = 1 then w.p[1] else least(a.x, b.x) || '|' || greatest(a.x, b.x) end as k
    from words w
    cross join lateral unnest(w.p) with ordinality a(x, i)
    cross join lateral unnest(w.p) with ordinality b(x, j)
    where a.i < b.j or cardinality(w.p) = 1
  ), candidates as (
    select distinct a.id as a, b.id as b from blocks a
    join blocks b on b.k = a.k and b.kind = a.kind and b.company = a.company and a.id < b.id
  ), pairs as (
    select a.id as a, b.id as b, 'same_email' as reason, 1::float8 as score
    from visible a join visible b on b.email = a.email and b.kind = a.kind and a.id < b.id
    union all
    select x.id, y.id, 'similar_name', similarity(x.name, y.name)::float8
    from candidates c join visible x on x.id = c.a join visible y on y.id = c.b
    where similarity(x.name, y.name) > ${NAME_SIMILARITY}
  )
  select distinct on (a, b) a, b, reason, score from pairs order by a, b, score desc, reason`;

/** Likely duplicate pairs among the contacts the caller sees, best first, at most `limit`. */
export async function duplicatePairs(ctx: RequestContext, limit: number): Promise<DuplicatePair[]> {
  const owners = await ctx.ownerIds('crm.contact.read');
  // Raw SQL, kept: a self-join of the tenant's contacts by trigram similarity (see FOR_CONTACT);
  // the record rule is `owners` ($2). Not benchmarked.
  const rows = await ctx.db.query<{ a: string; b: string; reason: DuplicateReason; score: number }>(
    `select * from (${PAIRS}) x order by score desc, a, b limit $3`,
    [ctx.tenant.id, owners, limit],
  );
  const ids = [...new Set(rows.flatMap((r) => [r.a, r.b]))];
  const contacts = new Map((await ctx.db.repo(Contact).getMany(ids)).flatMap((c) => (c ? [[c.id, c] as const] : [])));
  return rows.flatMap((r) => {
    const a = contacts.get(r.a);
    const b = contacts.get(r.b);
    return a && b ? [{ contact: a, duplicate: b, reason: r.reason, score: r.score }] : [];
  });
}

/** Fields of the survivor that the duplicate fills when they are empty. */
const FILLABLE = CONTACT_FIELDS.filter(
  (k): k is Exclude<(typeof CONTACT_FIELDS)[number], 'name'> => k !== 'name',
) satisfies readonly (keyof ContactRow)[];

/** Fields a merge may take from the duplicate (`take`). */
export const MERGE_FIELDS = CONTACT_FIELDS;
export type MergeField = (typeof MERGE_FIELDS)[number];

const isEmpty = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/**
 * Merges a duplicate into a surviving contact, in the request's transaction: its activities,
 * notes, tags (without doubles), leads, opportunities and the people of a duplicate company
 * move to the survivor, the survivor's empty fields are filled from it, and it is deleted.
 * Both must be within the caller's merge scope. `take`: fields whose value comes from the
 * duplicate even where the survivor has one (the side-by-side merge's choices).
 */
export async function mergeContacts(
  ctx: RequestContext,
  survivorId: string,
  duplicateId: string,
  take: readonly MergeField[] = [],
): Promise<ContactRow> {
  if (survivorId === duplicateId) throw crmErrors.mergeSelf();
  const contacts = await ctx.scoped(Contact, 'crm.contact.merge');
  const [survivor, dup] = await contacts.getMany([survivorId, duplicateId]);
  if (!survivor) throw new NotFoundError('Contact');
  if (!dup) throw new NotFoundError('Duplicate contact');
  if (survivor.kind !== dup.kind) throw crmErrors.mergeKindMismatch();

  const t = ctx.tenant.id;
  const ContactEntity = entitySchemaOf(Contact);
  const to = ctx.em.getReference(ContactEntity, [t, survivor.id]);
  const from = [t, dup.id];
  // Everything moves, whoever owns it: the record rules were checked on the two contacts.
  const all = { filters: { records: false } } as const;
  const move = (model: AnyModel, field: string) =>
    ctx.em.nativeUpdate(entitySchemaOf(model), { [field]: from }, { [field]: to }, all);
  await move(Activity, 'contact');
  await move(Note, 'contact');
  await move(Lead, 'contact');
  await move(Opportunity, 'contact');
  // People of a duplicate company; a survivor that belonged to it belongs to no company.
  await ctx.em.nativeUpdate(ContactEntity, { id: survivor.id, company: from }, { company: null }, all);
  await move(Contact, 'company');
  // Tags the survivor lacks move over; the rest go with the duplicate (cascade).
  const ContactTagEntity = entitySchemaOf(ContactTag);
  const kept = await ctx.em.find(ContactTagEntity, { contact: [t, survivor.id] }, { disableIdentityMap: true });
  await ctx.em.nativeUpdate(
    ContactTagEntity,
    { contact: from, ...(kept.length ? { tag: { $nin: kept.map((k) => k.tag) } } : {}) },
    { contact: to },
  );

  const patch: Partial<Record<(typeof FILLABLE)[number], string | null>> = {};
  for (const key of FILLABLE) {
    if (take.includes(key) || (isEmpty(survivor[key]) && !isEmpty(dup[key]))) patch[key] = dup[key];
  }
  // A name is never emptied: taking a blank one keeps the survivor's.
  const named: { name?: string } = take.includes('name') && !isEmpty(dup.name) ? { name: dup.name } : {};
  // The survivor never becomes its own company (the duplicate's company may be the survivor).
  if (patch.company === survivor.id) delete patch.company;
  // Comments go with a deleted record: the survivor takes the duplicate's first.
  await ctx.comments.move(Contact, dup.id, survivor.id);
  try {
    await ctx.db.repo(Contact).delete(dup.id);
  } catch (err) {
    // Another addon's row still references the duplicate (a restrict foreign key).
    if ((err as { code?: string }).code === '23503') throw crmErrors.contactReferenced();
    throw err;
  }
  const row = (await ctx.db.repo(Contact).update(survivor.id, { ...patch, ...named })) ?? survivor;
  await ctx.events.publish(ContactUpdated, row.id, {
    id: row.id,
    title: row.name,
    ownerId: row.ownerId,
    changes: [...Object.keys({ ...patch, ...named }), 'mergedFrom'],
  });
  // The merged duplicate is gone: lists elsewhere drop it.
  await ctx.events.publish(ContactDeleted, dup.id, { id: dup.id, title: dup.name, ownerId: dup.ownerId });
  return row;
}
