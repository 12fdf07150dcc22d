import { describe, expect, it } from 'vitest';
import { resolveFormat, resolveLanguage, withProfile } from './format-settings.ts';

describe('the language of a request', () => {
  it('is the profile’s, else the chooser cookie’s, else the browser’s first shipped language, else English', () => {
    expect(resolveLanguage({ profile: 'es', cookie: 'de', acceptLanguage: 'en' })).toEqual({
      language: 'es',
      chosen: true,
    });
    expect(resolveLanguage({ profile: null, cookie: 'de', acceptLanguage: 'es' })).toEqual({
      language: 'de',
      chosen: true,
    });
    expect(resolveLanguage({ acceptLanguage: 'fr-FR,es;q=0.8,de;q=0.9' })).toEqual({ language: 'de', chosen: false });
    expect(resolveLanguage({ cookie: 'xx', acceptLanguage: 'fr, ja' })).toEqual({ language: 'en', chosen: false });
  });

  it('brings its locale when chosen and no locale is set; a locale of the profile or the browser’s in that language wins', () => {
    // A German user whose browser says en-US: German dates.
    expect(resolveFormat({ acceptLanguage: 'en-US', language: 'de' }).locale).toBe('de-DE');
    // The browser's own German stays (de-AT), a profile locale wins over both.
    expect(resolveFormat({ acceptLanguage: 'de-AT', language: 'de' }).locale).toBe('de-AT');
    expect(resolveFormat({ acceptLanguage: 'en-US', language: 'de', profile: { locale: 'en-GB' } }).locale).toBe(
      'en-GB',
    );
    // Not chosen: the browser's locale, as before.
    expect(resolveFormat({ acceptLanguage: 'fr-FR' }).locale).toBe('fr-FR');
    // The app layout refines with the profile's language.
    expect(withProfile({ locale: 'en-US', timeZone: 'UTC' }, { locale: null }, 'es')).toEqual({
      locale: 'es-ES',
      timeZone: 'UTC',
    });
  });
});
