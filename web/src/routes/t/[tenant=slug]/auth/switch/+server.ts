import { error, type RequestHandler, redirect } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import { CLIENT_IP_HEADER, kernelJson } from '#lib/server/kernel.ts';
import { setMfaChallenge, setSession, type Tokens } from '#lib/server/session.ts';
import { tenantBase } from '#lib/tenant.ts';
import { TENANT_DOMAIN } from '$app/env/public';

type Switched = { tenant: { slug: string } } & (
  | (Tokens & { mfaRequired?: undefined })
  | { mfaRequired: true; mfaToken: string; expiresIn: number; methods?: string[] }
);

/**
 * The tenant switcher (profile page): opens the person's account in another company they belong
 * to. The kernel answers a session there, or that account's MFA challenge: then the other
 * company's sign-in page asks for the code.
 */
export const POST: RequestHandler = async ({ request, locals, cookies, url }) => {
  const form = await request.formData();
  const target = String(form.get('tenant') ?? '');
  if (!locals.accessToken) error(401, t('login.signInFirst'));
  const res = await kernelJson<Switched>('/api/v1/core/account/switch', {
    token: locals.accessToken,
    body: { tenant: target },
    clientIp: request.headers.get(CLIENT_IP_HEADER),
    userAgent: request.headers.get('user-agent'),
  });
  if (!res.ok) error(res.status === 404 ? 404 : 400, res.error.message);
  const slug = res.data.tenant.slug;
  const base = tenantBase(url, slug, TENANT_DOMAIN);
  const secure = url.protocol === 'https:';
  if (res.data.mfaRequired) {
    setMfaChallenge(cookies, slug, base, res.data, secure);
    redirect(303, `${base}/auth/login?mfa=${(res.data.methods ?? ['totp']).join(',')}`);
  }
  setSession(cookies, slug, base, res.data, secure);
  redirect(303, base || '/');
};
