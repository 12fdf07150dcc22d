import { describe, expect, it } from 'vitest';
import { checkParts, dueParts } from './terms.service.ts';

// Figures worked out by hand.
describe('payment terms', () => {
  it('30 days: everything due 30 days after the invoice date', () => {
    expect(dueParts('119.00', 'EUR', '2026-01-31', [{ percent: '100', days: 30 }])).toEqual([
      { dueDate: '2026-03-02', amount: '119.00' },
    ]);
  });

  it('50 % now / 50 % in 30 days on an odd number of cents: no cent lost', () => {
    // 100.01 / 2 = 50.005: the first share takes the leftover cent (largest remainder, earlier first)
    expect(
      dueParts('100.01', 'USD', '2026-12-15', [
        { percent: '50', days: 0 },
        { percent: '50', days: 30 },
      ]),
    ).toEqual([
      { dueDate: '2026-12-15', amount: '50.01' },
      { dueDate: '2027-01-14', amount: '50.00' },
    ]);
  });

  it('thirds in JPY and KWD add up to the total', () => {
    const thirds = [
      { percent: '33.3333', days: 0 },
      { percent: '33.3333', days: 30 },
      { percent: '33.3334', days: 60 },
    ];
    // 1000 JPY: 333.333, 333.333, 333.334 → 333, 333, 334 (the last has the largest remainder)
    expect(dueParts('1000', 'JPY', '2026-01-01', thirds).map((p) => p.amount)).toEqual(['333', '333', '334']);
    // 10.000 KWD = 10000 fils: 3333.33, 3333.33, 3333.34 → 3333, 3333, 3334
    expect(dueParts('10.000', 'KWD', '2026-01-01', thirds).map((p) => p.amount)).toEqual(['3.333', '3.333', '3.334']);
  });

  it('no term: due on the invoice date', () => {
    expect(dueParts('5.00', 'USD', '2026-05-05', null)).toEqual([{ dueDate: '2026-05-05', amount: '5.00' }]);
  });

  it('refuses parts that do not add up to 100, naming the field', () => {
    expect(() => checkParts([{ percent: '50', days: 0 }])).toThrow(/percentages must add up to 100/);
    expect(() => checkParts([{ percent: '100', days: -1 }])).toThrow(/parts.0.days/);
    expect(() => checkParts([{ percent: 'x', days: 0 }])).toThrow(/parts.0.percent/);
    expect(() => checkParts('30 days')).toThrow(/parts/);
    expect(
      checkParts([
        { percent: '50.00', days: 0 },
        { percent: '50', days: 30 },
      ]),
    ).toEqual([
      { percent: '50', days: 0 },
      { percent: '50', days: 30 },
    ]);
  });
});
