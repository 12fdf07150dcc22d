// Locale-aware formatting with the user's locale and time zone, the same on the server and in the
// browser (so hydration never redraws a date or an amount). The server answers each request with
// its own settings (hooks.server.ts registers a source backed by the request); the browser uses the
// settings the server rendered with (the root layout passes them on).

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

export function formatMoney(amount: string | number | null | undefined, currency = 'USD'): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const n = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(n)) return String(amount);
  const { locale } = formatSettings();
  try {
    return cached(
      `m|${locale}|${currency}`,
      () => new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 }),
    ).format(n);
  } catch {
    return `${n.toFixed(0)} ${currency}`;
  }
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

export function formatNumber(n: number): string {
  const { locale } = formatSettings();
  return cached(`n|${locale}`, () => new Intl.NumberFormat(locale)).format(n);
}
