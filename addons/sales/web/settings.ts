import type { Api } from '@elevate/sdk/web';
import type { TaxRow } from './types.ts';

/**
 * What the quote form needs: the taxes, and the company's rounding rule for the live totals. The
 * settings route needs `core.addons.manage`; others preview per line (the default) and see the
 * server's amounts once saved.
 */
export async function formData(api: Api, can: (p: string) => boolean) {
  const [taxes, settings] = await Promise.all([
    api.get<{ data: TaxRow[] }>('/v1/sales/taxes', { limit: 200, sort: 'name' }),
    can('core.addons.manage')
      ? api
          .get<{ rounding?: 'line' | 'total' }>('/v1/core/addons/sales/settings')
          .catch(() => ({ rounding: 'line' as const }))
      : Promise.resolve({ rounding: 'line' as const }),
  ]);
  return { taxes: taxes.data, rounding: settings.rounding === 'total' ? ('total' as const) : ('line' as const) };
}
