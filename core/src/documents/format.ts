import { type ErrorDetail, ValidationError } from '@elevate/sdk';

// Exact money for documents: the amount string goes to Intl.NumberFormat as a string (formatted
// as the exact decimal, no float), with the currency's own minor units. Swap for the SDK's money
// helpers when they land.

const DECIMAL = /^-?\d{1,18}(\.\d{1,12})?$/;

/** Minor digits of a currency as ICU knows them (JPY 0, USD 2, KWD 3). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** pdfkit's standard fonts are WinAnsi: narrow no-break spaces and the minus sign are not in it. */
const winAnsi = (s: string) => s.replace(/[\u202f\u2009]/g, '\u00a0').replace(/\u2212/g, '-');

export function formatMoney(amount: string, currency: string, locale: string): string {
  const d = minorDigits(currency);
  const f = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: d,
    maximumFractionDigits: d,
  });
  // Intl formats a decimal string exactly (no conversion to a double).
  return winAnsi(f.format(amount as unknown as number));
}

export function formatQuantity(q: string, locale: string): string {
  return winAnsi(new Intl.NumberFormat(locale, { maximumFractionDigits: 6 }).format(q as unknown as number));
}

export function formatDate(iso: string, locale: string): string {
  return winAnsi(
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`)),
  );
}

/** Collects problems with the money values of a document (more decimals than the currency has). */
export function moneyProblems(
  values: readonly [path: string, value: string | undefined][],
  currency: string,
): ErrorDetail[] {
  const d = minorDigits(currency);
  const out: ErrorDetail[] = [];
  for (const [path, v] of values) {
    if (v === undefined) continue;
    if (!DECIMAL.test(v)) out.push({ path, message: 'must be a decimal string like "1234.50"' });
    else if ((v.split('.')[1] ?? '').replace(/0+$/, '').length > d) {
      out.push({ path, message: `has more decimals than ${currency} has (${d})` });
    }
  }
  return out;
}

export function assertMoney(values: readonly [string, string | undefined][], currency: string): void {
  const problems = moneyProblems(values, currency);
  if (problems.length) throw new ValidationError('Invalid document', problems);
}
