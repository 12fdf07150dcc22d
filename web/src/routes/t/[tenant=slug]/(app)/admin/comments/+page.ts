import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:comment-settings');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.settings.manage')) {
    error(403, t('adminComments.forbidden'));
  }
  const settings = await withLoadApi(base, fetch, url, (api) =>
    api.get<{ editWindowMinutes: number }>('/v1/core/comments/settings'),
  );
  return { settings };
};
