import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export interface PendingInvitation {
  id: string;
  email: string;
  role: string;
  invitedBy: string | null;
  expiresAt: string;
  createdAt: string;
}

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:invitations');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.users.manage')) {
    error(403, 'Only administrators can invite people.');
  }
  const list = await withLoadApi(base, fetch, url, (api) =>
    api.get<{ data: PendingInvitation[] }>('/v1/core/invitations'),
  );
  return { invitations: list.data };
};
