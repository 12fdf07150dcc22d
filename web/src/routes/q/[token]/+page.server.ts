import { fail } from '@sveltejs/kit';
import { t } from '#lib/i18n.ts';
import { CLIENT_IP_HEADER, type KernelError, kernelJson } from '#lib/server/kernel.ts';
import type { Actions, PageServerLoad } from './$types';

// A quote shared with its customer (`/q/<token>`, the link the sales addon hands out): no sign-in.
// The token names the company (its first 32 hex digits are the tenant id); the kernel's public
// sales routes check the rest, count calls per address (the browser's, passed on below) and
// record the acceptance with that address.

export interface PublicLine {
  kind: 'product' | 'section' | 'note';
  description: string | null;
  quantity: string;
  unitPrice: string;
  discountPercent: string | null;
  discountAmount: string | null;
  amountUntaxed: string;
  amountTax: string;
  amountTotal: string;
}

export interface PublicQuote {
  company: string;
  customer: { name: string | null; company: string | null } | null;
  number: string;
  revision: number;
  state: string;
  expired: boolean;
  currency: string;
  validUntil: string | null;
  amountUntaxed: string;
  amountTax: string;
  amountTotal: string;
  acceptedAt: string | null;
  acceptedName: string | null;
  lines: PublicLine[];
  taxSummary: { name: string; rate: string; inclusive: boolean; base: string; amount: string }[];
}

function apiPath(token: string): string | null {
  const m = /^([0-9a-f]{32})\.[A-Za-z0-9_-]{43}$/.exec(token);
  if (!m) return null;
  const h = m[1] as string;
  const tenant = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return `/api/v1/sales/public/${tenant}/quotes/${token}`;
}

export const load: PageServerLoad = async ({ params, request }) => {
  const path = apiPath(params.token);
  if (!path) return { quote: null, problem: { status: 404, code: 'NOT_FOUND', message: '' } };
  const res = await kernelJson<PublicQuote>(path, { clientIp: request.headers.get(CLIENT_IP_HEADER) });
  if (res.ok) return { quote: res.data, problem: null };
  return { quote: null, problem: { status: res.status, code: res.error.code, message: res.error.message } };
};

const fieldError = (err: KernelError, field: string) => err.details?.find((d) => d.path === field)?.message;

export const actions: Actions = {
  default: async ({ params, request }) => {
    const form = await request.formData();
    const name = String(form.get('name') ?? '').trim();
    const mode = form.get('mode') === 'draw' ? 'draw' : 'type';
    const signature = String(form.get(mode === 'draw' ? 'drawn' : 'typed') ?? '').trim();
    const errors: Record<string, string> = {};
    if (!name) errors.name = t('quotePage.nameRequired');
    if (!signature) errors.signature = mode === 'draw' ? t('quotePage.drawRequired') : t('quotePage.typeRequired');
    if (Object.keys(errors).length) return fail(400, { name, mode, errors, message: '' });
    const path = apiPath(params.token);
    if (!path) return fail(404, { name, mode, errors, message: t('quotePage.linkInvalid') });
    const res = await kernelJson<{ accepted: boolean; orderNumber: string }>(`${path}/accept`, {
      body: { name, signature },
      clientIp: request.headers.get(CLIENT_IP_HEADER),
    });
    if (res.ok) return { accepted: true, orderNumber: res.data.orderNumber };
    for (const field of ['name', 'signature']) {
      const m = fieldError(res.error, field);
      if (m) errors[field] = t(field === 'name' ? 'quotePage.fieldName' : 'quotePage.fieldSignature', { message: m });
    }
    return fail(res.status >= 500 ? 503 : res.status, { name, mode, errors, message: res.error.message });
  },
};
