import { describe, expect, it } from 'vitest';
import { moveCard, shiftTotals } from '../web/board-data.ts';
import type { BoardColumn, Opportunity } from '../web/types.ts';

// The board page moves a card's value between columns at once (before the server answers):
// exactly, per currency, never through a float.

const column = (totals: BoardColumn['totals'], count: number) => ({ count, totals }) as unknown as BoardColumn;

describe('board totals follow a moved card', () => {
  it('subtracts from one column and adds to the other in the card currency, exactly', () => {
    const source = column(
      [
        { amount: '0.30', currency: 'USD' },
        { amount: '7.00', currency: 'EUR' },
      ],
      3,
    );
    const target = column([{ amount: '300', currency: 'JPY' }], 1);
    moveCard(source, target, { value: '0.10', currency: 'USD' } as Opportunity);
    expect(source).toMatchObject({
      count: 2,
      totals: [
        { amount: '7.00', currency: 'EUR' },
        { amount: '0.20', currency: 'USD' },
      ],
    });
    expect(target).toMatchObject({
      count: 2,
      totals: [
        { amount: '300', currency: 'JPY' },
        { amount: '0.10', currency: 'USD' },
      ],
    });
  });

  it('drops a currency whose total reaches zero, and ignores cards without a value', () => {
    expect(shiftTotals([{ amount: '5.00', currency: 'EUR' }], { amount: '5.00', currency: 'EUR' }, -1)).toEqual([]);
    const source = column([{ amount: '1.00', currency: 'USD' }], 1);
    const target = column([], 0);
    moveCard(source, target, { value: null, currency: 'USD' } as Opportunity);
    expect(source.totals).toEqual([{ amount: '1.00', currency: 'USD' }]);
    expect(target).toMatchObject({ count: 1, totals: [] });
  });
});
