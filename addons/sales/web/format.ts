// Shared by the sales pages: state chips, exact sums per currency, contact names by id.

import { round, sumByCurrency } from '@elevate/sdk/money';
import type { Api } from '@elevate/sdk/web';
import { t } from './i18n.ts';
import type { ContactRef } from './types.ts';

type Key = Parameters<typeof t>[0];
/** A value's label in the user's language, read at call time (the value itself when unknown). */
const labels =
  (keys: Record<string, Key>) =>
  (value: string): string => {
    const key = keys[value];
    return key ? t(key) : value;
  };

export const quoteStateLabel = labels({
  draft: 'quoteState.draft',
  sent: 'quoteState.sent',
  accepted: 'quoteState.accepted',
  cancelled: 'quoteState.cancelled',
  expired: 'quoteState.expired',
  superseded: 'quoteState.superseded',
});
export const orderStateLabel = labels({
  draft: 'orderState.draft',
  confirmed: 'orderState.confirmed',
  done: 'orderState.done',
  cancelled: 'orderState.cancelled',
});
/** An order's timeline entry as the server names it ('partially delivered'), shown first-letter upper case. */
export const orderEventLabel = labels({
  draft: 'orderEvent.draft',
  confirmed: 'orderEvent.confirmed',
  delivered: 'orderEvent.delivered',
  'partially delivered': 'orderEvent.partiallyDelivered',
  done: 'orderEvent.done',
  cancelled: 'orderEvent.cancelled',
});
export const deliveryLabel = labels({
  nothing: 'delivery.nothing',
  partial: 'delivery.partial',
  full: 'delivery.full',
});

/** An invoice's status as the lists show it: drafts and cancelled by state, posted ones by payment. */
export const invoiceStatusLabel = labels({
  draft: 'invoiceStatus.draft',
  unpaid: 'invoiceStatus.unpaid',
  partial: 'invoiceStatus.partial',
  paid: 'invoiceStatus.paid',
  overdue: 'invoiceStatus.overdue',
  cancelled: 'invoiceStatus.cancelled',
});
export const invoiceStatus = (i: { state: string; paymentStatus: string }) =>
  i.state === 'posted' ? i.paymentStatus : i.state;
export const paymentMethodLabel = labels({
  manual: 'paymentMethod.manual',
  provider: 'paymentMethod.provider',
  credit_note: 'paymentMethod.credit_note',
});

const CHIP: Record<string, string> = {
  unpaid: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
  paid: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  overdue: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200',
  draft: 'bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200',
  sent: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
  accepted: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  confirmed: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
  done: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  full: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  partial: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  cancelled: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200',
  expired: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  posted: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
};
/** Classes of a state chip (text is always beside the colour, never colour alone). */
export const chip = (state: string) =>
  `inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${CHIP[state] ?? CHIP.draft}`;

/** Exact sums of `amount` per currency (the SDK's money: decimal strings, no floats), sorted by currency. */
export function totalsByCurrency(rows: readonly { currency: string; amount: string }[]) {
  return sumByCurrency(rows.map((r) => round(r.amount, r.currency)));
}

/**
 * The names of the contacts behind a page of documents: one call, which sales answers through crm's
 * ContactDirectory service (one statement). Unknown or hidden ones are left out.
 */
export async function contactNames(api: Api, ids: readonly (string | null | undefined)[]) {
  const unique = [...new Set(ids.filter((x): x is string => !!x))];
  if (!unique.length) return {} as Record<string, string>;
  const found = await api
    .get<{ data: ContactRef[] }>('/v1/sales/customers', { ids: unique.join(',') })
    .catch(() => ({ data: [] as ContactRef[] }));
  return Object.fromEntries(found.data.map((c) => [c.id, c.name])) as Record<string, string>;
}

/** A list page's link with its filters, one changed (empty values left out). */
export function listHref(path: string, params: Record<string, string>, change: Record<string, string | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...params, ...change })) if (v && !(k === 'offset' && v === '0')) q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
