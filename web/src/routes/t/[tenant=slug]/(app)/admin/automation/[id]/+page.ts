import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import type { Catalog, RuleInfo } from '#lib/automation/types.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch, params, url }) => {
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.automation.manage')) {
    error(403, 'Only administrators can manage automation.');
  }
  return withLoadApi(base, fetch, url, async (api) => {
    const catalog = await api.get<Catalog>('/v1/core/automation/catalog');
    let rule: Partial<RuleInfo> | null = null;
    if (params.id !== 'new') {
      rule = await api.get<RuleInfo>(`/v1/core/automation/rules/${params.id}`);
    } else {
      const key = url.searchParams.get('template');
      if (key) {
        const t = await api.get<{ data: (Partial<RuleInfo> & { key: string })[] }>('/v1/core/automation/templates');
        rule = t.data.find((x) => x.key === key) ?? null;
      }
    }
    return { catalog, rule, id: params.id };
  });
};
