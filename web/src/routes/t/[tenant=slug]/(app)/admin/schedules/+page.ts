import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

/** One schedule of an enabled addon (GET /api/v1/core/schedules). */
export interface ScheduleInfo {
  name: string;
  /** What it does, in the reader's language; null when the addon gave no title. */
  title: string | null;
  addon: string;
  cron?: string;
  tz?: string;
  everyMs?: number;
  next: string | null;
}

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:schedules');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.addons.manage')) error(403, t('schedules.forbidden'));
  const [schedules, addons] = await withLoadApi(base, fetch, url, (api) =>
    Promise.all([
      api.get<{ data: ScheduleInfo[] }>('/v1/core/schedules'),
      api.get<{ data: { id: string; title: string }[] }>('/v1/core/addons'),
    ]),
  );
  const titles = Object.fromEntries(addons.data.map((a) => [a.id, a.title]));
  return {
    schedules: schedules.data.map((s) => ({ ...s, id: s.name, addonTitle: titles[s.addon] ?? s.addon })),
  };
};
