import { allows, withLoadApi } from '@elevate/sdk/web';
import { error } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import type { PageLoad } from './$types';

export interface WebhookInfo {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  consecutiveFailures: number;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryInfo {
  id: string;
  messageId: string;
  eventType: string;
  status: string;
  attempts: number;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
  responseExcerpt: string | null;
  redeliveryOf: string | null;
  createdAt: string;
  updatedAt: string;
}

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:webhooks');
  const { me, base } = await parent();
  if (!allows(me.permissions, me.enabledAddons, 'core.webhooks.manage')) {
    error(403, t('webhooks.forbidden'));
  }
  return withLoadApi(base, fetch, url, async (api) => {
    const [hooks, types] = await Promise.all([
      api.get<{ data: WebhookInfo[] }>('/v1/core/webhooks'),
      api.get<{ data: { type: string; addon: string }[] }>('/v1/core/webhooks/event-types'),
    ]);
    return { hooks: hooks.data, types: types.data };
  });
};
