import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  createdBy: { id: string; name: string } | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:api-keys');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.apikeys.manage')) {
    error(403, t('apiKeys.forbidden'));
  }
  const list = await withLoadApi(base, fetch, url, (api) => api.get<{ data: ApiKeyInfo[] }>('/v1/core/api-keys'));
  return { keys: list.data };
};
