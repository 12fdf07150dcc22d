import { formatAmounts, formatDate, formatMoney, formatSettings, setFormatSource } from '@elevate/sdk/web/format';
import { describe, expect, it } from 'vitest';
import { preferredLocale, resolveFormat } from './format-settings.ts';

describe('format settings of a request', () => {
  it('takes the profile first, then Accept-Language and the time-zone cookie, then en-US and UTC', () => {
    const request = { acceptLanguage: 'de-DE,de;q=0.9,en;q=0.8', timeZoneCookie: 'America/Los_Angeles' };
    expect(resolveFormat(request)).toEqual({ locale: 'de-DE', timeZone: 'America/Los_Angeles' });
    expect(resolveFormat({ ...request, profile: { locale: 'fr-CH', timeZone: 'Europe/Zurich' } })).toEqual({
      locale: 'fr-CH',
      timeZone: 'Europe/Zurich',
    });
    expect(resolveFormat({ ...request, profile: { locale: null, timeZone: 'Asia/Tokyo' } })).toEqual({
      locale: 'de-DE',
      timeZone: 'Asia/Tokyo',
    });
    expect(resolveFormat({})).toEqual({ locale: 'en-US', timeZone: 'UTC' });
  });

  it('ignores what it cannot use', () => {
    expect(resolveFormat({ acceptLanguage: '*, !!;q=1', timeZoneCookie: 'Mars/Olympus_Mons' })).toEqual({
      locale: 'en-US',
      timeZone: 'UTC',
    });
    expect(resolveFormat({ profile: { locale: 'not a tag', timeZone: '' }, acceptLanguage: 'nl' })).toEqual({
      locale: 'nl',
      timeZone: 'UTC',
    });
    expect(preferredLocale('en;q=0.5, de-de;q=0.8, fr;q=0')).toBe('de-DE');
    expect(preferredLocale('x'.repeat(2000))).toBeNull();
  });

  it('formats with the settings of the request being rendered', () => {
    let current = resolveFormat({ acceptLanguage: 'de-DE', timeZoneCookie: 'America/Los_Angeles' });
    setFormatSource(() => current);
    try {
      // 05:00 UTC on 1 December is still 30 November in Los Angeles.
      expect(formatDate('2026-12-01T05:00:00Z')).toBe('30.11.2026');
      expect(formatMoney('12500')).toBe('12.500,00\u00a0$');
      // The currency's own minor units: yen have none, dinars three; no cent is lost on the way.
      expect(formatMoney('1500', 'JPY')).toBe('1.500\u00a0¥');
      expect(formatMoney({ amount: '1.25', currency: 'KWD' })).toBe('1,250\u00a0KWD');
      expect(formatMoney('12345678901234567.89')).toBe('12.345.678.901.234.567,89\u00a0$');
      current = resolveFormat({});
      expect(formatDate('2026-12-01T05:00:00Z')).toBe('Dec 1, 2026');
      expect(formatMoney(12500)).toBe('$12,500.00');
      expect(formatMoney(0.1 + 0.2)).toBe('$0.30');
      expect(
        formatAmounts([
          { amount: '7.00', currency: 'EUR' },
          { amount: '0.30', currency: 'USD' },
        ]),
      ).toBe('€7.00 · $0.30');
      expect(formatSettings()).toEqual({ locale: 'en-US', timeZone: 'UTC' });
    } finally {
      setFormatSource(() => undefined);
    }
  });
});
