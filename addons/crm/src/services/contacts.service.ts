import {
  type ErrorDetail,
  type FieldDef,
  NotFoundError,
  type Patch,
  type RequestContext,
  ValidationError,
} from '@elevate/sdk';
import { crmErrors } from '../errors.ts';
import { ContactCreated, ContactDeleted, ContactUpdated } from '../events.ts';
import type { ContactRow, TagRow } from '../graphql/types.graphql.ts';
import { CONTACT_KINDS, Contact } from '../models/contact.model.ts';
import { listContactViews } from './contact-views.service.ts';
import type { ListFilter, ListOptions } from './list-query.ts';
import { checkUnchanged, type EditPrecondition } from './precondition.ts';
import { isUuid, replaceTags, tagsOfContacts } from './tags.service.ts';

export type ContactKind = (typeof CONTACT_KINDS)[number];

/**
 * A contact's own fields as people type them, in form order: the one list behind the text
 * fields written here, the CSV import's mappable fields and the fields a merge fills.
 */
export const CONTACT_FIELDS = [
  'name',
  'firstName',
  'lastName',
  'email',
  'phone',
  'jobTitle',
  'company',
  'website',
  'street',
  'city',
  'postalCode',
  'country',
  'source',
] as const;
const TEXT_FIELDS = CONTACT_FIELDS.filter(
  (k): k is Exclude<(typeof CONTACT_FIELDS)[number], 'company'> => k !== 'company',
);
type TextField = (typeof TEXT_FIELDS)[number];

/** Writable contact fields. `null` clears a field; a missing key leaves it as it is. */
export type ContactInput = { [K in TextField]?: string | null } & {
  kind?: ContactKind | null;
  companyId?: string | null;
  ownerId?: string | null;
  tagIds?: readonly string[] | null;
  /** Custom-field values by key (validated against the tenant's definitions). */
  custom?: Record<string, unknown> | null;
};

/** A contact as lists and REST return it: its company and tags embedded. */
export type ContactView = Omit<ContactRow, 'company'> & {
  companyId: string | null;
  company: { id: string; name: string } | null;
  tags: { id: string; name: string; color: string | null }[];
  /** The custom-field values the caller may see. */
  custom: Record<string, unknown>;
};

type ContactPatch = { -readonly [K in keyof Patch<typeof Contact>]: Patch<typeof Contact>[K] };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const invalid = (details: ErrorDetail[]) => new ValidationError('Invalid contact', details);

/** Checks and normalises input (trimmed strings, empty → null), reporting every problem at once. */
export function cleanContactInput(input: ContactInput): ContactInput {
  const details: ErrorDetail[] = [];
  const out: ContactInput = {};
  for (const key of TEXT_FIELDS) {
    const v: unknown = input[key];
    if (v === undefined) continue;
    if (v !== null && typeof v !== 'string') {
      details.push({ path: key, message: 'must be a string' });
      continue;
    }
    const s = v?.trim() || null;
    const max = (Contact.fields[key] as FieldDef).max ?? 255;
    if (s && s.length > max) details.push({ path: key, message: `must be at most ${max} characters` });
    else if (s && key === 'email' && !EMAIL.test(s)) details.push({ path: key, message: 'must be an email address' });
    else if (s && key === 'country' && !/^[A-Za-z]{2}$/.test(s))
      details.push({ path: key, message: 'must be a two-letter country code' });
    else out[key] = key === 'country' && s ? s.toUpperCase() : s;
  }
  if (input.kind !== undefined) {
    if (input.kind === null || !CONTACT_KINDS.includes(input.kind)) {
      details.push({ path: 'kind', message: `must be one of ${CONTACT_KINDS.join(', ')}` });
    } else out.kind = input.kind;
  }
  for (const key of ['companyId', 'ownerId'] as const) {
    const v = input[key];
    if (v === undefined) continue;
    if (v !== null && !isUuid(v)) details.push({ path: key, message: 'must be an id' });
    else out[key] = v;
  }
  if (input.tagIds !== undefined) out.tagIds = input.tagIds ?? [];
  if (input.custom !== undefined) out.custom = input.custom;
  if (details.length) throw invalid(details);
  return out;
}

/** A person's default name: "first last". */
export function personName(first: string | null | undefined, last: string | null | undefined): string | null {
  return [first, last].filter(Boolean).join(' ') || null;
}

/** A person's company must be a company the caller can see; companies belong to no company. */
async function checkCompany(ctx: RequestContext, kind: ContactKind, companyId: string | null): Promise<void> {
  if (!companyId) return;
  if (kind === 'company') throw invalid([{ path: 'companyId', message: 'a company cannot belong to a company' }]);
  const company = await (await ctx.scoped(Contact, 'crm.contact.read')).get(companyId);
  if (company?.kind !== 'company') throw invalid([{ path: 'companyId', message: 'must be a company you can see' }]);
}

/** An owner that is not a user of the tenant fails the foreign key: report it as bad input. */
function foreignKey(err: unknown): never {
  const e = err as { code?: string; constraint?: string };
  if (e.code === '23503' && e.constraint?.includes('owner'))
    throw invalid([{ path: 'ownerId', message: 'no such user' }]);
  throw err;
}

function textPatch(data: ContactInput): ContactPatch {
  const patch: ContactPatch = {};
  // A null name is resolved by the caller (default name or an error).
  for (const key of TEXT_FIELDS) {
    const v = data[key];
    if (v !== undefined && !(key === 'name' && v === null)) (patch as Record<string, unknown>)[key] = v;
  }
  if (data.ownerId !== undefined) patch.ownerId = data.ownerId;
  return patch;
}

export async function createContact(ctx: RequestContext, input: ContactInput): Promise<ContactRow> {
  const repo = await ctx.scoped(Contact, 'crm.contact.write');
  const data = cleanContactInput(input);
  const kind = data.kind ?? 'person';
  const name = data.name ?? (kind === 'person' ? personName(data.firstName, data.lastName) : null);
  if (!name) {
    throw invalid([
      { path: 'name', message: kind === 'person' ? 'is required (or give firstName or lastName)' : 'is required' },
    ]);
  }
  await checkCompany(ctx, kind, data.companyId ?? null);
  const custom = await ctx.customFields.prepare(Contact, data.custom ?? undefined, null);
  const row = await repo
    .insert({ ...textPatch(data), kind, name, company: data.companyId ?? null, custom })
    .catch(foreignKey);
  if (data.tagIds?.length) await replaceTags(ctx, row.id, data.tagIds);
  await ctx.events.publish(ContactCreated, row.id, { id: row.id, title: row.name, ownerId: row.ownerId });
  return row;
}

/** Field names (as the API spells them) whose value differs. */
function changedFields(before: ContactRow, after: ContactRow): string[] {
  const keys = [...Object.keys(Contact.fields), 'ownerId'] as (keyof ContactRow)[];
  return keys.filter((k) => before[k] !== after[k]).map((k) => (k === 'company' ? 'companyId' : k));
}

export async function updateContact(
  ctx: RequestContext,
  id: string,
  input: ContactInput,
  pre?: EditPrecondition,
): Promise<ContactRow> {
  const repo = await ctx.scoped(Contact, 'crm.contact.write');
  const before = await repo.get(id);
  if (!before) throw new NotFoundError('Contact');
  await checkUnchanged(ctx, 'contact', id, before.name, pre);
  const data = cleanContactInput(input);
  const kind = data.kind ?? before.kind;
  const patch = textPatch(data);
  // A person's name follows first/last name while it is the default one; null resets it.
  if (
    data.name === null ||
    (data.name === undefined && before.name === personName(before.firstName, before.lastName))
  ) {
    const pick = (k: 'firstName' | 'lastName') => (data[k] !== undefined ? data[k] : before[k]);
    const name = kind === 'person' ? personName(pick('firstName'), pick('lastName')) : null;
    if (name) patch.name = name;
    else if (data.name === null) throw invalid([{ path: 'name', message: 'is required' }]);
  }
  if (kind !== before.kind) {
    patch.kind = kind;
    if (kind === 'person' && (await ctx.db.repo(Contact).count({ company: id })) > 0)
      throw crmErrors.companyHasPeople();
  }
  const companyId = data.companyId !== undefined ? data.companyId : before.company;
  if (data.companyId !== undefined || kind !== before.kind) await checkCompany(ctx, kind, companyId);
  if (data.companyId !== undefined) patch.company = data.companyId;
  let customChanged = false;
  if (data.custom !== undefined && data.custom !== null) {
    const stored = (await ctx.customFields.stored(Contact, [id])).get(id) ?? {};
    const custom = await ctx.customFields.prepare(Contact, data.custom, stored);
    customChanged = JSON.stringify(custom) !== JSON.stringify(stored);
    patch.custom = custom;
  }
  const after = await repo.update(id, patch).catch(foreignKey);
  if (!after) throw new NotFoundError('Contact');
  const changes = changedFields(before, after);
  if (customChanged) changes.push('custom');
  if (data.tagIds !== undefined && data.tagIds !== null && (await replaceTags(ctx, id, data.tagIds))) {
    changes.push('tags');
  }
  if (changes.length) {
    await ctx.events.publish(ContactUpdated, id, { id, title: after.name, ownerId: after.ownerId, changes });
  }
  return after;
}

export async function deleteContact(ctx: RequestContext, id: string): Promise<void> {
  const repo = await ctx.scoped(Contact, 'crm.contact.delete');
  // Read first: the event names what went (other sessions drop it from their lists).
  const row = await repo.get(id);
  if (!row || !(await repo.delete(id))) throw new NotFoundError('Contact');
  await ctx.events.publish(ContactDeleted, id, { id, title: row.name, ownerId: row.ownerId });
}

/** A contact the caller may see, or null. */
export async function getContact(ctx: RequestContext, id: string): Promise<ContactRow | null> {
  return (await ctx.scoped(Contact, 'crm.contact.read')).get(id);
}

export async function requireContact(ctx: RequestContext, id: string): Promise<ContactRow> {
  const row = await getContact(ctx, id);
  if (!row) throw new NotFoundError('Contact');
  return row;
}

/** Contacts by id under record rules, batched per request (GraphQL `Contact.company`, `contact(id)`). */
export function visibleContact(ctx: RequestContext, id: string): Promise<ContactRow | null> {
  return ctx
    .loader<string, ContactRow | null>('crm.contact.visible', async (ids) =>
      (await ctx.scoped(Contact, 'crm.contact.read')).getMany(ids),
    )
    .load(id);
}

/** A company's people under record rules, batched per request (GraphQL `Contact.people`). */
export function peopleOfCompany(ctx: RequestContext, companyId: string): Promise<ContactRow[]> {
  return ctx
    .loader<string, ContactRow[]>('crm.contact.people', async (ids) => {
      const rows = await (await ctx.scoped(Contact, 'crm.contact.read')).find({
        where: { company: { in: ids } },
        orderBy: [{ field: 'name' }],
      });
      const byCompany = new Map<string, ContactRow[]>(ids.map((id) => [id, []]));
      for (const row of rows) if (row.company) byCompany.get(row.company)?.push(row);
      return ids.map((id) => byCompany.get(id) ?? []);
    })
    .load(companyId);
}

// The repository's select list: columns aliased to the row's camelCase keys.

/**
 * A page with only the given row keys (`id` always) and the total only when asked: the
 * GraphQL list reads what the query selects, no more (no unused columns, no timestamps parsed
 * for nothing, no count nobody reads).
 */
export async function listContactColumns(
  ctx: RequestContext,
  opts: ListOptions,
  keys: ReadonlySet<string>,
  count: boolean,
): Promise<{ rows: Partial<ContactRow>[]; total: number | null }> {
  const fields = [...keys].map((k) => (k === 'company' ? 'companyId' : k));
  const { rows, total } = await listContactViews(ctx, opts, { fields, count });
  // The GraphQL type reads the reference as the model names it (`company`).
  const out = keys.has('company')
    ? rows.map(({ companyId, ...r }) => ({ ...r, company: companyId ?? null }) as Partial<ContactRow>)
    : (rows as Partial<ContactRow>[]);
  return { rows: out, total };
}

/** The people of a company the caller can see (404 when it is not a visible company). */
export async function listPeople(ctx: RequestContext, companyId: string, opts: Omit<ListOptions, 'filter'>) {
  const company = await getContact(ctx, companyId);
  if (company?.kind !== 'company') throw new NotFoundError('Company');
  const { rows, total } = await listContactViews(
    ctx,
    { ...opts, filter: { companyId } },
    { include: ['company', 'tags'], count: true },
  );
  return { rows: rows as ContactView[], total: total ?? 0 };
}

/** Embeds company and tags: two statements for any number of rows. */
export async function withRelations(
  ctx: RequestContext,
  rows: readonly ContactRow[],
  opts: { knownUntagged?: boolean } = {},
): Promise<ContactView[]> {
  if (rows.length === 0) return [];
  const companyIds = [...new Set(rows.map((r) => r.company).filter((id): id is string => id !== null))];
  // One after the other: both run on the request's single connection anyway.
  const companies = companyIds.length ? await (await ctx.scoped(Contact, 'crm.contact.read')).getMany(companyIds) : [];
  // A contact just created without tags has none: no need to ask.
  const tags = opts.knownUntagged
    ? rows.map(() => [])
    : await tagsOfContacts(
        ctx,
        rows.map((r) => r.id),
      );
  const byId = new Map(companies.filter((c) => c !== null).map((c) => [c.id, c]));
  const custom = await ctx.customFields.values(
    Contact,
    rows.map((r) => r.id),
  );
  return rows.map(({ company, ...row }, i) => {
    const c = company ? byId.get(company) : undefined;
    return {
      ...row,
      companyId: company,
      company: c ? { id: c.id, name: c.name } : null,
      tags: (tags[i] ?? []).map((t: TagRow) => ({ id: t.id, name: t.name, color: t.color })),
      custom: custom.get(row.id) ?? {},
    };
  });
}

const UUID_KEYS = ['companyId', 'ownerId'] as const;
/** Checks a filter that did not come through a JSON schema (GraphQL): ids must be ids. */
export function checkContactFilter(filter: ListFilter, path = 'filter'): ListFilter {
  const details: ErrorDetail[] = [];
  for (const key of UUID_KEYS) {
    const v = filter[key];
    if (v !== undefined && !isUuid(v)) details.push({ path: `${path}.${key}`, message: 'must be an id' });
  }
  filter.tagIds?.forEach((id, i) => {
    if (!isUuid(id)) details.push({ path: `${path}.tagIds.${i}`, message: 'must be an id' });
  });
  for (const key of ['createdAfter', 'createdBefore'] as const) {
    const v = filter[key];
    if (v !== undefined && Number.isNaN(Date.parse(v)))
      details.push({ path: `${path}.${key}`, message: 'must be a date-time' });
  }
  if (details.length) throw new ValidationError('Invalid filter', details);
  return filter;
}
