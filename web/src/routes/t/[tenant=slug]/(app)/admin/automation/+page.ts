import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import type { RuleInfo, RunInfo } from '#lib/automation/types.ts';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:automation');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.automation.manage')) {
    error(403, t('automation.forbidden'));
  }
  const status = url.searchParams.get('status') ?? '';
  const rule = url.searchParams.get('rule') ?? '';
  const q = new URLSearchParams({ limit: '50', ...(status ? { status } : {}), ...(rule ? { rule } : {}) });
  return withLoadApi(base, fetch, url, async (api) => {
    const [rules, runs, templates] = await Promise.all([
      api.get<{ data: RuleInfo[] }>('/v1/core/automation/rules'),
      api.get<{ data: RunInfo[]; total_count: number }>(`/v1/core/automation/runs?${q}`),
      api.get<{ data: { key: string; name: string; description: string }[] }>('/v1/core/automation/templates'),
    ]);
    return { rules: rules.data, runs: runs.data, runsTotal: runs.total_count, templates: templates.data, status, rule };
  });
};
