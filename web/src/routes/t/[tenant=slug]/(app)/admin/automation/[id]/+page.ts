import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import type { Catalog, Directory, RuleInfo } from '#lib/automation/types.ts';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch, params, url }) => {
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.automation.manage')) {
    error(403, t('automation.forbidden'));
  }
  return withLoadApi(base, fetch, url, async (api) => {
    const [catalog, directory] = await Promise.all([
      api.get<Catalog>('/v1/core/automation/catalog'),
      api.get<Directory>('/v1/core/automation/directory'),
    ]);
    let rule: Partial<RuleInfo> | null = null;
    let inbound: {
      tokenHint: string;
      signed: boolean;
      createdAt: string;
      rotatedAt: string | null;
      lastUsedAt: string | null;
    } | null = null;
    if (params.id !== 'new') {
      rule = await api.get<RuleInfo>(`/v1/core/automation/rules/${params.id}`);
      // A rule with an inbound trigger may have its URL (404: not made yet).
      if (rule.trigger?.type === 'inbound') {
        inbound = await api
          .get<NonNullable<typeof inbound>>(`/v1/core/automation/rules/${params.id}/inbound`)
          .catch(() => null);
      }
    } else {
      const key = url.searchParams.get('template');
      if (key) {
        const templates = await api.get<{ data: (Partial<RuleInfo> & { key: string })[] }>(
          '/v1/core/automation/templates',
        );
        rule = templates.data.find((x) => x.key === key) ?? null;
      }
    }
    return { catalog, directory, rule, inbound, id: params.id };
  });
};
