// Shared building blocks of addon pages: the kit's Tailwind classes (the app's Tailwind build scans
// the SDK's web folder), list state in the query string, a debounce, and field errors of an API answer.
import { ApiError } from './api.ts';

/** Classes for inputs, labels, buttons, cards, tables and error banners, in both themes. */
export const ui = {
  input:
    'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950',
  label: 'block text-sm font-medium',
  primary:
    'inline-flex items-center gap-2 rounded-md bg-primary px-4 py-2 text-sm font-semibold text-on-primary hover:bg-primary-hover disabled:opacity-60',
  secondary:
    'inline-flex items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:hover:bg-slate-800',
  card: 'rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900',
  muted: 'text-slate-600 dark:text-slate-400',
  th: 'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400',
  td: 'px-3 py-2 text-sm',
  error: 'rounded-md bg-red-50 p-3 text-sm text-red-800 dark:bg-red-950 dark:text-red-200',
  /** A text link in the primary colour; lightened on dark backgrounds, where the primary itself is too dim to read (WCAG contrast). */
  link: 'text-primary hover:underline dark:text-[color-mix(in_oklab,var(--primary)_40%,white)]',
};

/** A list's state in the query string: read with defaults, write without them. */
export function readParams<T extends Record<string, string>>(url: URL, defaults: T): T {
  const out = { ...defaults };
  for (const key of Object.keys(defaults)) {
    const v = url.searchParams.get(key);
    if (v !== null) (out as Record<string, string>)[key] = v;
  }
  return out;
}

export function withParams(url: URL, change: Record<string, string | number | null>): string {
  const next = new URL(url);
  for (const [k, v] of Object.entries(change)) {
    if (v === null || v === '') next.searchParams.delete(k);
    else next.searchParams.set(k, String(v));
  }
  return `${next.pathname}${next.search}`;
}

/**
 * Calls `fn` once, `ms` after the last call (e.g. a refresh after a burst of live events).
 * Cancel it when the page goes away, so a late call does not act on another page.
 */
export function debounce(fn: () => void, ms: number): (() => void) & { cancel(): void } {
  let t: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    if (t) clearTimeout(t);
    t = setTimeout(fn, ms);
  };
  return Object.assign(run, {
    cancel() {
      if (t) clearTimeout(t);
      t = null;
    },
  });
}

/**
 * The field errors of a failed save, keyed by field (`{ email: 'must be an email address' }`), from
 * the API's `details` (`path` is the field; `input.` prefixes of GraphQL are dropped). Empty when the
 * error is not a validation error of named fields.
 */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError)) return out;
  for (const d of err.details) {
    const key = (d.path ?? '').replace(/^input\./, '');
    if (key && !(key in out)) out[key] = d.message;
  }
  return out;
}
