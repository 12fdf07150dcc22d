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

/** A company the signed-in person belongs to (the tenant switcher). */
export interface Company {
  id: string;
  slug: string;
  name: string;
  current: boolean;
}

export const load: PageLoad = async ({ parent, fetch, depends, url }) => {
  depends('app:profile');
  const { base } = await parent();
  const [mfa, sessions, companies] = await withLoadApi(base, fetch, url, (api) =>
    Promise.all([
      api.get<MfaStatus>('/v1/core/account/mfa'),
      api.get<{ data: SessionInfo[] }>('/v1/core/sessions'),
      api.get<{ data: Company[] }>('/v1/core/account/companies'),
    ]),
  );
  return {
    mfa,
    sessions: sessions.data,
    companies: companies.data,
    enrolRequired: url.searchParams.get('enrol') === 'required',
  };
};
