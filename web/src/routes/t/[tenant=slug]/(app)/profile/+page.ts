import { withLoadApi } from '@elevate/sdk/web';
import type { PageLoad } from './$types';

export interface MfaStatus {
  enabled: boolean;
  pending: boolean;
  backupCodesLeft: number;
  required: boolean;
}

export interface SessionInfo {
  id: string;
  device: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:profile');
  const { base } = await parent();
  const [mfa, sessions] = await withLoadApi(base, fetch, url, (api) =>
    Promise.all([api.get<MfaStatus>('/v1/core/account/mfa'), api.get<{ data: SessionInfo[] }>('/v1/core/sessions')]),
  );
  return { mfa, sessions: sessions.data, enrolRequired: url.searchParams.get('enrol') === 'required' };
};
