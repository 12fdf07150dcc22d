import { allows, type CustomFieldDef, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:custom-fields');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.customfields.manage')) {
    error(403, t('customFields.forbidden'));
  }
  return withLoadApi(base, fetch, url, async (api) => {
    const models = (await api.get<{ data: { model: string; addon: string }[] }>('/v1/core/custom-fields/models')).data;
    const wanted = url.searchParams.get('model') ?? '';
    const model = models.some((m) => m.model === wanted) ? wanted : (models[0]?.model ?? '');
    const [fields, roles] = await Promise.all([
      model
        ? api.get<{ data: CustomFieldDef[] }>('/v1/core/custom-fields', { model, archived: true })
        : Promise.resolve({ data: [] }),
      api.get<{ data: { key: string; name: string }[] }>('/v1/core/roles'),
    ]);
    return { models, model, fields: fields.data, roles: roles.data };
  });
};
