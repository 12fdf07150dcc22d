import { randomUUID } from 'node:crypto';
import { columnName, type JobContext } from '@elevate/sdk';
import { ContactCreated } from '../events.ts';
import { Contact } from '../models/contact.model.ts';
import { ContactTag, Tag } from '../models/tag.model.ts';
import type { ImportRowError } from '../shared/import.types.ts';
import {
  type ColumnFields,
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

async function existing(ctx: JobContext, sql: string, values: string[], extra: unknown[] = []): Promise<Ids> {
  const out: Ids = new Map();
  if (!values.length) return out;
  const rows = await ctx.db.query<{ key: string; id: string }>(sql, [ctx.tenant.id, [...new Set(values)], ...extra]);
  for (const r of rows) if (!out.has(r.key)) out.set(r.key, r.id);
  return out;
}

async function lookups(ctx: JobContext, actor: ImportActor, rows: readonly ValidRow[]): Promise<Lookups> {
  const owners = actor.companyOwners;
  return {
    emails: await existing(
      ctx,
      'select lower(email) as key, id from crm_contact where tenant_id = $1 and lower(email) = any($2::text[])',
      rows.flatMap((v) => (v.contact.email ? [v.contact.email.toLowerCase()] : [])),
    ),
    companies: await existing(
      ctx,
      `select lower(name) as key, id from crm_contact where tenant_id = $1 and kind = 'company' and lower(name) = any($2::text[])
       ${owners ? 'and owner_id = any($3::uuid[])' : ''} order by created_at, id`,
      rows.flatMap((v) => (v.company ? [v.company.toLowerCase()] : [])),
      owners ? [owners] : [],
    ),
    tags: await existing(
      ctx,
      'select lower(name) as key, id from crm_tag where tenant_id = $1 and lower(name) = any($2::text[]) order by created_at, id',
      rows.flatMap((v) => v.tags.map((t) => t.toLowerCase())),
    ),
  };
}

const CONTACT_COLUMNS = ['id', 'kind', ...TEXT_KEYS, 'company'] as const;
const CONTACT_INSERT = `insert into crm_contact (tenant_id, created_by, owner_id, ${CONTACT_COLUMNS.map((k) =>
  k === 'company' ? 'company_id' : columnName(k),
).join(', ')})
  select $1, $2, $2, u.* from unnest(${CONTACT_COLUMNS.map((k, i) => `$${i + 3}::${k === 'id' || k === 'company' ? 'uuid' : 'text'}[]`).join(', ')}) as u`;

/**
 * The fast path: the whole chunk in a few set-based statements inside one savepoint. Any
 * failure rolls the savepoint back and the caller replays the chunk row by row.
 */
async function writeSet(ctx: JobContext, actor: ImportActor, rows: readonly ValidRow[], ids: Lookups): Promise<void> {
  const tenant = ctx.tenant.id;
  const { userId } = actor;
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
    await ctx.db.query(
      `insert into crm_contact (tenant_id, created_by, owner_id, id, kind, name, source)
       select $1, $2, $2, u.id, 'company', u.name, 'import' from unnest($3::uuid[], $4::text[]) as u(id, name)`,
      [tenant, userId, companies.map((c) => c.id), companies.map((c) => c.name)],
    );
  }
  const tags = [...newTags.values()];
  if (tags.length) {
    await ctx.db.query(
      'insert into crm_tag (tenant_id, created_by, id, name) select $1, $2, u.id, u.name from unnest($3::uuid[], $4::text[]) as u(id, name)',
      [tenant, userId, tags.map((t) => t.id), tags.map((t) => t.name)],
    );
  }
  const companyId = (name: string | null) =>
    name ? (ids.companies.get(name.toLowerCase()) ?? newCompanies.get(name.toLowerCase())?.id ?? null) : null;
  const contactIds = rows.map(() => randomUUID());
  const values = CONTACT_COLUMNS.map((k) =>
    rows.map((v, i) => {
      if (k === 'id') return contactIds[i];
      if (k === 'company') return companyId(v.company);
      return v.contact[k] ?? null;
    }),
  );
  await ctx.db.query(CONTACT_INSERT, [tenant, userId, ...values]);
  const links = rows.flatMap((v, i) =>
    v.tags.map((t) => [contactIds[i], ids.tags.get(t.toLowerCase()) ?? newTags.get(t.toLowerCase())?.id]),
  );
  if (links.length) {
    await ctx.db.query(
      'insert into crm_contact_tag (tenant_id, created_by, contact_id, tag_id) select $1, $2, u.c, u.t from unnest($3::uuid[], $4::uuid[]) as u(c, t)',
      [tenant, userId, links.map((l) => l[0]), links.map((l) => l[1])],
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
        const row = await ctx.db.repo(Contact).insert({ ...fields, company: companyId });
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
  for (const r of rows) {
    const v = validateRow(r, cols);
    if (Array.isArray(v)) errors.push(...v);
    else valid.push(v);
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
