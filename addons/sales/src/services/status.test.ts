import { describe, expect, it } from 'vitest';
import { statusOf } from './payments.service.ts';

const inv = (amountPaid: string) => ({ amountTotal: '100.01', amountPaid, currency: 'USD' });
const parts = [
  { dueDate: '2026-12-15', amount: '50.01' },
  { dueDate: '2027-01-14', amount: '50.00' },
];

describe('payment status', () => {
  it('a part due today is not overdue; the day after it is, unless payments cover it', () => {
    expect(statusOf(inv('0'), parts, '2026-12-15')).toBe('unpaid');
    expect(statusOf(inv('0'), parts, '2026-12-16')).toBe('overdue');
    expect(statusOf(inv('50.00'), parts, '2026-12-16')).toBe('overdue'); // one cent short of the first part
    expect(statusOf(inv('50.01'), parts, '2026-12-16')).toBe('partial');
    expect(statusOf(inv('50.01'), parts, '2027-01-15')).toBe('overdue');
    expect(statusOf(inv('100.01'), parts, '2030-01-01')).toBe('paid');
  });
});
