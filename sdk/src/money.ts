// Exact money: an amount as a decimal string plus an ISO 4217 currency, never a float. Arithmetic
// is bigint on minor units (cents, fils, yen); rounding is explicit (half-up or half-even);
// amounts of different currencies are never added together (sumByCurrency groups them, convert
// moves one across with a given rate). Pure: the same module runs on the server and in the browser.

import { AppError } from './errors.ts';
import { currencies } from './money-currencies.ts';
import {
  atScale,
  atScaleExact,
  DECIMAL_PATTERN,
  type Decimal,
  type DecimalInput,
  divRound,
  MoneyError,
  multiplyDecimal,
  parseDecimal,
  type RoundingMode,
  unitsToString,
} from './money-decimal.ts';

export { currencies } from './money-currencies.ts';
export {
  addExact,
  type DecimalInput,
  MoneyError,
  multiplyExact,
  type RoundingMode,
  roundDecimal,
} from './money-decimal.ts';

/**
 * An exact amount in one currency. `amount` is a plain decimal string with exactly the currency's
 * minor units when it comes out of this module ("12.30" USD, "1200" JPY, "1.250" KWD).
 */
export interface Money {
  readonly amount: string;
  readonly currency: string;
}

const CODE = /^[A-Z]{3}$/;

/** Whether `code` is an active ISO 4217 currency this module knows. */
export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && CODE.test(code) && Object.hasOwn(currencies, code);
}

/** Digits after the decimal point for `currency` (JPY 0, USD 2, KWD 3); UNKNOWN_CURRENCY otherwise. */
export function minorUnits(currency: string, field?: string): number {
  if (!isCurrency(currency)) {
    const what = `"${String(currency).slice(0, 20)}" is not an ISO 4217 currency code (e.g. USD, EUR, JPY)`;
    throw new MoneyError('UNKNOWN_CURRENCY', field ? `${field}: ${what}` : what, field);
  }
  return currencies[currency] as number;
}

/** Currencies that cannot be combined (adding USD to EUR): 422 CURRENCY_MISMATCH. */
export class CurrencyMismatchError extends AppError {
  constructor(a: string, b: string) {
    super('CURRENCY_MISMATCH', `Cannot combine amounts in ${a} and ${b}: convert one of them first`, {
      status: 422,
      details: [{ message: `${a} and ${b} differ`, currencies: [a, b] }],
    });
    this.name = 'CurrencyMismatchError';
  }
}

const build = (minor: bigint, currency: string): Money => ({
  amount: unitsToString(minor, currencies[currency] as number),
  currency,
});

/**
 * A Money from a stored or computed decimal (e.g. a numeric(20,6) column's "12.300000"): extra
 * fraction digits are accepted only when they are zeros, so nothing is ever rounded away silently.
 */
export function money(amount: DecimalInput, currency: string, field?: string): Money {
  return build(minorOf(amount, currency, field), currency);
}

function minorOf(amount: DecimalInput, currency: string, field?: string): bigint {
  const digits = minorUnits(currency, field);
  const minor = atScaleExact(parseDecimal(amount, field), digits);
  if (minor === null) {
    const what = `${String(amount)} has more than ${digits} decimal${digits === 1 ? '' : 's'}, the most ${currency} allows`;
    throw new MoneyError('INVALID_AMOUNT', field ? `${field}: ${what}` : what, field);
  }
  return minor;
}

/**
 * Parses what a person typed: "1234.5" → 1234.50 USD. Strict: plain decimal notation only (no
 * exponent, NaN, thousands separators) and no more decimals than the currency has — "1.000" JPY
 * is refused rather than guessed.
 */
export function parseMoney(text: string, currency: string, field?: string): Money {
  const digits = minorUnits(currency, field);
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const m = DECIMAL_PATTERN.exec(trimmed);
  if (!m) {
    const what = `"${String(text).slice(0, 40)}" is not an amount (write it like 1234.56)`;
    throw new MoneyError('INVALID_AMOUNT', field ? `${field}: ${what}` : what, field);
  }
  if ((m[3]?.length ?? 0) > digits) {
    const what = `${trimmed} has more decimals than ${currency} allows (${digits})`;
    throw new MoneyError('INVALID_AMOUNT', field ? `${field}: ${what}` : what, field);
  }
  return money(trimmed, currency, field);
}

/** The amount in minor units: 12.34 USD → 1234n, 1200 JPY → 1200n, 1.250 KWD → 1250n. */
export function toMinor(m: Money): bigint {
  return minorOf(m.amount, m.currency);
}

/** Minor units back to Money: fromMinor(1234n, 'USD') → 12.34 USD. */
export function fromMinor(minor: bigint | number, currency: string): Money {
  minorUnits(currency);
  return build(parseDecimal(minor).units, currency);
}

export function zero(currency: string): Money {
  return fromMinor(0n, currency);
}

function same(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}

export function add(a: Money, b: Money): Money {
  same(a, b);
  return build(toMinor(a) + toMinor(b), a.currency);
}

export function subtract(a: Money, b: Money): Money {
  same(a, b);
  return build(toMinor(a) - toMinor(b), a.currency);
}

export function negate(m: Money): Money {
  return build(-toMinor(m), m.currency);
}

/** -1, 0 or 1; CURRENCY_MISMATCH across currencies. */
export function compare(a: Money, b: Money): -1 | 0 | 1 {
  same(a, b);
  const x = toMinor(a);
  const y = toMinor(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(m: Money): boolean {
  return toMinor(m) === 0n;
}

export function isNegative(m: Money): boolean {
  return toMinor(m) < 0n;
}

/** Any decimal as an amount of `currency`, rounded to its minor units: round("0.005", "USD", "half-even") → 0.00. */
export function round(value: DecimalInput, currency: string, mode: RoundingMode = 'half-up'): Money {
  return build(atScale(parseDecimal(value), minorUnits(currency), mode), currency);
}

/** m as a decimal at its currency's scale (validated). */
function exactOf(m: Money): Decimal {
  return { units: minorOf(m.amount, m.currency), scale: minorUnits(m.currency) };
}

/** m × quantity (a decimal: "1.5", "0.25"), rounded once to the currency's minor units. */
export function multiply(m: Money, quantity: DecimalInput, mode: RoundingMode = 'half-up'): Money {
  const exact = multiplyDecimal(exactOf(m), parseDecimal(quantity, 'quantity'));
  return build(atScale(exact, minorUnits(m.currency), mode), m.currency);
}

/** percent % of m: percentOf(19.99 EUR, "19") → 3.80 EUR (3.7981 rounded). */
export function percentOf(m: Money, percent: DecimalInput, mode: RoundingMode = 'half-up'): Money {
  const p = parseDecimal(percent, 'percent');
  return multiply(m, unitsToString(p.units, p.scale + 2), mode);
}

/**
 * m converted with `rate` (1 m.currency = rate `to`), rounded once to the target's minor units:
 * convert(100 USD, "151.237", "JPY") → 15124 JPY. The rate must be positive.
 */
export function convert(m: Money, rate: DecimalInput, to: string, mode: RoundingMode = 'half-up'): Money {
  const digits = minorUnits(to, 'currency');
  const r = parseDecimal(rate, 'rate');
  if (r.units <= 0n) throw new MoneyError('INVALID_RATE', `rate: ${String(rate)} must be greater than 0`, 'rate');
  const exact = multiplyDecimal(exactOf(m), r);
  return build(atScale(exact, digits, mode), to);
}

/** The inverse of a rate to `digits` decimals (half-even): inverseRate("4", 10) → "0.2500000000". */
export function inverseRate(rate: DecimalInput, digits = 10): string {
  const r = parseDecimal(rate, 'rate');
  if (r.units <= 0n) throw new MoneyError('INVALID_RATE', `rate: ${String(rate)} must be greater than 0`, 'rate');
  // 1 / (units / 10^scale) = 10^scale / units; at `digits` decimals: 10^(scale+digits) / units.
  return unitsToString(divRound(10n ** BigInt(r.scale + digits), r.units, 'half-even'), digits);
}

/**
 * Splits m by `ratios` without losing or inventing a minor unit (largest remainder: the leftover
 * units go to the shares with the largest remainders, earlier ones first on ties).
 * allocate(100.00, [1, 1, 1]) → 33.34, 33.33, 33.33; allocate(100.00, ["50", "50"]) → 50.00, 50.00.
 */
export function allocate(m: Money, ratios: readonly DecimalInput[]): Money[] {
  if (ratios.length === 0) throw new MoneyError('INVALID_RATIOS', 'ratios: give at least one ratio', 'ratios');
  const parsed = ratios.map((r) => parseDecimal(r, 'ratios'));
  const scale = Math.max(...parsed.map((r) => r.scale));
  const weights = parsed.map((r) => atScale(r, scale, 'half-up'));
  if (weights.some((w) => w < 0n)) {
    throw new MoneyError('INVALID_RATIOS', 'ratios: every ratio must be 0 or more', 'ratios');
  }
  const total = weights.reduce((s, w) => s + w, 0n);
  if (total === 0n) throw new MoneyError('INVALID_RATIOS', 'ratios: at least one ratio must be above 0', 'ratios');
  const minor = toMinor(m);
  const sign = minor < 0n ? -1n : 1n;
  const abs = minor * sign;
  const shares = weights.map((w) => (abs * w) / total);
  const remainders = weights.map((w, i) => ({ i, r: (abs * w) % total }));
  let left = abs - shares.reduce((s, x) => s + x, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    shares[i] = (shares[i] as bigint) + 1n;
    left -= 1n;
  }
  return shares.map((s) => build(s * sign, m.currency));
}

/** Totals per currency, sorted by code; amounts in different currencies are never added together. */
export function sumByCurrency(list: Iterable<Money>): Money[] {
  const totals = new Map<string, bigint>();
  for (const m of list) totals.set(m.currency, (totals.get(m.currency) ?? 0n) + toMinor(m));
  return [...totals.keys()].sort().map((c) => build(totals.get(c) as bigint, c));
}

/** The total of amounts in one currency (zero when empty); CURRENCY_MISMATCH if any differs. */
export function sum(list: Iterable<Money>, currency: string): Money {
  let total = 0n;
  for (const m of list) {
    if (m.currency !== currency) throw new CurrencyMismatchError(currency, m.currency);
    total += toMinor(m);
  }
  return build(total, currency);
}

export function equals(a: Money, b: Money): boolean {
  return a.currency === b.currency && toMinor(a) === toMinor(b);
}

export interface FormatMoneyOptions {
  /** How the currency is shown: symbol ($, €), narrowSymbol, code (USD) or name. Default symbol. */
  currencyDisplay?: 'symbol' | 'narrowSymbol' | 'code' | 'name';
  /** accounting: negative amounts in parentheses where the locale does that. */
  currencySign?: 'standard' | 'accounting';
}

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * The amount in `locale` with the currency's own minor units (JPY none, USD 2, KWD 3), exactly:
 * the decimal string goes to Intl as a string, never through a float, so 12345678901234567.89
 * keeps its cents. formatMoney({ amount: '1234.5', currency: 'EUR' }, 'de-DE') → "1.234,50 €".
 */
export function formatMoney(m: Money, locale: string, opts: FormatMoneyOptions = {}): string {
  const digits = minorUnits(m.currency);
  const amount = build(minorOf(m.amount, m.currency), m.currency).amount;
  const key = `${locale}|${m.currency}|${opts.currencyDisplay ?? ''}|${opts.currencySign ?? ''}`;
  let nf = formatters.get(key);
  if (!nf) {
    if (formatters.size > 500) formatters.clear();
    nf = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: m.currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      ...(opts.currencyDisplay ? { currencyDisplay: opts.currencyDisplay } : {}),
      ...(opts.currencySign ? { currencySign: opts.currencySign } : {}),
    });
    formatters.set(key, nf);
  }
  return nf.format(amount as Intl.StringNumericLiteral);
}

// ---- Exchange rates: the contract. The kernel implements it per tenant (`ctx.money`) from the
// tenant's dated rate table and company currency.

/** A rate as found for a date: 1 `from` = `rate` `to`, valid from `validOn` (YYYY-MM-DD). */
export interface ExchangeRate {
  readonly from: string;
  readonly to: string;
  /** A positive decimal string. */
  readonly rate: string;
  readonly validOn: string;
  /** True when only the opposite rate (to → from) was stored and this is its inverse. */
  readonly inverse: boolean;
}

/** No rate between two currencies on or before a date: 422 NO_EXCHANGE_RATE. */
export class NoExchangeRateError extends AppError {
  readonly from: string;
  readonly to: string;
  readonly date: string;
  constructor(from: string, to: string, date: string) {
    const message = `No exchange rate from ${from} to ${to} on or before ${date}: add one under Settings → Exchange rates`;
    super('NO_EXCHANGE_RATE', message, { status: 422, details: [{ message, from, to, date }] });
    this.name = 'NoExchangeRateError';
    this.from = from;
    this.to = to;
    this.date = date;
  }
}

/** Totals of amounts in several currencies, converted to one where rates allow. */
export interface ConvertedTotals {
  /** The company currency, when every amount could be converted into it; else null. */
  readonly total: Money | null;
  /** The same amounts per original currency (always given; never added across currencies). */
  readonly byCurrency: readonly Money[];
  /** Currencies with no rate to the company currency on the date (total is then null). */
  readonly missingRates: readonly string[];
}

/** `ctx.money`: the tenant's currency and exchange rates. */
export interface MoneyService {
  /** The tenant's company currency (ISO 4217). */
  companyCurrency(): Promise<string>;
  /**
   * The latest rate from → to on or before `date` (YYYY-MM-DD, default today in UTC); the
   * inverse of the latest to → from one when only that exists; "1" for the same currency.
   * Throws NoExchangeRateError (422) when neither exists.
   */
  rate(from: string, to: string, date?: string): Promise<ExchangeRate>;
  /** m in `to` at the rate for `date` (half-up to `to`'s minor units); NoExchangeRateError when none. */
  convert(m: Money, to: string, date?: string): Promise<Money>;
  /** Totals per currency, and their sum in the company currency when every currency has a rate. */
  totals(list: readonly Money[], date?: string): Promise<ConvertedTotals>;
}

// ---- Validation: a JSON Schema for request bodies, and the check ajv cannot do (minor units).

/**
 * The JSON Schema of a money value in a request body: `{ amount: "12.30", currency: "EUR" }`, the
 * amount a decimal string (a JSON number would be a float), the code three capitals. ajv cannot
 * know each currency's digits: run `checkMoney` after it.
 */
export function moneySchema(opts: { description?: string } = {}): Record<string, unknown> {
  return {
    type: 'object',
    required: ['amount', 'currency'],
    additionalProperties: false,
    ...(opts.description ? { description: opts.description } : {}),
    properties: {
      amount: { type: 'string', pattern: '^-?\\d{1,18}(\\.\\d{1,4})?$', description: 'a decimal string, e.g. "12.30"' },
      currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. "EUR"' },
    },
  };
}

/**
 * A money value from a request as Money, or a 400 naming the field: an unknown currency
 * (`<field>.currency`) or more decimals than it has (`<field>.amount`; "10.50" JPY is refused).
 */
export function checkMoney(value: unknown, field: string): Money {
  const v = (value ?? {}) as { amount?: unknown; currency?: unknown };
  if (!isCurrency(v.currency)) {
    throw new MoneyError(
      'UNKNOWN_CURRENCY',
      `${field}.currency: must be an ISO 4217 code like "EUR"`,
      `${field}.currency`,
    );
  }
  if (typeof v.amount !== 'string') {
    throw new MoneyError('INVALID_AMOUNT', `${field}.amount: must be a decimal string like "12.30"`, `${field}.amount`);
  }
  return parseMoney(v.amount, v.currency, `${field}.amount`);
}
