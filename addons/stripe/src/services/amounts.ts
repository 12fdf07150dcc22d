import { ValidationError } from '@elevate/sdk';

// Stripe's own table (docs.stripe.com/currencies): amounts are integers in the smallest unit;
// these currencies have none below the major unit, these have three (and Stripe takes only
// multiples of 10 in them, i.e. whole hundredths). Every other currency has two.
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

export function stripeDigits(currency: string): number {
  const c = currency.toUpperCase();
  return ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
}

const DECIMAL = /^(\d{1,15})(?:\.(\d{1,6}))?$/;
const CURRENCY = /^[A-Z]{3}$/;

/** `"19.99"` EUR → 1999n; refuses more decimals than the currency has, zero and negatives. */
export function toStripeAmount(amount: string, currency: string, path = 'amount'): bigint {
  if (!CURRENCY.test(currency)) {
    throw new ValidationError('Invalid currency', [
      { path: `${path}.currency`, message: 'must be an ISO 4217 code like EUR' },
    ]);
  }
  const m = DECIMAL.exec(amount);
  if (!m) {
    throw new ValidationError('Invalid amount', [
      { path: `${path}.amount`, message: 'must be a positive decimal string like "19.99"' },
    ]);
  }
  const digits = stripeDigits(currency);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > digits) {
    throw new ValidationError('Invalid amount', [
      { path: `${path}.amount`, message: `has more than ${digits} decimals, the minor unit of ${currency}` },
    ]);
  }
  const minor = BigInt(m[1] ?? '0') * 10n ** BigInt(digits) + BigInt(frac.padEnd(digits, '0') || '0');
  if (minor <= 0n)
    throw new ValidationError('Invalid amount', [{ path: `${path}.amount`, message: 'must be more than 0' }]);
  if (digits === 3 && minor % 10n !== 0n) {
    throw new ValidationError('Invalid amount', [
      { path: `${path}.amount`, message: `Stripe takes ${currency} only to 2 decimals` },
    ]);
  }
  return minor;
}

/** 1999 (Stripe's integer, `eur`) → `{ amount: "19.99", currency: "EUR" }`. */
export function fromStripeAmount(minor: number | bigint, currency: string): { amount: string; currency: string } {
  const c = currency.toUpperCase();
  const digits = stripeDigits(c);
  const v = BigInt(minor);
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(digits + 1, '0');
  const whole = s.slice(0, s.length - digits);
  const frac = digits ? `.${s.slice(s.length - digits)}` : '';
  return { amount: `${neg ? '-' : ''}${whole}${frac}`, currency: c };
}
