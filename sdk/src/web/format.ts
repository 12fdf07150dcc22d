// Locale-aware formatting with the user's locale and time zone, the same on the server and in the
// browser (so hydration never redraws a date or an amount). The server answers each request with
// its own settings (hooks.server.ts registers a source backed by the request); the browser uses the
// settings the server rendered with (the root layout passes them on).

import { formatMoney as exactMoney, isCurrency, type Money, round } from '../money.ts';

export interface FormatSettings {
  /** A BCP 47 tag, e.g. 'de-DE'. */
  locale: string;
  /** An IANA time zone, e.g. 'America/Los_Angeles'. */
  timeZone: string;
}

export const DEFAULT_FORMAT: FormatSettings = { locale: 'en-US', timeZone: 'UTC' };

let requestSource: () => FormatSettings | undefined = () => undefined;
let pageSettings: FormatSettings | null = null;

/** Server only: where the current request's settings come from (set once at start-up). */
export function setFormatSource(source: () => FormatSettings | undefined): void {
  requestSource = source;
}

/** Browser only: the settings the page was rendered with on the server. */
export function setFormatSettings(settings: FormatSettings): void {
  pageSettings = settings;
}

/** The settings in force: the request's on the server, the page's in the browser. */
export function formatSettings(): FormatSettings {
  return requestSource() ?? pageSettings ?? DEFAULT_FORMAT;
}

// Building an Intl formatter costs far more than using one: keep them per settings and options.
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    if (cache.size > 500) cache.clear();
    f = make();
    cache.set(key, f);
  }
  return f;
}

/**
 * An amount in the user's locale with the currency's own minor units (JPY none, USD 2, KWD 3),
 * exactly: a decimal string goes to Intl as a string, never through a float, so no cent is lost.
 * A Money object, or an amount and its currency. Numbers are accepted for older callers (exact
 * only when they are); anything unreadable is shown as given.
 */
export function formatMoney(amount: Money | string | number | null | undefined, currency = 'USD'): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const m: Money = typeof amount === 'object' ? amount : { amount: String(amount), currency };
  const { locale } = formatSettings();
  try {
    return exactMoney(isCurrency(m.currency) ? roundedForDisplay(m) : m, locale);
  } catch {
    return `${m.amount} ${m.currency}`;
  }
}

/** Amounts in several currencies, one after the other ("€7.00 · ¥300 · $0.30"); "—" for none. */
export function formatAmounts(list: readonly Money[], separator = ' · '): string {
  return list.length ? list.map((m) => formatMoney(m)).join(separator) : '—';
}

/** A number's shortest decimal text can carry float noise (0.1 + 0.2): round it to the currency, visibly. */
function roundedForDisplay(m: Money): Money {
  return /^-?\d+(\.\d+)?$/.test(m.amount) ? round(m.amount, m.currency) : m;
}

export function formatDate(value: string | null | undefined, withTime = false): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const { locale, timeZone } = formatSettings();
  return cached(
    `d|${locale}|${timeZone}|${withTime}`,
    () =>
      new Intl.DateTimeFormat(
        locale,
        withTime ? { dateStyle: 'medium', timeStyle: 'short', timeZone } : { dateStyle: 'medium', timeZone },
      ),
  ).format(d);
}

/**
 * A calendar day (`YYYY-MM-DD`, a `date` column: a close date, a rate's valid-from) in the user's
 * locale. No time zone applies: 2025-01-15 is the 15th everywhere (formatDate would show the 14th
 * west of UTC, as it reads the day as midnight UTC).
 */
export function formatDay(value: string | null | undefined): string {
  if (!value) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return formatDate(value);
  const { locale } = formatSettings();
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return cached(
    `day|${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }),
  ).format(d);
}

export function formatNumber(n: number): string {
  const { locale } = formatSettings();
  return cached(`n|${locale}`, () => new Intl.NumberFormat(locale)).format(n);
}
