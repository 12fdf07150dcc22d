import { type AnyModel, type RequestContext, type Row, selectList, ValidationError } from '@elevate/sdk';
import { Contact } from '../models/contact.model.ts';
import type { ListFilter, ListTarget } from './list-query.ts';
import { finishPage, listSql, pagedSql } from './list-query.ts';

// Helpers shared by the pipeline area's services (pipelines, opportunities, leads, activities).

/** One page of a crm list (listSql: record rules, filters, search, sort) in one statement. */
export async function pageOf<M extends AnyModel>(
  ctx: RequestContext,
  model: M,
  target: ListTarget,
  opts: { filter: ListFilter; sort?: string | undefined; limit: number; offset: number },
): Promise<{ rows: Row<M>[]; total: number }> {
  checkPage(opts.limit, opts.offset);
  const { from, orderBy, params } = await listSql(ctx, target, {
    filter: opts.filter,
    ...(opts.sort ? { sort: opts.sort } : {}),
  });
  const select = model.customFields ? `${selectList(model)}, t.custom as "custom"` : selectList(model);
  const page = pagedSql(select, { from, orderBy, params }, opts.limit, opts.offset);
  // Raw SQL, kept: crm's one filter language (listSql: record rules, full-text q, tag and
  // segment filters) serves lists, segments and exports alike, so all three show the same rows.
  // Porting it means porting listSql to the QueryBuilder as one piece. Not benchmarked.
  const raw = await ctx.db.query<Row<M> & { __total?: number; custom?: unknown }>(page.sql, page.params);
  // The caller sees only the custom fields their roles may.
  const read = model.customFields ? await ctx.customFields.reader(model) : null;
  const rows = read ? raw.map((r) => ({ ...r, custom: read(r.custom) })) : raw;
  return finishPage<Row<M>>(ctx, rows, { from, params }, opts.offset);
}

export function checkPage(limit: number, offset: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new ValidationError('limit must be between 1 and 200', [{ path: 'limit', message: 'must be 1..200' }]);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ValidationError('offset must be 0 or more', [{ path: 'offset', message: 'must be >= 0' }]);
  }
}

/** Trims and checks a text input (GraphQL has no JSON schema in front of it). */
export function text(value: string, path: string, max: number): string {
  const v = value.trim();
  if (v.length === 0 || v.length > max) {
    throw new ValidationError(`${path} must be 1 to ${max} characters`, [
      { path, message: `must be 1 to ${max} characters` },
    ]);
  }
  return v;
}

/** Like `text` for optional columns: undefined stays undefined, null or blank clears. */
export function optionalText(value: string | null | undefined, path: string, max: number): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (value.trim() === '') return null;
  return text(value, path, max);
}

export function percent(value: number | null | undefined, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > 100) {
    throw new ValidationError(`${path} must be 0..100`, [{ path, message: 'must be an integer from 0 to 100' }]);
  }
  return value;
}

/** A linked record the caller cannot see is reported as missing (never as forbidden). */
export function missingLink(path: string, what: string): ValidationError {
  return new ValidationError(`No such ${what}`, [{ path, message: `no visible ${what} with this id` }]);
}

/** Checks that the linked records exist and that the caller may see them. */
export async function checkLinks(
  ctx: RequestContext,
  links: { model: AnyModel; permission: string; id: string | null | undefined; path: string; what: string }[],
): Promise<void> {
  for (const l of links) {
    if (!l.id) continue;
    const repo = await ctx.scoped(l.model, l.permission);
    if (!(await repo.get(l.id))) throw missingLink(l.path, l.what);
  }
}

/** Keys of a patch whose value differs from the row's. */
export function changedKeys(before: Record<string, unknown>, patch: Record<string, unknown>): string[] {
  return Object.keys(patch).filter((k) => patch[k] !== undefined && patch[k] !== before[k]);
}

/** For GraphQL relations: contacts by id under record rules (null when not visible). */
export function contactById(ctx: RequestContext, id: string): Promise<Row<typeof Contact> | null> {
  return ctx
    .loader<string, Row<typeof Contact> | null>('crm.pipeline.contact', async (ids) =>
      ctx.can('crm.contact.read') ? (await ctx.scoped(Contact, 'crm.contact.read')).getMany(ids) : ids.map(() => null),
    )
    .load(id);
}
