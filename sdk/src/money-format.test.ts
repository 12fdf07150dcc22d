import { describe, expect, it } from 'vitest';
import { formatAmounts, formatDate, formatMoney, setFormatSettings } from './web/format.ts';
import { setFormatSource } from './web/host.ts';

// Dates and amounts follow the user's locale and time zone, not the server's: the same instant is
// another day for a user in UTC−8 than for one in UTC+5:30, on the server (the request's settings)
// and in the browser (the settings the page was rendered with) alike.

const instant = '2026-01-31T22:00:00Z'; // 14:00 on 31 Jan in Los Angeles, 03:30 on 1 Feb in Kolkata
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatting for users in UTC−8 and UTC+5:30', () => {
  it('formats on the server with the settings of the request being rendered', () => {
    let current = { locale: 'en-US', timeZone: 'America/Los_Angeles' };
    setFormatSource(() => current);
    try {
      expect(formatDate(instant)).toBe('Jan 31, 2026');
      expect(plain(formatDate(instant, true))).toBe('Jan 31, 2026, 2:00 PM');
      current = { locale: 'en-IN', timeZone: 'Asia/Kolkata' };
      expect(formatDate(instant)).toBe('1 Feb 2026');
      expect(plain(formatDate(instant, true))).toBe('1 Feb 2026, 3:30 am');
      expect(formatMoney('1234567.5', 'INR')).toBe('₹12,34,567.50');
    } finally {
      setFormatSource(() => undefined);
    }
  });

  it('formats in the browser with the settings the page was rendered with, to the same text', () => {
    const la = { locale: 'en-US', timeZone: 'America/Los_Angeles' };
    setFormatSource(() => la);
    const server = [formatDate(instant, true), formatMoney({ amount: '0.30', currency: 'USD' })];
    setFormatSource(() => undefined);
    setFormatSettings(la);
    expect([formatDate(instant, true), formatMoney({ amount: '0.30', currency: 'USD' })]).toEqual(server);
    setFormatSettings({ locale: 'de-DE', timeZone: 'Asia/Kolkata' });
    expect(plain(formatDate(instant, true))).toBe('01.02.2026, 03:30');
    expect(
      plain(
        formatAmounts([
          { amount: '1500', currency: 'JPY' },
          { amount: '0.005', currency: 'KWD' },
        ]),
      ),
    ).toBe('1.500 ¥ · 0,005 KWD');
  });
});
