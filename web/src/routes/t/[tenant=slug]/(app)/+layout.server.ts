import { isLanguage } from '@elevate/sdk';
import type { Branding, Me } from '@elevate/sdk/web';
import { error, redirect } from '@sveltejs/kit';
import { withProfile } from '#lib/server/format-settings.ts';
import { kernelJson } from '#lib/server/kernel.ts';
import { clearSession } from '#lib/server/session.ts';
import { type Theme, themeCookie } from '#lib/theme.ts';
import type { LayoutServerLoad } from './$types';

const NO_BRANDING: Branding = { logo: null, primaryColor: null };

/** Everything behind the login: who the user is, which addons the tenant enabled, its branding. */
export const load: LayoutServerLoad = async ({ locals, parent, url, cookies, params, depends, untrack }) => {
  depends('app:session');
  const { base } = await parent();
  const token = locals.accessToken;
  if (!token) {
    const next = untrack(() => url.pathname + url.search);
    redirect(303, `${base}/auth/login?next=${encodeURIComponent(next)}`);
  }
  const [me, branding] = await Promise.all([
    kernelJson<Me>('/api/v1/core/me', { token }),
    kernelJson<Branding>('/api/v1/core/branding', { token }),
  ]);
  if (!me.ok) {
    if (me.status === 401) {
      clearSession(cookies, params.tenant, base);
      redirect(303, `${base}/auth/login?ended=1`);
    }
    error(me.status, me.error.message);
  }
  // The company requires two-step sign-in and this user has none: the enrolment page is the only
  // one this session may use (the kernel answers 403 MFA_ENROLMENT_REQUIRED to the rest).
  if ((me.data as Me & { mfaEnrolmentRequired?: boolean }).mfaEnrolmentRequired)
    redirect(303, `${base}/auth/enrol-mfa`);
  const theme = cookies.get(themeCookie(me.data.user.id));
  // Rendering reads locals.format and locals.language: the profile's settings apply to this very page.
  const user = me.data.user;
  if (isLanguage(user.language)) {
    locals.language = user.language;
    locals.languageChosen = true;
  }
  locals.format = withProfile(locals.format, user, locals.languageChosen ? locals.language : null);
  return {
    format: locals.format,
    language: locals.language,
    me: me.data,
    branding: branding.ok ? { ...NO_BRANDING, ...branding.data } : NO_BRANDING,
    theme: theme === 'dark' || theme === 'light' ? (theme as Theme) : null,
  };
};
