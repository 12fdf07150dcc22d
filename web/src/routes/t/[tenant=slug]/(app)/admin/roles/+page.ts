import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import type { AdminRole, PermissionGroup } from '#lib/admin-types.ts';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:roles');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.users.manage')) {
    error(403, t('roles.forbidden'));
  }
  const [roles, table] = await withLoadApi(base, fetch, url, (api) =>
    Promise.all([
      api.get<{ data: AdminRole[] }>('/v1/core/roles'),
      api.get<{ data: PermissionGroup[] }>('/v1/core/permissions'),
    ]),
  );
  return { roles: roles.data, table: table.data };
};
