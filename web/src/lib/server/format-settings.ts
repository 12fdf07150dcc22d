// Which locale and time zone a request is rendered in: the user's profile when it says, else the
// request (Accept-Language; the time-zone cookie the browser sets on its first page), else en-US/UTC.
import { isLanguage, LANGUAGE_LOCALES, type Language, languageOf, preferredLanguage } from '@elevate/sdk';
import type { FormatSettings } from '@elevate/sdk/web/format';
import { DEFAULT_FORMAT } from '@elevate/sdk/web/format';

/** The cookie the browser writes with its own time zone (app.html), read on the next request. */
export const TIME_ZONE_COOKIE = 'ev_tz';

export function isTimeZone(tz: string | null | undefined): tz is string {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The tag in canonical form when this runtime can format in it, else null. */
export function supportedLocale(tag: string | null | undefined): string | null {
  if (!tag || tag.length > 35 || tag === '*') return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical && Intl.DateTimeFormat.supportedLocalesOf(canonical).length ? canonical : null;
  } catch {
    return null;
  }
}

/** The most preferred supported language of an Accept-Language header (q weights honoured). */
export function preferredLocale(header: string | null | undefined): string | null {
  if (!header) return null;
  const ranked = header
    .slice(0, 500)
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const locale = supportedLocale(r.tag);
    if (locale) return locale;
  }
  return null;
}

export interface FormatSources {
  profile?: { locale?: string | null; timeZone?: string | null } | null;
  acceptLanguage?: string | null;
  timeZoneCookie?: string | null;
  /** A language the user chose (profile, or the login page's chooser): the locale agrees with it by default. */
  language?: Language | null;
}

export function resolveFormat({ profile, acceptLanguage, timeZoneCookie, language }: FormatSources): FormatSettings {
  return withProfile(
    {
      locale: preferredLocale(acceptLanguage) ?? DEFAULT_FORMAT.locale,
      timeZone: isTimeZone(timeZoneCookie) ? timeZoneCookie : DEFAULT_FORMAT.timeZone,
    },
    profile,
    language,
  );
}

/**
 * The profile's own locale and time zone, where it has usable ones, over the request's. Without a
 * locale of its own, a chosen language the request's locale is not in brings its own locale (a
 * German user sees German dates, unless they set another locale).
 */
export function withProfile(
  request: FormatSettings,
  profile: FormatSources['profile'],
  language?: Language | null,
): FormatSettings {
  const timeZone = profile?.timeZone;
  const agreed = language && languageOf(request.locale) !== language ? LANGUAGE_LOCALES[language] : request.locale;
  return {
    locale: supportedLocale(profile?.locale) ?? agreed,
    timeZone: isTimeZone(timeZone) ? timeZone : request.timeZone,
  };
}

/** The cookie the login page's language chooser writes (before anyone is signed in). */
export const LANGUAGE_COOKIE = 'ev_lang';

/**
 * The language pages are shown in: the profile's, else the chooser's cookie, else the browser's
 * (Accept-Language), else English. `chosen`: it was picked by the user, not guessed.
 */
export function resolveLanguage(sources: {
  profile?: string | null | undefined;
  cookie?: string | null | undefined;
  acceptLanguage?: string | null | undefined;
}): { language: Language; chosen: boolean } {
  if (isLanguage(sources.profile)) return { language: sources.profile, chosen: true };
  if (isLanguage(sources.cookie)) return { language: sources.cookie, chosen: true };
  return { language: preferredLanguage(sources.acceptLanguage) ?? 'en', chosen: false };
}
