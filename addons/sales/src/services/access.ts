import type { AnyModel, Repository, RequestContext, SystemContext } from '@elevate/sdk';

/**
 * The rows of `model` the caller may touch: in a request, limited by the caller's record rules
 * for `permission` (a sales rep sees own quotes); elsewhere (the public link, jobs) the tenant's.
 */
export async function repoFor<M extends AnyModel>(
  ctx: SystemContext,
  model: M,
  permission: string,
): Promise<Repository<M>> {
  const rc = ctx as Partial<RequestContext>;
  return typeof rc.scoped === 'function' ? rc.scoped(model, permission) : ctx.db.repo(model);
}
