import { fail } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import { kernelJson } from '#lib/server/kernel.ts';
import type { Actions } from './$types';

export const actions: Actions = {
  default: async ({ request, params }) => {
    const form = await request.formData();
    const email = String(form.get('email') ?? '').trim();
    if (!email) return fail(400, { email, message: t('forgot.enterEmail') });
    const res = await kernelJson('/api/v1/auth/password/forgot', { body: { tenant: params.tenant, email } });
    if (!res.ok) return fail(res.status === 503 ? 503 : 400, { email, message: res.error.message });
    // The same answer whether or not the account exists.
    return { sent: true, email };
  },
};
