import { fail, redirect } from '@sveltejs/kit';
import { CLIENT_IP_HEADER, kernelJson } from '#lib/server/kernel.ts';
import { setSession, type Tokens } from '#lib/server/session.ts';
import { tenantBase } from '#lib/tenant.ts';
import { TENANT_DOMAIN } from '$app/env/public';
import type { Actions, PageServerLoad } from './$types';

/** Only paths of this site: never `//evil.example` or a full URL. */
function safeNext(base: string, next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : base || '/';
}

export const load: PageServerLoad = async ({ locals, parent, url }) => {
  const { base } = await parent();
  // Signed in already: go on (unless the page was sent here because its session ended).
  if (locals.accessToken && !url.searchParams.has('ended')) redirect(303, safeNext(base, url.searchParams.get('next')));
  return { email: url.searchParams.get('email') ?? '', ended: url.searchParams.has('ended') };
};

export const actions: Actions = {
  default: async ({ request, params, cookies, url }) => {
    const form = await request.formData();
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!email || !password) {
      return fail(400, { email, message: 'Enter your email and password.' });
    }
    const res = await kernelJson<Tokens>('/api/v1/auth/login', {
      body: { tenant: params.tenant, email, password },
      clientIp: request.headers.get(CLIENT_IP_HEADER),
    });
    if (!res.ok) {
      const message =
        res.error.code === 'VALIDATION_FAILED'
          ? 'Enter a valid email address and a password of 8 characters or more.'
          : res.error.message;
      return fail(res.status === 503 ? 503 : 400, { email, message });
    }
    const base = tenantBase(url, params.tenant, TENANT_DOMAIN);
    setSession(cookies, params.tenant, base, res.data, url.protocol === 'https:');
    redirect(303, safeNext(base, url.searchParams.get('next')));
  },
};
