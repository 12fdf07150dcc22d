import { json, type RequestHandler } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import { CLIENT_IP_HEADER, kernelJson } from '#lib/server/kernel.ts';
import { mfaCookie, setSession, type Tokens } from '#lib/server/session.ts';
import { tenantBase } from '#lib/tenant.ts';
import { TENANT_DOMAIN } from '$app/env/public';

/**
 * The sign-in's passkey step for the login page: the challenge of the password step stays in
 * its httpOnly cookie; this endpoint asks the kernel for the ceremony's options, then hands it the
 * browser's answer and, when verified, sets the session cookies.
 */
export const POST: RequestHandler = async ({ request, params, cookies, url }) => {
  const slug = params.tenant ?? '';
  const base = tenantBase(url, slug, TENANT_DOMAIN);
  const mfaToken = cookies.get(mfaCookie(slug));
  if (!mfaToken) return json({ message: t('login.stepExpired') }, { status: 401 });
  const body = (await request.json().catch(() => ({}))) as { step?: string; challengeId?: unknown; response?: unknown };
  const forward = { clientIp: request.headers.get(CLIENT_IP_HEADER), userAgent: request.headers.get('user-agent') };
  if (body.step === 'options') {
    const res = await kernelJson<{ challengeId: string; options: unknown }>('/api/v1/auth/mfa/webauthn/options', {
      body: { mfaToken },
      ...forward,
    });
    return res.ok ? json(res.data) : json({ message: res.error.message }, { status: res.status });
  }
  const res = await kernelJson<Tokens>('/api/v1/auth/mfa/webauthn', {
    body: { mfaToken, challengeId: body.challengeId, response: body.response },
    ...forward,
  });
  if (!res.ok) return json({ message: res.error.message }, { status: res.status });
  cookies.delete(mfaCookie(slug), { path: base || '/' });
  setSession(cookies, slug, base, res.data, url.protocol === 'https:');
  const next = url.searchParams.get('next');
  return json({ redirect: next?.startsWith('/') && !next.startsWith('//') ? next : base || '/' });
};
