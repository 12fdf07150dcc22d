import { fail, redirect } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import { CLIENT_IP_HEADER, kernelJson } from '#lib/server/kernel.ts';
import { setSession, type Tokens } from '#lib/server/session.ts';
import { slugify } from '#lib/tenant.ts';
import type { Actions } from './$types';

export const actions: Actions = {
  default: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const values = {
      company: String(form.get('company') ?? '').trim(),
      slug: String(form.get('slug') ?? '')
        .trim()
        .toLowerCase(),
      name: String(form.get('name') ?? '').trim(),
      email: String(form.get('email') ?? '').trim(),
    };
    const password = String(form.get('password') ?? '');
    const errors: Record<string, string> = {};
    if (!values.company) errors.company = t('signup.enterCompany');
    if (!values.slug) values.slug = slugify(values.company);
    if (!values.email) errors.email = t('forgot.enterEmail');
    if (password.length < 10) errors.password = t('signup.tooShort');
    if (Object.keys(errors).length) return fail(400, { values, errors, message: t('signup.correct') });

    const res = await kernelJson<Tokens & { tenant: { slug: string } }>('/api/v1/auth/signup', {
      body: {
        company: values.company,
        slug: values.slug,
        email: values.email,
        password,
        ...(values.name ? { name: values.name } : {}),
      },
      clientIp: request.headers.get(CLIENT_IP_HEADER),
    });
    if (!res.ok) {
      for (const d of res.error.details ?? []) {
        const field = d.path === 'name' ? 'company' : d.path;
        if (field) errors[field] = d.message.replace(/^must/, 'It must');
      }
      if (res.error.code === 'TENANT_SLUG_TAKEN') errors.slug = t('signup.slugTaken');
      return fail(res.status === 503 ? 503 : 400, { values, errors, message: res.error.message });
    }
    const slug = res.data.tenant.slug;
    setSession(cookies, slug, `/t/${slug}`, res.data, url.protocol === 'https:');
    redirect(303, `/t/${slug}/admin/marketplace?welcome=1`);
  },
};
