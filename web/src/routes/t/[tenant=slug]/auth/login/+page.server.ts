import { type Cookies, fail, redirect } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import { CLIENT_IP_HEADER, kernelJson } from '#lib/server/kernel.ts';
import { mfaCookie, setMfaChallenge, setSession, type Tokens } from '#lib/server/session.ts';
import { tenantBase } from '#lib/tenant.ts';
import { TENANT_DOMAIN } from '$app/env/public';
import type { Actions, PageServerLoad } from './$types';

/** Only paths of this site: never `//evil.example` or a full URL. */
function safeNext(base: string, next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : base || '/';
}

/** The password step's answer: a session, or (with two-step sign-in on) a challenge for the code step. */
type LoginAnswer = Tokens & { mfaEnrolmentRequired?: boolean; mfaRequired?: undefined };
type Challenge = { mfaRequired: true; mfaToken: string; expiresIn: number; methods?: string[] };

export const load: PageServerLoad = async ({ locals, parent, url, cookies, params }) => {
  const { base } = await parent();
  // Signed in already: go on (unless the page was sent here because its session ended).
  if (locals.accessToken && !url.searchParams.has('ended')) redirect(303, safeNext(base, url.searchParams.get('next')));
  return {
    email: url.searchParams.get('email') ?? '',
    ended: url.searchParams.has('ended'),
    // Sent here by the tenant switcher with this company's challenge: the code step first.
    mfaPending: url.searchParams.has('mfa') && Boolean(cookies.get(mfaCookie(params.tenant))),
    // …with the factors that account has (`?mfa=totp,webauthn`).
    mfaMethods: (url.searchParams.get('mfa') ?? '').split(',').filter((m) => m === 'totp' || m === 'webauthn'),
  };
};

function signedIn(cookies: Cookies, url: URL, slug: string, tokens: LoginAnswer): never {
  const base = tenantBase(url, slug, TENANT_DOMAIN);
  cookies.delete(mfaCookie(slug), { path: base || '/' });
  setSession(cookies, slug, base, tokens, url.protocol === 'https:');
  // The company requires two-step sign-in and this user has none yet: enrol first (the session can do nothing else).
  if (tokens.mfaEnrolmentRequired) redirect(303, `${base}/auth/enrol-mfa`);
  redirect(303, safeNext(base, url.searchParams.get('next')));
}

export const actions: Actions = {
  default: async ({ request, params, cookies, url }) => {
    const form = await request.formData();
    const clientIp = request.headers.get(CLIENT_IP_HEADER);
    const userAgent = request.headers.get('user-agent');
    const base = tenantBase(url, params.tenant, TENANT_DOMAIN);

    // Second step: the code from the authenticator app (or a backup code).
    if (form.has('code')) {
      const code = String(form.get('code') ?? '').trim();
      const mfaToken = cookies.get(mfaCookie(params.tenant));
      if (!mfaToken) return fail(400, { mfa: false, message: t('login.stepExpired') });
      if (!code) return fail(400, { mfa: true, message: t('login.enterCode') });
      const res = await kernelJson<LoginAnswer>('/api/v1/auth/mfa', {
        body: { mfaToken, code },
        clientIp,
        userAgent,
      });
      if (!res.ok) {
        const expired = res.error.code === 'UNAUTHENTICATED';
        if (expired) cookies.delete(mfaCookie(params.tenant), { path: base || '/' });
        return fail(res.status === 429 || res.status === 503 ? res.status : 400, {
          mfa: !expired,
          message: res.error.code === 'INVALID_MFA_CODE' ? t('login.wrongCode') : res.error.message,
        });
      }
      signedIn(cookies, url, params.tenant, res.data);
    }

    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!email || !password) {
      return fail(400, { email, message: t('login.enterBoth') });
    }
    const res = await kernelJson<LoginAnswer | Challenge>('/api/v1/auth/login', {
      body: { tenant: params.tenant, email, password },
      clientIp,
      userAgent,
    });
    if (!res.ok) {
      const message =
        res.error.code === 'VALIDATION_FAILED'
          ? t('login.invalidInput')
          : res.error.code === 'INVALID_CREDENTIALS'
            ? t('login.wrongPassword')
            : res.error.message;
      return fail(res.status === 503 ? 503 : 400, { email, message });
    }
    if (res.data.mfaRequired) {
      setMfaChallenge(cookies, params.tenant, base, res.data, url.protocol === 'https:');
      return { mfa: true, email, methods: res.data.methods ?? ['totp'] };
    }
    signedIn(cookies, url, params.tenant, res.data);
  },
};
