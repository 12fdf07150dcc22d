// Exact decimal arithmetic for quantities and unit factors (strings in, strings out), on BigInt:
// no floating point ever touches an amount.

const SCALE = 12;
const ONE = 10n ** BigInt(SCALE);

/** "12.5" → 12.5 × 10^12 as a BigInt. Throws on anything that is not a plain decimal. */
export function parse(value: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new Error(`not a decimal: ${value}`);
  const frac = (m[3] ?? '').padEnd(SCALE, '0').slice(0, SCALE);
  const n = BigInt(m[2] as string) * ONE + BigInt(frac || '0');
  return m[1] ? -n : n;
}

/** Back to a string with `places` decimals, rounding half away from zero. */
export function format(n: bigint, places = 4): string {
  const neg = n < 0n;
  let abs = neg ? -n : n;
  const drop = 10n ** BigInt(SCALE - places);
  abs = (abs + drop / 2n) / drop;
  const unit = 10n ** BigInt(places);
  const int = abs / unit;
  const frac = (abs % unit).toString().padStart(places, '0');
  const s = places ? `${int}.${frac}` : `${int}`;
  return neg && abs !== 0n ? `-${s}` : s;
}

/** qty × from ÷ to, exact up to 10^-12, then rounded to 4 places: a unit conversion. */
export function convert(qty: string, fromFactor: string, toFactor: string): string {
  const q = parse(qty);
  const a = parse(fromFactor);
  const b = parse(toFactor);
  if (b === 0n) throw new Error('a unit factor cannot be zero');
  const num = q * a;
  // Round the division half away from zero at the internal scale.
  const den = b;
  const twice = (2n * num) / den;
  const exact = twice >= 0n ? (twice + 1n) / 2n : (twice - 1n) / 2n;
  return format(exact, 4);
}

export const isPositive = (v: string) => parse(v) > 0n;
export const compare = (a: string, b: string) => {
  const d = parse(a) - parse(b);
  return d === 0n ? 0 : d > 0n ? 1 : -1;
};
export const sub = (a: string, b: string) => format(parse(a) - parse(b));
export const add = (a: string, b: string) => format(parse(a) + parse(b));

/** a ÷ b (both at the internal scale) as a string with `places` decimals, rounded half away from zero. */
export function ratio(a: bigint, b: bigint, places = 6): string {
  if (b === 0n) throw new Error('division by zero');
  const twice = (2n * a * ONE) / b;
  return format(twice >= 0n ? (twice + 1n) / 2n : (twice - 1n) / 2n, places);
}
