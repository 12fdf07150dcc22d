import { ApiError, allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';
import { type AuditFilters, FILTERS, LIMIT } from './filters.ts';

export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  table: string | null;
  model: string | null;
  recordId: string | null;
  userId: string | null;
  userEmail: string | null;
  actor: string;
  requestId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  detail: Record<string, unknown> | null;
}

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:audit');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.audit.read')) {
    error(403, t('audit.forbidden'));
  }
  const filters = Object.fromEntries(FILTERS.map((k) => [k, url.searchParams.get(k) ?? ''])) as AuditFilters;
  const offset = Math.max(0, Number(url.searchParams.get('offset')) || 0);
  // Dates from the form are days (yyyy-mm-dd): the API takes date-times.
  const query = {
    ...filters,
    from: filters.from ? `${filters.from}T00:00:00Z` : '',
    to: filters.to ? `${filters.to}T23:59:59.999Z` : '',
  };
  try {
    const page = await withLoadApi(base, fetch, url, (api) =>
      api.get<{ data: AuditEntry[]; total_count: number; limit: number; offset: number }>('/v1/core/audit', {
        ...query,
        limit: LIMIT,
        offset,
      }),
    );
    return { filters, query, page, fieldErrors: {} as Record<string, string> };
  } catch (err) {
    // A filter the API refuses: shown beside its field, with an empty list.
    if (err instanceof ApiError && err.status === 400) {
      const fieldErrors = Object.fromEntries(err.details.map((d) => [d.path, d.message]));
      return { filters, query, page: { data: [], total_count: 0, limit: LIMIT, offset: 0 }, fieldErrors };
    }
    throw err;
  }
};
