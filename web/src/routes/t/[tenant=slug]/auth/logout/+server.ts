import { type RequestHandler, redirect } from '@sveltejs/kit';
import { kernelJson } from '#lib/server/kernel.ts';
import { clearSession, cookieNames } from '#lib/server/session.ts';
import { tenantBase } from '#lib/tenant.ts';
import { TENANT_DOMAIN } from '$app/env/public';

/** Ends the session everywhere (the kernel revokes the refresh token family) and forgets the cookies. */
export const POST: RequestHandler = async ({ params, cookies, url }) => {
  const slug = params.tenant ?? '';
  const base = tenantBase(url, slug, TENANT_DOMAIN);
  const refreshToken = cookies.get(cookieNames(slug).refresh);
  if (refreshToken) await kernelJson('/api/v1/auth/logout', { body: { refreshToken } });
  clearSession(cookies, slug, base);
  redirect(303, `${base}/auth/login`);
};
