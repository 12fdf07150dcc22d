import { fail, redirect } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import { fieldErrors } from '#lib/server/account-errors.ts';
import { kernelJson } from '#lib/server/kernel.ts';
import { setSession, type Tokens } from '#lib/server/session.ts';
import type { Actions, PageServerLoad } from './$types';

interface Preview {
  email: string;
  company: string;
  role: string;
}

export const load: PageServerLoad = async ({ url }) => {
  const token = url.searchParams.get('token') ?? '';
  if (!token) return { token, invitation: null };
  const res = await kernelJson<Preview>(`/api/v1/auth/invitations/preview?token=${encodeURIComponent(token)}`);
  return { token, invitation: res.ok ? res.data : null };
};

export const actions: Actions = {
  default: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const token = String(form.get('token') ?? '');
    // Joining with the account the invitee has in another company (one identity, its password).
    if (form.get('mode') === 'existing') {
      const tenant = String(form.get('company') ?? '').trim();
      const password = String(form.get('existingPassword') ?? '');
      const errors: Record<string, string> = {};
      if (!tenant) errors.company = t('acceptInvite.enterCompany');
      if (!password) errors.existingPassword = t('acceptInvite.enterPassword');
      if (Object.keys(errors).length) return fail(400, { mode: 'existing', company: tenant, errors, message: '' });
      const res = await kernelJson<Tokens & { tenant: { slug: string } }>('/api/v1/auth/invitations/accept', {
        body: { token, existing: { tenant, password } },
      });
      if (!res.ok) {
        return fail(res.status === 503 ? 503 : 400, {
          mode: 'existing',
          company: tenant,
          errors: fieldErrors(res.error, { 'existing/password': 'existingPassword', 'existing/tenant': 'company' }),
          message: res.error.message,
        });
      }
      const slug = res.data.tenant.slug;
      setSession(cookies, slug, `/t/${slug}`, res.data, url.protocol === 'https:');
      redirect(303, `/t/${slug}`);
    }
    const name = String(form.get('name') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!name)
      return fail(400, { name, errors: { name: t('acceptInvite.enterName') } as Record<string, string>, message: '' });
    const res = await kernelJson<Tokens & { tenant: { slug: string } }>('/api/v1/auth/invitations/accept', {
      body: { token, name, password },
    });
    if (!res.ok) {
      return fail(res.status === 503 ? 503 : 400, { name, errors: fieldErrors(res.error), message: res.error.message });
    }
    const slug = res.data.tenant.slug;
    setSession(cookies, slug, `/t/${slug}`, res.data, url.protocol === 'https:');
    redirect(303, `/t/${slug}`);
  },
};
