import { roundDecimal } from '@elevate/sdk/money';

// Exact intermediates that have no currency yet: quantities, quantity × unit price, a price
// divided by (1 + inclusive rates). Money itself (currencies, minor units, rounding to them,
// sums) is the SDK's (`@elevate/sdk` money); this only carries a value at 12 decimals until the
// SDK rounds it to a currency. Parsing is the SDK's too (roundDecimal: plain decimals only).

/** Internal scale: 10^-12, enough for quantity × price × rate before rounding. */
export const SCALE = 12;
const ONE = 10n ** BigInt(SCALE);

export type Exact = bigint;

/** "12.5" → 12.5 × 10^12 (throws the SDK's 400 INVALID_DECIMAL on anything but a plain decimal). */
export function exact(value: string): Exact {
  return BigInt(roundDecimal(value, SCALE).replace('.', ''));
}

/** The exact value as a decimal string (12 decimals), for the SDK's `round(value, currency)`. */
export function decimal(v: Exact): string {
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(SCALE + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`;
}

/** a × b at the internal scale (half away from zero). */
export const mul = (a: Exact, b: Exact): Exact => divRound(a * b, ONE);

/** a ÷ b at the internal scale (half away from zero). */
export const div = (a: Exact, b: Exact): Exact => divRound(a * ONE, b);

function divRound(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new Error('division by zero');
  const neg = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const q = (n * 2n + d) / (2n * d);
  return neg ? -q : q;
}

/** A quantity with 4 decimals (the stock unit's precision), e.g. "2.5000". */
export const quantity4 = (v: Exact): string => roundDecimal(decimal(v), 4);

export const ZERO: Exact = 0n;
export const HUNDRED: Exact = exact('100');
