import { describe, expect, it } from 'vitest';
import { fromStripeAmount, toStripeAmount } from './amounts.ts';

describe('Stripe amounts', () => {
  it('converts exact decimals to Stripe integers in each currency class', () => {
    expect(toStripeAmount('19.99', 'EUR')).toBe(1999n);
    expect(toStripeAmount('19.9', 'USD')).toBe(1990n);
    expect(toStripeAmount('1500', 'JPY')).toBe(1500n);
    expect(toStripeAmount('1500.00', 'JPY')).toBe(1500n);
    expect(toStripeAmount('1.25', 'KWD')).toBe(1250n);
    // Beyond a double's exact range: still exact.
    expect(toStripeAmount('90071992547409.93', 'EUR')).toBe(9007199254740993n);
  });

  it('refuses more decimals than the currency has, naming the field', () => {
    expect(() => toStripeAmount('19.999', 'EUR')).toThrow(
      expect.objectContaining({
        details: [{ path: 'amount.amount', message: 'has more than 2 decimals, the minor unit of EUR' }],
      }),
    );
    expect(() => toStripeAmount('10.5', 'JPY')).toThrow(/Invalid amount/);
    expect(() => toStripeAmount('1.255', 'KWD')).toThrow(
      expect.objectContaining({ details: [{ path: 'amount.amount', message: 'Stripe takes KWD only to 2 decimals' }] }),
    );
    for (const bad of ['0', '0.00', '-1', '1e3', '1.', 'NaN', '']) expect(() => toStripeAmount(bad, 'EUR')).toThrow();
    expect(() => toStripeAmount('1', 'eur')).toThrow(
      expect.objectContaining({ details: [{ path: 'amount.currency', message: 'must be an ISO 4217 code like EUR' }] }),
    );
  });

  it('reads Stripe integers back as exact decimals', () => {
    expect(fromStripeAmount(1999, 'eur')).toEqual({ amount: '19.99', currency: 'EUR' });
    expect(fromStripeAmount(5, 'usd')).toEqual({ amount: '0.05', currency: 'USD' });
    expect(fromStripeAmount(1500, 'jpy')).toEqual({ amount: '1500', currency: 'JPY' });
    expect(fromStripeAmount(1250, 'kwd')).toEqual({ amount: '1.250', currency: 'KWD' });
  });
});
