import { describe, expect, it } from 'vitest';
import { computeTotals, type LineInput, type TaxInfo } from './totals.ts';

const vat = (rate: string, inclusive = false, id = `t${rate}${inclusive ? 'i' : ''}`): TaxInfo => ({
  id,
  name: `VAT ${rate}%`,
  rate,
  inclusive,
});
const line = (quantity: string, unitPrice: string, taxes: TaxInfo[], extra: Partial<LineInput> = {}): LineInput => ({
  kind: 'product',
  quantity,
  unitPrice,
  taxes,
  ...extra,
});

// Every expected figure below was worked out by hand; the comments show the arithmetic.
describe('totals', () => {
  it('USD, a discount and two exclusive taxes on one line', () => {
    // 3 × 19.99 = 59.97, less 10 % = 53.973 → 53.97; 10 %: 5.3973 → 5.40; 5 %: 2.69865 → 2.70
    const t = computeTotals('USD', 'line', [line('3', '19.99', [vat('10'), vat('5')], { discountPercent: '10' })]);
    expect(t).toMatchObject({ amountUntaxed: '53.97', amountTax: '8.10', amountTotal: '62.07' });
    expect(t.taxes.map((x) => [x.rate, x.base, x.amount])).toEqual([
      ['10', '53.97', '5.40'],
      ['5', '53.97', '2.70'],
    ]);
  });

  it('an amount off the line, with an inclusive tax: the price stays what the customer pays', () => {
    // 2 × 50 − 15 = 85 incl. 20 %: base 85 / 1.2 = 70.8333…, tax 14.1666… → 14.17, base 85 − 14.17
    const t = computeTotals('EUR', 'line', [line('2', '50', [vat('20', true)], { discountAmount: '15' })]);
    expect(t).toMatchObject({ amountUntaxed: '70.83', amountTax: '14.17', amountTotal: '85.00' });
  });

  it('inclusive-tax rounding edge: ten lines of 1.05 incl. 10 % differ by 5 cents between the modes', () => {
    // each line: base 1.05 / 1.1 = 0.954545…, tax 0.0954545…
    const lines = Array.from({ length: 10 }, () => line('1', '1.05', [vat('10', true)]));
    // per line: tax 0.10, base 0.95 → 10 lines: 1.00 and 9.50
    expect(computeTotals('USD', 'line', lines)).toMatchObject({
      amountUntaxed: '9.50',
      amountTax: '1.00',
      amountTotal: '10.50',
      taxes: [{ base: '9.50', amount: '1.00' }],
    });
    // per total: tax 0.954545… → 0.95, total 10.50 → untaxed 9.55
    expect(computeTotals('USD', 'total', lines)).toMatchObject({
      amountUntaxed: '9.55',
      amountTax: '0.95',
      amountTotal: '10.50',
      taxes: [{ base: '9.55', amount: '0.95' }],
    });
  });

  it('JPY has no decimals: three lines of ¥105 + 10 %', () => {
    const lines = Array.from({ length: 3 }, () => line('1', '105', [vat('10')]));
    // per line: 10.5 → 11, three times: 33; per total: 31.5 → 32
    expect(computeTotals('JPY', 'line', lines)).toMatchObject({
      amountUntaxed: '315',
      amountTax: '33',
      amountTotal: '348',
    });
    expect(computeTotals('JPY', 'total', lines)).toMatchObject({
      amountUntaxed: '315',
      amountTax: '32',
      amountTotal: '347',
    });
  });

  it('KWD has three decimals', () => {
    // 1 × 1.2345 → 1.235 (half away from zero); 5 % of 1.2345 = 0.061725 → 0.062
    expect(computeTotals('KWD', 'line', [line('1', '1.2345', [vat('5')])])).toMatchObject({
      amountUntaxed: '1.235',
      amountTax: '0.062',
      amountTotal: '1.297',
      lines: [{ amountUntaxed: '1.235', amountTax: '0.062', amountTotal: '1.297' }],
    });
  });

  it('a summary per rate across lines; sections and notes count for nothing', () => {
    const t = computeTotals('USD', 'line', [
      { kind: 'section', quantity: '0', unitPrice: '0', taxes: [] },
      line('1', '100', [vat('20')]),
      line('2', '10', [vat('20'), vat('5')]),
      { kind: 'note', quantity: '0', unitPrice: '0', taxes: [] },
      line('1', '7.5', []),
    ]);
    // 20 %: 100 + 20 → 20.00 + 4.00; 5 %: 20 → 1.00; untaxed 127.50
    expect(t).toMatchObject({ amountUntaxed: '127.50', amountTax: '25.00', amountTotal: '152.50' });
    expect(t.taxes.map((x) => [x.rate, x.base, x.amount])).toEqual([
      ['20', '120.00', '24.00'],
      ['5', '20.00', '1.00'],
    ]);
    expect(t.lines[0]).toEqual({ amountUntaxed: '0.00', amountTax: '0.00', amountTotal: '0.00' });
  });
});
