import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export interface PendingInvitation {
  id: string;
  email: string;
  role: string;
  invitedBy: string | null;
  expiresAt: string;
  createdAt: string;
}

export interface InvitableRole {
  id: string;
  key: string;
  name: string;
}

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:invitations');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.users.manage')) {
    error(403, t('invitations.forbidden'));
  }
  const [list, roles] = await withLoadApi(base, fetch, url, (api) =>
    Promise.all([
      api.get<{ data: PendingInvitation[] }>('/v1/core/invitations'),
      api.get<{ data: InvitableRole[] }>('/v1/core/roles'),
    ]),
  );
  // Any role but owner (ownership is not handed out by email), seeded or custom.
  return { invitations: list.data, roles: roles.data.filter((r) => r.key !== 'owner') };
};
