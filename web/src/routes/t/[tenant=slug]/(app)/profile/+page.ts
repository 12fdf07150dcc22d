import { withLoadApi } from '@elevate/sdk/web';
import type { PageLoad } from './$types';

export interface MfaStatus {
  enabled: boolean;
  pending: boolean;
  backupCodesLeft: number;
  required: boolean;
  passkeys: number;
}

/** A passkey of the user (a second factor). */
export interface Passkey {
  id: string;
  name: string;
  deviceType: string | null;
  backedUp: boolean;
  createdAt: string;
  lastUsedAt: string | null;
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

/** The user's channel for one kind of notification. */
export interface NotificationPref {
  type: string;
  title: string;
  channel: 'in-app' | 'email' | 'digest' | 'off';
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
  const [mfa, sessions, companies, passkeys, notifications] = await withLoadApi(base, fetch, url, (api) =>
    Promise.all([
      api.get<MfaStatus>('/v1/core/account/mfa'),
      api.get<{ data: SessionInfo[] }>('/v1/core/sessions'),
      api.get<{ data: Company[] }>('/v1/core/account/companies'),
      api.get<{ data: Passkey[] }>('/v1/core/account/webauthn'),
      api.get<{ data: NotificationPref[] }>('/v1/core/notifications/preferences'),
    ]),
  );
  return {
    mfa,
    sessions: sessions.data,
    companies: companies.data,
    passkeys: passkeys.data,
    notificationPrefs: notifications.data,
    enrolRequired: url.searchParams.get('enrol') === 'required',
  };
};
