import { allows } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent }) => {
  const { me, branding } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.settings.manage')) {
    error(403, t('branding.forbidden'));
  }
  return { current: branding };
};
