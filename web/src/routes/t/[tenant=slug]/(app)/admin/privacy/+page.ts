import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export interface PrivacyRequestInfo {
  id: string;
  kind: 'export' | 'erase';
  email: string | null;
  status: 'pending' | 'running' | 'done' | 'refused' | 'failed';
  progress: number;
  reason: string | null;
  result: Record<string, unknown> | null;
  downloadable: boolean;
  expiresAt: string | null;
  downloadedAt: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:privacy');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.privacy.manage')) {
    error(403, t('privacy.forbidden'));
  }
  const list = await withLoadApi(base, fetch, url, (api) =>
    api.get<{ data: PrivacyRequestInfo[] }>('/v1/core/privacy/requests'),
  );
  return { requests: list.data };
};
