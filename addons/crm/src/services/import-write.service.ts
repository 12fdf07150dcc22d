import { randomUUID } from 'node:crypto';
import { CustomFieldError, entitySchemaOf, type JobContext } from '@elevate/sdk';
import { raw } from '@mikro-orm/core';
import { ContactCreated } from '../events.ts';
import { Contact } from '../models/contact.model.ts';
import { ContactTag, Tag } from '../models/tag.model.ts';
import type { ImportRowError } from '../shared/import.types.ts';
import {
  type ColumnFields,
  CUSTOM_COLUMN,
  type ImportActor,
  type NumberedRow,
  TEXT_KEYS,
  type ValidRow,
  validateRow,
} from './import-rows.service.ts';

/** Lower-cased value → id: what exists in the tenant, plus what this import wrote. */
type Ids = Map<string, string>;

interface Lookups {
  emails: Ids;
  companies: Ids;
  tags: Ids;
}

const ContactEntity = entitySchemaOf(Contact);
const TagEntity = entitySchemaOf(Tag);
const ContactTagEntity = entitySchemaOf(ContactTag);

/**
 * The rows whose `column`, lower-cased, is one of `values` (the expression indexes on
 * lower(email) and lower(name) serve it), first by creation where several match.
 */
async function existing(
  ctx: JobContext,
  entity: typeof ContactEntity,
  column: 'email' | 'name',
  values: string[],
  where: Record<string, unknown> = {},
): Promise<Ids> {
  const out: Ids = new Map();
  if (!values.length) return out;
  const rows = await ctx.em.find(
    entity,
    { ...where, [raw(`lower(${column})`)]: { $in: [...new Set(values)] } },
    { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], disableIdentityMap: true },
  );
  for (const r of rows) {
    const key = String(r[column]).toLowerCase();
    if (!out.has(key)) out.set(key, r.id as string);
  }
  return out;
}

async function lookups(ctx: JobContext, actor: ImportActor, rows: readonly ValidRow[]): Promise<Lookups> {
  const owners = actor.companyOwners;
  return {
    emails: await existing(
      ctx,
      ContactEntity,
      'email',
      rows.flatMap((v) => (v.contact.email ? [v.contact.email.toLowerCase()] : [])),
    ),
    // Companies the importing user sees (their record rule, taken when the import started).
    companies: await existing(
      ctx,
      ContactEntity,
      'name',
      rows.flatMap((v) => (v.company ? [v.company.toLowerCase()] : [])),
      { kind: 'company', ...(owners ? { ownerId: { $in: [...owners] } } : {}) },
    ),
    tags: await existing(
      ctx,
      TagEntity,
      'name',
      rows.flatMap((v) => v.tags.map((t) => t.toLowerCase())),
    ),
  };
}

/**
 * The fast path: the whole chunk in a few multi-row inserts (em.insertMany) inside one
 * savepoint. Any failure rolls the savepoint back and the caller replays the chunk row by row.
 * Measured (addons/crm/bench/import.bench.ts, 10,000 rows, best of 4, loaded machine): these
 * inserts took 4,045 ms where the raw `insert ... select from unnest(...)` statements they
 * replace took 5,457-6,512 ms: no material difference, so the ORM's inserts stay.
 */
async function writeSet(ctx: JobContext, actor: ImportActor, rows: readonly ValidRow[], ids: Lookups): Promise<void> {
  const tenant = ctx.tenant.id;
  const { userId } = actor;
  // New rows name their tenant and creator themselves: insertMany runs no onCreate hooks.
  const by = { tenantId: tenant, createdBy: userId };
  const newCompanies = new Map<string, { id: string; name: string }>();
  const newTags = new Map<string, { id: string; name: string }>();
  for (const v of rows) {
    const key = v.company?.toLowerCase();
    if (v.company && key && !ids.companies.has(key) && !newCompanies.has(key)) {
      newCompanies.set(key, { id: randomUUID(), name: v.company });
    }
    for (const t of v.tags) {
      if (!ids.tags.has(t.toLowerCase()) && !newTags.has(t.toLowerCase()))
        newTags.set(t.toLowerCase(), { id: randomUUID(), name: t });
    }
  }
  const companies = [...newCompanies.values()];
  if (companies.length) {
    await ctx.em.insertMany(
      ContactEntity,
      companies.map((c) => ({ ...by, ownerId: userId, id: c.id, kind: 'company', name: c.name, source: 'import' })),
    );
  }
  const tags = [...newTags.values()];
  if (tags.length) {
    await ctx.em.insertMany(
      TagEntity,
      tags.map((t) => ({ ...by, id: t.id, name: t.name })),
    );
  }
  const companyId = (name: string | null) =>
    name ? (ids.companies.get(name.toLowerCase()) ?? newCompanies.get(name.toLowerCase())?.id ?? null) : null;
  const contactIds = rows.map(() => randomUUID());
  await ctx.em.insertMany(
    ContactEntity,
    rows.map((v, i) => {
      const o: Record<string, unknown> = { ...by, ownerId: userId, id: contactIds[i], kind: v.contact.kind };
      for (const k of TEXT_KEYS) o[k] = v.contact[k] ?? null;
      o.custom = v.custom;
      const c = companyId(v.company);
      o.company = c ? [tenant, c] : null;
      return o;
    }),
  );
  const links = rows.flatMap((v, i) =>
    v.tags.map((t) => [contactIds[i], ids.tags.get(t.toLowerCase()) ?? newTags.get(t.toLowerCase())?.id]),
  );
  if (links.length) {
    await ctx.em.insertMany(
      ContactTagEntity,
      links.map(([contact, tag]) => ({ ...by, id: randomUUID(), contact: [tenant, contact], tag: [tenant, tag] })),
    );
  }
  for (const c of companies)
    await ctx.events.publish(ContactCreated, c.id, { id: c.id, title: c.name, ownerId: userId });
  for (const [i, v] of rows.entries()) {
    const id = contactIds[i] as string;
    await ctx.events.publish(ContactCreated, id, { id, title: v.contact.name, ownerId: userId });
  }
  for (const [key, c] of newCompanies) ids.companies.set(key, c.id);
  for (const [key, t] of newTags) ids.tags.set(key, t.id);
}

/**
 * The slow path, after the fast one failed: each row in its own savepoint, so a row the
 * database refuses is rolled back whole (its new company, contact, tags and event) and reported.
 */
async function writeRows(
  ctx: JobContext,
  rows: readonly ValidRow[],
  ids: Lookups,
  errors: ImportRowError[],
): Promise<number> {
  let written = 0;
  for (const v of rows) {
    const created: [Ids, string, string][] = [];
    try {
      // Its own savepoint (a nested transaction): a refused row rolls back whole.
      await ctx.em.transactional(async () => {
        let companyId: string | null = null;
        if (v.company) {
          companyId = ids.companies.get(v.company.toLowerCase()) ?? null;
          if (!companyId) {
            const c = await ctx.db.repo(Contact).insert({ kind: 'company', name: v.company, source: 'import' });
            await ctx.events.publish(ContactCreated, c.id, { id: c.id, title: c.name, ownerId: c.ownerId });
            companyId = c.id;
            created.push([ids.companies, v.company.toLowerCase(), c.id]);
          }
        }
        const { companyId: _c, ownerId: _o, tagIds: _t, ...fields } = v.contact;
        const row = await ctx.db.repo(Contact).insert({ ...fields, company: companyId, custom: v.custom });
        for (const name of v.tags) {
          let tagId = ids.tags.get(name.toLowerCase());
          if (!tagId) {
            tagId = (await ctx.db.repo(Tag).insert({ name })).id;
            created.push([ids.tags, name.toLowerCase(), tagId]);
          }
          await ctx.db.repo(ContactTag).insert({ contact: row.id, tag: tagId });
        }
        await ctx.events.publish(ContactCreated, row.id, { id: row.id, title: row.name, ownerId: row.ownerId });
      });
    } catch (err) {
      // The refused entity would stay in the unit of work and fail every later flush of the chunk.
      ctx.em.clear();
      ctx.log.warn({ row: v.row, err: String(err) }, 'import row not saved');
      errors.push({ row: v.row, field: '', reason: `could not be saved: ${(err as Error).message}` });
      continue;
    }
    // Only rows that were written count as existing for the rows after them.
    for (const [map, key, id] of created) map.set(key, id);
    written += 1;
  }
  return written;
}

/**
 * Validates and writes one chunk of rows as contacts owned by the user who started the
 * import; a company named in a row is one that user sees, or a new one. An email that already exists in the tenant, or earlier in the file, is a
 * 'duplicate email' error and changes nothing. Either every valid row of the chunk is written
 * in a few statements, or, when the database refuses one, row by row, each in its own
 * savepoint: no row is ever half-written.
 */
export async function importChunk(
  ctx: JobContext,
  actor: ImportActor,
  rows: readonly NumberedRow[],
  cols: ColumnFields,
): Promise<{ imported: number; errors: ImportRowError[] }> {
  const errors: ImportRowError[] = [];
  const valid: ValidRow[] = [];
  const mapsCustom = cols.some((c) => c && CUSTOM_COLUMN.test(c));
  const defs = mapsCustom ? new Map((await ctx.customFields.fields(Contact)).map((d) => [d.key, d])) : new Map();
  for (const r of rows) {
    const v = validateRow(r, cols, defs);
    if (Array.isArray(v)) {
      errors.push(...v);
      continue;
    }
    // The same validation as the API (defaults, required, types), one row at a time.
    try {
      v.custom = await ctx.customFields.prepare(Contact, v.custom, null);
    } catch (err) {
      if (!(err instanceof CustomFieldError)) throw err;
      for (const d of err.details ?? []) errors.push({ row: v.row, field: d.path ?? 'custom', reason: d.message });
      continue;
    }
    valid.push(v);
  }
  const ids = await lookups(ctx, actor, valid);
  const unique: ValidRow[] = [];
  for (const v of valid) {
    const email = v.contact.email?.toLowerCase();
    if (email && ids.emails.has(email)) {
      errors.push({ row: v.row, field: 'email', reason: 'duplicate email: a contact with this email already exists' });
      continue;
    }
    if (email) ids.emails.set(email, '');
    unique.push(v);
  }
  let imported = unique.length;
  if (unique.length) {
    try {
      await ctx.em.transactional(() => writeSet(ctx, actor, unique, ids));
    } catch (err) {
      ctx.log.info({ err: String(err) }, 'import chunk refused as a whole; writing it row by row');
      imported = await writeRows(ctx, unique, ids, errors);
    }
  }
  return { imported, errors: errors.sort((a, b) => a.row - b.row) };
}
