// Every addon page: /<addon>/<path...> → addons/<addon>/web/pages/<path>.svelte, resolved here in
// the universal load so that the server renders it (and its data) on the first request.

import { ApiError, allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import { findPage, loadArgs } from '#lib/addons/registry.ts';
import type { PageLoad } from './$types';

const NOT_FOUND = 'This page does not exist, or its addon is not enabled for your company.';

export const load: PageLoad = async ({ params, parent, fetch, url }) => {
  const { me, base } = await parent();
  // A disabled addon's pages do not exist for this tenant (its API answers 404 too).
  if (!me.enabledAddons.includes(params.addon)) error(404, NOT_FOUND);
  const found = findPage(params.addon, params.path ? params.path.split('/') : []);
  if (!found) error(404, NOT_FOUND);
  const mod = await found.load();
  if (mod.permission && !allows(me.permissions, me.enabledAddons, mod.permission)) {
    error(403, `Opening this page needs the permission "${mod.permission}".`);
  }
  let data: unknown = null;
  const pageLoad = mod.load;
  if (pageLoad) {
    try {
      data = await withLoadApi(base, fetch, url, (api) => pageLoad(loadArgs(me, api, found.params, url)));
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) error(err.status, err.message);
      throw err;
    }
  }
  const title = typeof mod.title === 'function' ? mod.title(data as never) : (mod.title ?? params.addon);
  return { component: mod.default, data, params: found.params, title };
};
