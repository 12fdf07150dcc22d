import type { ListResponse } from '@elevate/sdk/web';
import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export interface AddonCard {
  id: string;
  title: string;
  description: string;
  category: string;
  icon: string | null;
  version: string;
  enabled: boolean;
  depends: { id: string; range: string }[];
  requiredBy: string[];
}

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:addons');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.addons.manage')) {
    error(403, t('marketplace.forbidden'));
  }
  const list = await withLoadApi(base, fetch, url, (api) => api.get<ListResponse<AddonCard>>('/v1/core/addons'));
  return { addons: list.data };
};
