import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import type { AdminTeam, AdminUser } from '#lib/admin-types.ts';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:teams');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.users.manage')) {
    error(403, t('teams.forbidden'));
  }
  const [teams, users] = await withLoadApi(base, fetch, url, (api) =>
    Promise.all([api.get<{ data: AdminTeam[] }>('/v1/core/teams'), api.get<{ data: AdminUser[] }>('/v1/core/users')]),
  );
  return { teams: teams.data, users: users.data };
};
