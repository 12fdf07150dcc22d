import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export interface RateInfo {
  id: string;
  from: string;
  to: string;
  rate: string;
  validOn: string;
  createdAt: string;
  updatedAt: string;
}

const PAGE = 50;

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:exchange-rates');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.money.manage')) {
    error(403, t('rates.forbidden'));
  }
  const offset = Math.max(0, Number(url.searchParams.get('offset')) || 0);
  const from = url.searchParams.get('from') ?? '';
  const [settings, rates] = await withLoadApi(base, fetch, url, (api) =>
    Promise.all([
      api.get<{ currency: string }>('/v1/core/money/settings'),
      api.get<{ data: RateInfo[]; total_count: number; limit: number; offset: number }>('/v1/core/exchange-rates', {
        limit: PAGE,
        offset,
        ...(/^[A-Z]{3}$/.test(from) ? { from } : {}),
      }),
    ]),
  );
  return { currency: settings.currency, rates, from };
};
