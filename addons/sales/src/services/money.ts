// Exact decimal amounts on BigInt (strings in, strings out): no floating point touches money.
// Kept small on purpose so it can be swapped for the SDK's money module (sdk/src/money.ts) when
// that lands; everything here is decimal strings and currency codes.

/** Internal scale: 10^-12, enough for quantity × price × rate before rounding. */
const SCALE = 12;
const ONE = 10n ** BigInt(SCALE);

// ISO 4217 minor units where they are not 2.
const MINOR: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** The number of decimals of a currency (JPY 0, USD 2, KWD 3). */
export const minorUnits = (currency: string): number => MINOR[currency.toUpperCase()] ?? 2;

export type Exact = bigint;

/** "12.5" → 12.5 × 10^12. Throws on anything but a plain decimal. */
export function exact(value: string): Exact {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new Error(`not a decimal: ${value}`);
  const frac = (m[3] ?? '').padEnd(SCALE, '0').slice(0, SCALE);
  const n = BigInt(m[2] as string) * ONE + BigInt(frac || '0');
  return m[1] ? -n : n;
}

/** a × b at the internal scale (half away from zero). */
export function mul(a: Exact, b: Exact): Exact {
  return divRound(a * b, ONE);
}

/** a ÷ b at the internal scale (half away from zero). */
export function div(a: Exact, b: Exact): Exact {
  return divRound(a * ONE, b);
}

function divRound(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new Error('division by zero');
  const neg = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const q = (n * 2n + d) / (2n * d);
  return neg ? -q : q;
}

/** Rounds to `places` decimals, half away from zero (commercial rounding). */
export function round(v: Exact, places: number): Exact {
  const step = 10n ** BigInt(SCALE - places);
  return divRound(v, step) * step;
}

/** As a string with `places` decimals (rounded half away from zero). */
export function text(v: Exact, places: number): string {
  const r = divRound(v, 10n ** BigInt(SCALE - places));
  const neg = r < 0n;
  const abs = neg ? -r : r;
  const unit = 10n ** BigInt(places);
  const s = places ? `${abs / unit}.${(abs % unit).toString().padStart(places, '0')}` : `${abs}`;
  return neg ? `-${s}` : s;
}

export const ZERO: Exact = 0n;
export const HUNDRED: Exact = exact('100');
