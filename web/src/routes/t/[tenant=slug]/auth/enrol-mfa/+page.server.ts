import { fail, redirect } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import { kernelJson } from '#lib/server/kernel.ts';
import type { Actions, PageServerLoad } from './$types';

interface Me {
  user: { name: string; email: string };
  tenant: { name: string };
  mfaEnrolmentRequired?: boolean;
}
interface Enrolment {
  secret: string;
  otpauthUrl: string;
  qr: string;
}

/**
 * The one page a session of a company that requires two-step sign-in may use before it has a
 * factor (the kernel answers 403 MFA_ENROLMENT_REQUIRED to everything else; core/src/auth/mfa-gate.ts).
 */
export const load: PageServerLoad = async ({ locals, parent }) => {
  const { base } = await parent();
  const token = locals.accessToken;
  if (!token) redirect(303, `${base}/auth/login`);
  const me = await kernelJson<Me>('/api/v1/core/me', { token });
  if (!me.ok) redirect(303, `${base}/auth/login?ended=1`);
  // Enrolled (just now: the confirm action re-runs this load and shows the backup codes), or
  // never required: the page offers to continue.
  return { user: me.data.user, company: me.data.tenant.name, done: !me.data.mfaEnrolmentRequired };
};

export const actions: Actions = {
  start: async ({ locals }) => {
    const res = await kernelJson<Enrolment>('/api/v1/core/account/mfa/enrol', { token: locals.accessToken, body: {} });
    if (!res.ok) return fail(res.status === 429 ? 429 : 400, { message: res.error.message });
    return { enrolment: res.data };
  },
  confirm: async ({ locals, request }) => {
    const form = await request.formData();
    const code = String(form.get('code') ?? '').trim();
    const enrolment = {
      secret: String(form.get('secret') ?? ''),
      otpauthUrl: String(form.get('otpauthUrl') ?? ''),
      qr: String(form.get('qr') ?? ''),
    };
    if (!code) return fail(400, { enrolment, message: t('mfa.enterCode') });
    const res = await kernelJson<{ backupCodes: string[] }>('/api/v1/core/account/mfa/confirm', {
      token: locals.accessToken,
      body: { code },
    });
    if (!res.ok) {
      return fail(400, {
        enrolment,
        message: res.error.code === 'INVALID_MFA_CODE' ? t('login.wrongCode') : res.error.message,
      });
    }
    return { backupCodes: res.data.backupCodes };
  },
};
