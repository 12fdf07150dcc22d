import { AppError, type RequestContext, ValidationError } from '@elevate/sdk';
import { deleteContact, updateContact } from './contacts.service.ts';
import { deleteLead, type LeadStatus, updateLead } from './leads.service.ts';
import { deleteOpportunity, updateOpportunity } from './opportunities.service.ts';
import { moveOpportunity } from './opportunity-stage.service.ts';
import { tagsOfContacts } from './tags.service.ts';

// Bulk edit and bulk delete on lists. One request is one transaction; each row runs the same
// service as a single edit (so permission, record rules and validation are the single edit's),
// inside its own savepoint: a refused row is rolled back whole and named in the answer, the
// others are kept. An unexpected failure (not an AppError) rolls the whole request back.

export const BULK_MAX = 200;

export interface BulkRefusal {
  id: string;
  /** The row's index in `ids`. */
  index: number;
  code: string;
  message: string;
}

export interface BulkResult {
  /** Ids changed (or deleted), in the order given. */
  done: string[];
  refused: BulkRefusal[];
}

export interface ContactBulkChanges {
  ownerId?: string;
  addTagIds?: string[];
  removeTagIds?: string[];
}
export interface LeadBulkChanges {
  ownerId?: string;
  status?: LeadStatus;
}
export interface OpportunityBulkChanges {
  ownerId?: string;
  stageId?: string;
}

function checkIds(ids: readonly string[]): void {
  if (!ids.length) throw new ValidationError('Choose at least one row', [{ path: 'ids', message: 'is empty' }]);
  if (ids.length > BULK_MAX) {
    throw new ValidationError(`At most ${BULK_MAX} rows at once`, [
      { path: 'ids', message: `must hold at most ${BULK_MAX} ids` },
    ]);
  }
  if (new Set(ids).size !== ids.length) {
    throw new ValidationError('An id is given twice', [{ path: 'ids', message: 'must not repeat an id' }]);
  }
}

function checkChanges(changes: object): void {
  if (!Object.values(changes).some((v) => v !== undefined && !(Array.isArray(v) && !v.length))) {
    throw new ValidationError('Say what to change', [{ path: 'changes', message: 'must change at least one field' }]);
  }
}

function unknownOwner(err: unknown): boolean {
  if (err instanceof AppError)
    return err.details?.some((d) => d.path === 'ownerId' && d.message === 'no such user') ?? false;
  const pg = err as { code?: string; constraint?: string };
  return pg.code === '23503' && (pg.constraint?.includes('owner') ?? false);
}

async function eachRow(
  ctx: RequestContext,
  ids: readonly string[],
  apply: (id: string) => Promise<unknown>,
): Promise<BulkResult> {
  checkIds(ids);
  const result: BulkResult = { done: [], refused: [] };
  for (const [index, id] of ids.entries()) {
    try {
      // A nested transaction is a savepoint of the request's transaction.
      await ctx.em.transactional(() => apply(id));
      result.done.push(id);
    } catch (err) {
      // An owner that is no user of the tenant is the request's mistake, not the row's.
      if (unknownOwner(err)) {
        throw new ValidationError('No such user', [{ path: 'changes.ownerId', message: 'no such user' }]);
      }
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const field = err.details?.find((d) => d.path)?.path;
      const message =
        err.details?.[0]?.message && field ? `${err.message}: ${field} ${err.details[0].message}` : err.message;
      result.refused.push({ id, index, code: err.code, message });
    }
  }
  return result;
}

export function bulkUpdateContacts(ctx: RequestContext, ids: readonly string[], changes: ContactBulkChanges) {
  checkChanges(changes);
  const add = changes.addTagIds ?? [];
  const remove = new Set(changes.removeTagIds ?? []);
  return eachRow(ctx, ids, async (id) => {
    let tagIds: string[] | undefined;
    if (add.length || remove.size) {
      const [current = []] = await tagsOfContacts(ctx, [id]);
      tagIds = [...new Set([...current.map((t) => t.id), ...add])].filter((t) => !remove.has(t));
    }
    await updateContact(ctx, id, {
      ...(changes.ownerId ? { ownerId: changes.ownerId } : {}),
      ...(tagIds ? { tagIds } : {}),
    });
  });
}

export const bulkDeleteContacts = (ctx: RequestContext, ids: readonly string[]) =>
  eachRow(ctx, ids, (id) => deleteContact(ctx, id));

export function bulkUpdateLeads(ctx: RequestContext, ids: readonly string[], changes: LeadBulkChanges) {
  checkChanges(changes);
  return eachRow(ctx, ids, (id) =>
    updateLead(ctx, id, {
      ...(changes.ownerId ? { ownerId: changes.ownerId } : {}),
      ...(changes.status ? { status: changes.status } : {}),
    }),
  );
}

export const bulkDeleteLeads = (ctx: RequestContext, ids: readonly string[]) =>
  eachRow(ctx, ids, (id) => deleteLead(ctx, id));

export function bulkUpdateOpportunities(ctx: RequestContext, ids: readonly string[], changes: OpportunityBulkChanges) {
  checkChanges(changes);
  return eachRow(ctx, ids, async (id) => {
    if (changes.ownerId) await updateOpportunity(ctx, id, { ownerId: changes.ownerId });
    if (changes.stageId) await moveOpportunity(ctx, id, { stageId: changes.stageId });
  });
}

export const bulkDeleteOpportunities = (ctx: RequestContext, ids: readonly string[]) =>
  eachRow(ctx, ids, (id) => deleteOpportunity(ctx, id));
