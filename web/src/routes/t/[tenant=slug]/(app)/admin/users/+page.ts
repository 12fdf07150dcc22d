import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import type { AdminRole, AdminUser } from '#lib/admin-types.ts';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:users');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.users.manage')) {
    error(403, t('users.forbidden'));
  }
  const [users, roles] = await withLoadApi(base, fetch, url, (api) =>
    Promise.all([api.get<{ data: AdminUser[] }>('/v1/core/users'), api.get<{ data: AdminRole[] }>('/v1/core/roles')]),
  );
  return { users: users.data, roles: roles.data, meId: me.user.id };
};
