// Exact decimal arithmetic on bigint: a value is `units / 10^scale`. No floating point anywhere:
// decimals travel as strings ("12.30", "-0.005"), numbers are accepted only when they are safe integers.

import { AppError } from './errors.ts';

/** How a value that falls between two representable ones is rounded. */
export type RoundingMode =
  /** Half away from zero: 0.005 → 0.01, -0.005 → -0.01 (commercial rounding; Java's HALF_UP). */
  | 'half-up'
  /** Half to even (banker's): 0.005 → 0.00, 0.015 → 0.02, 0.025 → 0.02. */
  | 'half-even';

/** A decimal as a string ("12.5", "-3"), a bigint, or a safe integer number. */
export type DecimalInput = string | bigint | number;

export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** Plain decimal notation only: optional sign, digits, optional fraction. No exponent, no separators. */
export const DECIMAL_PATTERN = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** The longest decimal accepted (digits), so a hostile input cannot make bigint work unbounded. */
const MAX_DIGITS = 60;

/** Invalid money or decimal input (400), naming the field when the caller gave one. */
export class MoneyError extends AppError {
  constructor(code: string, message: string, field?: string) {
    super(code, message, { status: 400, details: [{ ...(field ? { path: field } : {}), message }] });
    this.name = 'MoneyError';
  }
}

const named = (field: string | undefined, what: string) => (field ? `${field}: ${what}` : what);

/** Parses a decimal exactly; throws INVALID_DECIMAL on anything else (NaN, "1e3", "1,5", floats). */
export function parseDecimal(input: DecimalInput, field?: string): Decimal {
  if (typeof input === 'bigint') return { units: input, scale: 0 };
  if (typeof input === 'number') {
    if (Number.isSafeInteger(input)) return { units: BigInt(input), scale: 0 };
    throw new MoneyError(
      'INVALID_DECIMAL',
      named(field, `${input} is not exact: pass decimals as strings, e.g. "12.50"`),
      field,
    );
  }
  const m = typeof input === 'string' ? DECIMAL_PATTERN.exec(input.trim()) : null;
  if (!m || input.length > MAX_DIGITS + 2) {
    throw new MoneyError(
      'INVALID_DECIMAL',
      named(field, `"${String(input).slice(0, 40)}" is not a decimal number (write it like 1234.56)`),
      field,
    );
  }
  const frac = m[3] ?? '';
  const units = BigInt(m[2] + frac);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

const TEN = 10n;
const pow10 = (n: number): bigint => TEN ** BigInt(n);

/** n / d rounded by `mode`; d > 0. */
export function divRound(n: bigint, d: bigint, mode: RoundingMode): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const away = n < 0n ? q - 1n : q + 1n;
  if (twice > d) return away;
  if (twice < d) return q;
  if (mode === 'half-up') return away;
  return q % 2n === 0n ? q : away;
}

/** The value's units at `scale` digits, rounded when digits are dropped. */
export function atScale(d: Decimal, scale: number, mode: RoundingMode): bigint {
  if (scale >= d.scale) return d.units * pow10(scale - d.scale);
  return divRound(d.units, pow10(d.scale - scale), mode);
}

/** The value's units at `scale` digits when that loses nothing; null when it would round. */
export function atScaleExact(d: Decimal, scale: number): bigint | null {
  if (scale >= d.scale) return d.units * pow10(scale - d.scale);
  const div = pow10(d.scale - scale);
  return d.units % div === 0n ? d.units / div : null;
}

export function multiplyDecimal(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = atScale(a, scale, 'half-up');
  const y = atScale(b, scale, 'half-up');
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `units / 10^scale` written with exactly `scale` fraction digits ("-0.05", "1200"). */
export function unitsToString(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

/** A decimal string rounded to `scale` fraction digits: roundDecimal("0.125", 2, "half-even") → "0.12". */
export function roundDecimal(value: DecimalInput, scale: number, mode: RoundingMode = 'half-up'): string {
  return unitsToString(atScale(parseDecimal(value), scale, mode), scale);
}

/** a × b exactly, as a decimal string with every digit kept: multiplyExact("2.50", "1.0825") → "2.706250". */
export function multiplyExact(a: DecimalInput, b: DecimalInput): string {
  const p = multiplyDecimal(parseDecimal(a, 'a'), parseDecimal(b, 'b'));
  return unitsToString(p.units, p.scale);
}

/** The exact sum of decimals at the largest scale among them: addExact("1.5", "0.25", "-2") → "-0.25". */
export function addExact(...values: DecimalInput[]): string {
  const parsed = values.map((v, i) => parseDecimal(v, `values.${i}`));
  const scale = Math.max(0, ...parsed.map((d) => d.scale));
  return unitsToString(
    parsed.reduce((sum, d) => sum + atScale(d, scale, 'half-up'), 0n),
    scale,
  );
}
