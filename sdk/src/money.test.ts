import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import {
  add,
  addExact,
  allocate,
  CurrencyMismatchError,
  checkMoney,
  compare,
  convert,
  currencies,
  equals,
  formatMoney,
  fromMinor,
  inverseRate,
  isCurrency,
  isNegative,
  isZero,
  type Money,
  MoneyError,
  minorUnits,
  money,
  moneySchema,
  multiply,
  multiplyExact,
  negate,
  parseMoney,
  percentOf,
  round,
  roundDecimal,
  subtract,
  sum,
  sumByCurrency,
  toMinor,
  zero,
} from './money.ts';

const usd = (amount: string): Money => ({ amount, currency: 'USD' });
const amounts = (list: Money[]) => list.map((m) => m.amount);
// Intl separates the number and the symbol with a no-break space in many locales.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('currencies', () => {
  it('has the ISO 4217 minor units, including the ones Intl/CLDR gets wrong', () => {
    expect(currencies.USD).toBe(2);
    expect(currencies.EUR).toBe(2);
    expect(currencies.JPY).toBe(0);
    expect(currencies.KRW).toBe(0);
    expect(currencies.CLP).toBe(0);
    expect(currencies.ISK).toBe(0);
    expect(currencies.KWD).toBe(3);
    expect(currencies.BHD).toBe(3);
    expect(currencies.TND).toBe(3);
    // CLDR displays these with 0 decimals; ISO 4217 says 3 and 2.
    expect(currencies.IQD).toBe(3);
    expect(currencies.HUF).toBe(2);
    expect(currencies.IDR).toBe(2);
    expect(currencies.CLF).toBe(4);
    expect(Object.keys(currencies).length).toBeGreaterThan(150);
    for (const [code, digits] of Object.entries(currencies)) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3, 4]).toContain(digits);
    }
  });

  it('knows which codes are currencies; replaced ones (HRK) and metals (XAU) are not', () => {
    expect(isCurrency('USD')).toBe(true);
    expect(isCurrency('usd')).toBe(false);
    expect(isCurrency('HRK')).toBe(false);
    expect(isCurrency('XAU')).toBe(false);
    expect(isCurrency('toString')).toBe(false);
    expect(isCurrency(42)).toBe(false);
    expect(() => minorUnits('ABC', 'currency')).toThrow(/currency: "ABC" is not an ISO 4217/);
  });
});

describe('money, parseMoney, toMinor, fromMinor', () => {
  it('normalises to the currency minor units and back', () => {
    expect(money('12.3', 'USD')).toEqual({ amount: '12.30', currency: 'USD' });
    expect(money('12.300000', 'USD').amount).toBe('12.30'); // a numeric(20,6) column
    expect(money('1200', 'JPY').amount).toBe('1200');
    expect(money('1.25', 'KWD').amount).toBe('1.250');
    expect(money('-0.00', 'USD').amount).toBe('0.00');
    expect(money(-7n, 'USD').amount).toBe('-7.00');
    expect(toMinor(usd('12.34'))).toBe(1234n);
    expect(toMinor(usd('-0.05'))).toBe(-5n);
    expect(toMinor({ amount: '1200', currency: 'JPY' })).toBe(1200n);
    expect(toMinor({ amount: '1.25', currency: 'KWD' })).toBe(1250n);
    expect(fromMinor(1234n, 'USD')).toEqual(usd('12.34'));
    expect(fromMinor(-5, 'USD')).toEqual(usd('-0.05'));
    expect(fromMinor(1250n, 'KWD').amount).toBe('1.250');
    expect(fromMinor(99n, 'JPY').amount).toBe('99');
    // bigint: far beyond Number.MAX_SAFE_INTEGER without losing a cent.
    expect(fromMinor(1234567890123456789n, 'USD').amount).toBe('12345678901234567.89');
  });

  it('refuses to round a stored amount silently', () => {
    expect(() => money('12.345', 'USD')).toThrow(MoneyError);
    expect(() => money('0.5', 'JPY')).toThrow(/more than 0 decimals/);
    expect(() => toMinor(usd('0.001'))).toThrow(/INVALID|more than 2/);
  });

  it('parses what a person typed, strictly', () => {
    expect(parseMoney(' 1234.5 ', 'USD')).toEqual(usd('1234.50'));
    expect(parseMoney('-3', 'USD')).toEqual(usd('-3.00'));
    expect(parseMoney('+0.125', 'KWD').amount).toBe('0.125');
    expect(parseMoney('500', 'JPY').amount).toBe('500');
    const bad = ['12.345', 'NaN', 'Infinity', '1e3', '1E-2', '1,5', '1 000', '', '.5', '5.', '0x10', '--1', 'abc'];
    for (const text of bad) {
      let err: unknown;
      try {
        parseMoney(text, 'USD', 'amount');
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(MoneyError);
      expect((err as MoneyError).status).toBe(400);
      expect((err as MoneyError).code).toMatch(/^INVALID_/);
      expect((err as MoneyError).message).toMatch(/^amount: /);
      expect((err as MoneyError).details?.[0]?.path).toBe('amount');
    }
    // Trailing zeros beyond the currency's digits: "1.000" JPY may be a German thousand; refuse it.
    expect(() => parseMoney('1.000', 'JPY')).toThrow(/more decimals than JPY allows \(0\)/);
    expect(() => parseMoney('1.0000', 'KWD')).toThrow(/more decimals/);
    expect(() => parseMoney('1', 'XYZ')).toThrow(/not an ISO 4217/);
  });

  it('never takes a float', () => {
    expect(() => money(0.1 as unknown as string, 'USD')).toThrow(/pass decimals as strings/);
    expect(() => multiply(usd('1.00'), 1.5)).toThrow(/not exact/);
    expect(multiply(usd('1.00'), 3).amount).toBe('3.00'); // safe integers are exact
  });
});

describe('arithmetic', () => {
  it('adds, subtracts, negates and compares within one currency', () => {
    expect(add(usd('0.10'), usd('0.20'))).toEqual(usd('0.30')); // 0.1 + 0.2 in floats is 0.30000000000000004
    expect(subtract(usd('1.00'), usd('1.01'))).toEqual(usd('-0.01'));
    expect(negate(usd('-2.50'))).toEqual(usd('2.50'));
    expect(compare(usd('1.5'), usd('1.50'))).toBe(0);
    expect(compare(usd('-1'), usd('0.01'))).toBe(-1);
    expect(equals(usd('1.5'), usd('1.50'))).toBe(true);
    expect(equals(usd('1'), { amount: '1', currency: 'EUR' })).toBe(false);
    expect(isZero(zero('KWD'))).toBe(true);
    expect(zero('KWD').amount).toBe('0.000');
    expect(isNegative(usd('-0.01'))).toBe(true);
  });

  it('never adds across currencies', () => {
    const eur = { amount: '1.00', currency: 'EUR' };
    expect(() => add(usd('1.00'), eur)).toThrow(CurrencyMismatchError);
    expect(() => subtract(usd('1.00'), eur)).toThrow(/USD and EUR/);
    expect(() => compare(usd('1.00'), eur)).toThrow(CurrencyMismatchError);
    expect(() => sum([usd('1.00'), eur], 'USD')).toThrow(CurrencyMismatchError);
    try {
      add(usd('1.00'), eur);
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('CURRENCY_MISMATCH');
      expect((e as AppError).status).toBe(422);
    }
  });

  it('multiplies by a decimal quantity and rounds once', () => {
    expect(multiply(usd('19.99'), '3')).toEqual(usd('59.97'));
    // 19.99 × 1.5 = 29.985: half-up 29.99, half-even 29.98 (8 is even).
    expect(multiply(usd('19.99'), '1.5').amount).toBe('29.99');
    expect(multiply(usd('19.99'), '1.5', 'half-even').amount).toBe('29.98');
    expect(multiply(usd('-19.99'), '1.5').amount).toBe('-29.99');
    expect(multiply({ amount: '333', currency: 'JPY' }, '0.5').amount).toBe('167'); // 166.5 half-up
    expect(multiply({ amount: '333', currency: 'JPY' }, '0.5', 'half-even').amount).toBe('166');
    expect(multiply({ amount: '1.005', currency: 'KWD' }, '0.5').amount).toBe('0.503'); // 0.5025
    expect(multiply({ amount: '1.005', currency: 'KWD' }, '0.5', 'half-even').amount).toBe('0.502');
    expect(() => multiply(usd('1'), '1e2')).toThrow(/quantity: "1e2" is not a decimal/);
  });

  it('takes percentages', () => {
    expect(percentOf({ amount: '19.99', currency: 'EUR' }, '19').amount).toBe('3.80'); // 3.7981
    expect(percentOf(usd('10.00'), '12.5').amount).toBe('1.25');
    expect(percentOf(usd('0.10'), '5').amount).toBe('0.01'); // 0.005 half-up
    expect(percentOf(usd('0.10'), '5', 'half-even').amount).toBe('0.00'); // 0.005 half-even
    expect(percentOf(usd('-0.10'), '5').amount).toBe('-0.01');
    expect(percentOf({ amount: '999', currency: 'JPY' }, '8').amount).toBe('80'); // 79.92
  });
});

describe('multiplyExact and addExact', () => {
  it('keep every digit', () => {
    expect(multiplyExact('2.50', '1.0825')).toBe('2.706250');
    expect(multiplyExact('-0.0001', '0.000000000001')).toBe('-0.0000000000000001');
    expect(addExact('1.5', '0.25', '-2')).toBe('-0.25');
    expect(addExact()).toBe('0');
    // No floating point: 0.1 + 0.2 is 0.3.
    expect(addExact('0.1', '0.2')).toBe('0.3');
    expect(addExact(multiplyExact('10.0000', '1.0825'), multiplyExact('3.3333', '0.5'))).toBe('12.49165000');
  });

  it('refuse what is not a decimal, naming the argument', () => {
    expect(() => multiplyExact('1e3', '2')).toThrow(/a: "1e3" is not a decimal/);
    expect(() => addExact('1', 0.1)).toThrow(/values.1: 0.1 is not exact/);
  });
});

describe('round', () => {
  it('rounds 0.005 both ways', () => {
    expect(round('0.005', 'USD', 'half-up').amount).toBe('0.01');
    expect(round('0.005', 'USD', 'half-even').amount).toBe('0.00');
    expect(round('0.015', 'USD', 'half-even').amount).toBe('0.02');
    expect(round('0.025', 'USD', 'half-even').amount).toBe('0.02');
    expect(round('0.0051', 'USD', 'half-even').amount).toBe('0.01');
    expect(round('0.0049', 'USD', 'half-up').amount).toBe('0.00');
    expect(round('-0.005', 'USD', 'half-up').amount).toBe('-0.01');
    expect(round('-0.005', 'USD', 'half-even').amount).toBe('0.00');
    expect(round('-0.015', 'USD', 'half-even').amount).toBe('-0.02');
    expect(round('2.675', 'USD').amount).toBe('2.68'); // a float rounds this to 2.67
  });

  it('rounds to each currency own digits', () => {
    expect(round('2.5', 'JPY', 'half-up').amount).toBe('3');
    expect(round('2.5', 'JPY', 'half-even').amount).toBe('2');
    expect(round('3.5', 'JPY', 'half-even').amount).toBe('4');
    expect(round('-2.5', 'JPY', 'half-up').amount).toBe('-3');
    expect(round('1.2345', 'KWD', 'half-up').amount).toBe('1.235');
    expect(round('1.2345', 'KWD', 'half-even').amount).toBe('1.234');
    expect(round('7', 'BHD').amount).toBe('7.000');
    expect(roundDecimal('0.125', 2, 'half-even')).toBe('0.12');
    expect(roundDecimal('0.135', 2, 'half-even')).toBe('0.14');
  });
});

describe('allocate', () => {
  it('splits 100 in three without losing a cent', () => {
    const parts = allocate(usd('100.00'), [1, 1, 1]);
    expect(amounts(parts)).toEqual(['33.34', '33.33', '33.33']);
    expect(sum(parts, 'USD')).toEqual(usd('100.00'));
  });

  it('splits payment terms 50/50 and 30/70, and odd cents', () => {
    expect(amounts(allocate(usd('100.01'), ['50', '50']))).toEqual(['50.01', '50.00']);
    expect(amounts(allocate(usd('99.99'), ['30', '70']))).toEqual(['30.00', '69.99']); // 29.997, 69.993
    expect(amounts(allocate(usd('0.05'), ['1', '1', '1']))).toEqual(['0.02', '0.02', '0.01']);
    // Largest remainder: 10.00 by 1:2:2 → 2.00, 4.00, 4.00 exactly; 1.00 by 0.3333:0.3333:0.3334
    expect(amounts(allocate(usd('10.00'), [1, 2, 2]))).toEqual(['2.00', '4.00', '4.00']);
    expect(amounts(allocate(usd('1.00'), ['0.3333', '0.3333', '0.3334']))).toEqual(['0.33', '0.33', '0.34']);
    expect(amounts(allocate(usd('5.00'), [0, 1]))).toEqual(['0.00', '5.00']);
  });

  it('splits negative amounts and yen the same way', () => {
    expect(amounts(allocate(usd('-100.00'), [1, 1, 1]))).toEqual(['-33.34', '-33.33', '-33.33']);
    expect(amounts(allocate({ amount: '1000', currency: 'JPY' }, [1, 1, 1]))).toEqual(['334', '333', '333']);
    expect(amounts(allocate({ amount: '1.000', currency: 'KWD' }, [1, 1, 1]))).toEqual(['0.334', '0.333', '0.333']);
  });

  it('refuses ratios that cannot split', () => {
    expect(() => allocate(usd('1'), [])).toThrow(/at least one ratio/);
    expect(() => allocate(usd('1'), [0, 0])).toThrow(/above 0/);
    expect(() => allocate(usd('1'), [-1, 2])).toThrow(/0 or more/);
    expect(() => allocate(usd('1'), ['x'])).toThrow(/ratios: "x"/);
  });
});

describe('sumByCurrency and sum', () => {
  it('groups per currency and never adds across', () => {
    const list = [
      usd('10.10'),
      { amount: '5', currency: 'EUR' },
      usd('-0.10'),
      { amount: '100', currency: 'JPY' },
      { amount: '0.005', currency: 'KWD' },
      { amount: '2.50', currency: 'EUR' },
    ];
    expect(sumByCurrency(list)).toEqual([
      { amount: '7.50', currency: 'EUR' },
      { amount: '100', currency: 'JPY' },
      { amount: '0.005', currency: 'KWD' },
      { amount: '10.00', currency: 'USD' },
    ]);
    expect(sumByCurrency([])).toEqual([]);
    expect(sum([], 'USD')).toEqual(usd('0.00'));
  });

  it('is exact over many small amounts', () => {
    const cents = Array.from({ length: 1000 }, () => usd('0.01'));
    expect(sumByCurrency(cents)).toEqual([usd('10.00')]);
  });
});

describe('convert and inverseRate', () => {
  it('converts with a decimal rate into the target minor units', () => {
    expect(convert(usd('100.00'), '151.237', 'JPY')).toEqual({ amount: '15124', currency: 'JPY' }); // 15123.7
    expect(convert({ amount: '15124', currency: 'JPY' }, '0.0066123', 'USD').amount).toBe('100.00'); // 100.0044252
    expect(convert({ amount: '15124', currency: 'JPY' }, '0.006612', 'USD').amount).toBe('100.00'); // 99.999888
    expect(convert(usd('10.00'), '0.30745', 'KWD').amount).toBe('3.075'); // 3.0745 half-up
    expect(convert(usd('10.00'), '0.30745', 'KWD', 'half-even').amount).toBe('3.074');
    expect(convert(usd('-10.00'), '0.9', 'EUR').amount).toBe('-9.00');
    expect(() => convert(usd('1'), '0', 'EUR')).toThrow(/rate: 0 must be greater than 0/);
    expect(() => convert(usd('1'), '-1', 'EUR')).toThrow(MoneyError);
    expect(() => convert(usd('1'), '1', 'XXX')).toThrow(/not an ISO 4217/);
  });

  it('inverts a rate exactly to the digits asked', () => {
    expect(inverseRate('4')).toBe('0.2500000000');
    expect(inverseRate('3', 6)).toBe('0.333333');
    expect(inverseRate('0.8', 4)).toBe('1.2500');
    expect(inverseRate('151.237', 8)).toBe('0.00661214'); // 0.006612138...
  });
});

describe('formatMoney', () => {
  it('shows each currency own minor units in the locale', () => {
    expect(plain(formatMoney({ amount: '1234.5', currency: 'EUR' }, 'de-DE'))).toBe('1.234,50 €');
    expect(formatMoney(usd('1234.5'), 'en-US')).toBe('$1,234.50');
    expect(formatMoney({ amount: '1200', currency: 'JPY' }, 'ja-JP')).toBe('￥1,200');
    expect(plain(formatMoney({ amount: '1.25', currency: 'KWD' }, 'en-US'))).toBe('KWD 1.250');
    expect(plain(formatMoney({ amount: '1.5', currency: 'IQD' }, 'en-US'))).toBe('IQD 1.500');
    expect(formatMoney(usd('-0.05'), 'en-US')).toBe('-$0.05');
    expect(formatMoney(usd('-0.05'), 'en-US', { currencySign: 'accounting' })).toBe('($0.05)');
    expect(plain(formatMoney(usd('5'), 'en-US', { currencyDisplay: 'code' }))).toBe('USD 5.00');
  });

  it('keeps every cent of amounts beyond float precision', () => {
    expect(formatMoney(usd('12345678901234567.89'), 'en-US')).toBe('$12,345,678,901,234,567.89');
    expect(formatMoney(fromMinor(900719925474099399n, 'USD'), 'en-US')).toBe('$9,007,199,254,740,993.99');
  });

  it('refuses an amount with more decimals than the currency has', () => {
    expect(() => formatMoney(usd('0.001'), 'en-US')).toThrow(MoneyError);
  });
});

describe('moneySchema and checkMoney', () => {
  it('checks what ajv cannot: the currency exists and the amount fits its minor units', () => {
    expect(checkMoney({ amount: '10.5', currency: 'EUR' }, 'price')).toEqual({ amount: '10.50', currency: 'EUR' });
    expect(() => checkMoney({ amount: '10.50', currency: 'JPY' }, 'price')).toThrow(/^price\.amount: /);
    expect(() => checkMoney({ amount: '1', currency: 'XYZ' }, 'price')).toThrow(/^price\.currency: /);
    expect(() => checkMoney({ amount: 1.5, currency: 'USD' }, 'price')).toThrow(MoneyError);
    const s = moneySchema() as { required: string[]; properties: { amount: { pattern: string } } };
    expect(s.required).toEqual(['amount', 'currency']);
    expect(new RegExp(s.properties.amount.pattern).test('1e3')).toBe(false);
  });
});
