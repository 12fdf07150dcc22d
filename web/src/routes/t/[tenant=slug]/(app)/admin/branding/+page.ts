import { allows } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent }) => {
  const { me, branding } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.settings.manage')) {
    error(403, 'Only administrators can change the branding.');
  }
  return { current: branding };
};
