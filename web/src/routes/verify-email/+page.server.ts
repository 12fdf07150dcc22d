import { fail } from '@sveltejs/kit';
import { kernelJson } from '#lib/server/kernel.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ token: url.searchParams.get('token') ?? '' });

// A button, not the page load, confirms: mail scanners that open links must not spend the token.
export const actions: Actions = {
  default: async ({ request }) => {
    const token = String((await request.formData()).get('token') ?? '');
    const res = await kernelJson<{ tenant: { slug: string } }>('/api/v1/auth/email/verify', { body: { token } });
    if (!res.ok) return fail(res.status === 503 ? 503 : 400, { message: res.error.message });
    return { done: true, slug: res.data.tenant.slug };
  },
};
