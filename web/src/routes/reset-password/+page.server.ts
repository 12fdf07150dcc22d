import { fail } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import { fieldErrors } from '#lib/server/account-errors.ts';
import { kernelJson } from '#lib/server/kernel.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ token: url.searchParams.get('token') ?? '' });

export const actions: Actions = {
  default: async ({ request }) => {
    const form = await request.formData();
    const token = String(form.get('token') ?? '');
    const password = String(form.get('password') ?? '');
    const confirm = String(form.get('confirm') ?? '');
    if (password !== confirm) {
      return fail(400, {
        errors: { confirm: t('reset.mismatch') } as Record<string, string>,
        message: '',
      });
    }
    const res = await kernelJson<{ tenant: { slug: string } }>('/api/v1/auth/password/reset', {
      body: { token, password },
    });
    if (!res.ok) {
      return fail(res.status === 503 ? 503 : 400, { errors: fieldErrors(res.error), message: res.error.message });
    }
    return { done: true, slug: res.data.tenant.slug };
  },
};
