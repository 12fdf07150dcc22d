// The dashboard: widgets contributed by the enabled addons (addons/<id>/web/widgets/*.svelte).

import { allows, withLoadApi } from '@elevate/sdk/web';
import { loadArgs, widgetLoaders } from '#lib/addons/registry.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch, url }) => {
  const { me, base } = await parent();
  const widgets = await withLoadApi(base, fetch, url, (api) =>
    Promise.all(
      widgetLoaders(me.enabledAddons).map(async ({ addon, name, load }) => {
        const mod = await load();
        const meta = mod.widget ?? { title: name };
        const permission = meta.permission ?? mod.permission;
        if (permission && !allows(me.permissions, me.enabledAddons, permission)) return null;
        // One failing widget must not take the dashboard down.
        let data: unknown = null;
        let failed = false;
        try {
          data = mod.load ? await mod.load(loadArgs(me, api, {}, url)) : null;
        } catch {
          failed = true;
        }
        return { key: `${addon}/${name}`, component: mod.default, meta, data, failed };
      }),
    ),
  );
  return {
    widgets: widgets.filter((w) => w !== null).sort((a, b) => (a.meta.order ?? 100) - (b.meta.order ?? 100)),
  };
};
