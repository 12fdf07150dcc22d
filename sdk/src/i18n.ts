// Messages in the user's language: ICU MessageFormat catalogues (plural rules, select, numbers and
// dates inside messages) formatted with FormatJS's intl-messageformat. The same code runs in the
// kernel (API error messages) and in the web app (pages); see docs/i18n.md.

import { IntlMessageFormat } from 'intl-messageformat';

/** The languages the platform ships; every catalogue carries each of them (tests/i18n.test.ts). */
export const LANGUAGES = ['en', 'de', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];
/** The catalogues every other language falls back to, key by key. */
export const SOURCE_LANGUAGE: Language = 'en';

/** Each language's own name, for choosers. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', de: 'Deutsch', es: 'Español' };

/** The locale dates and amounts follow when the user chose a language and no locale. */
export const LANGUAGE_LOCALES: Readonly<Record<Language, string>> = { en: 'en-US', de: 'de-DE', es: 'es-ES' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The shipped language of a BCP 47 tag ('de-AT' → 'de'); null when none. */
export function languageOf(tag: string | null | undefined): Language | null {
  const primary = tag?.split(/[-_]/)[0]?.toLowerCase();
  return isLanguage(primary) ? primary : null;
}

/** The most preferred shipped language of an Accept-Language header (q weights honoured). */
export function preferredLanguage(header: string | null | undefined): Language | null {
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
    const language = languageOf(r.tag);
    if (language) return language;
  }
  return null;
}

/** A catalogue: message key → ICU message ("{count, plural, one {# contact} other {# contacts}}"). */
export type Messages = Readonly<Record<string, string>>;
export type MessageValues = Record<string, string | number | boolean | Date | null | undefined>;

/** A `t` typed by the keys of the English catalogue: a misspelt key fails the type check. */
export type Translate<M = Messages> = (key: keyof M & string, values?: MessageValues) => string;

/** Catalogues by id (`kit`, `web`, `core`, an addon's id) and language, with their parsed messages. */
export class MessageStore {
  private readonly catalogues = new Map<string, Map<string, Messages>>();
  private readonly parsed = new Map<string, IntlMessageFormat | null>();

  add(id: string, language: string, messages: Messages): void {
    const byLanguage = this.catalogues.get(id) ?? new Map<string, Messages>();
    byLanguage.set(language, messages);
    this.catalogues.set(id, byLanguage);
  }

  has(id: string, language: string): boolean {
    return this.catalogues.get(id)?.has(language) ?? false;
  }

  /** The message in `language`, else in English, else the key itself (never throws). */
  format(id: string, language: string, key: string, values?: MessageValues): string {
    for (const lang of language === SOURCE_LANGUAGE ? [language] : [language, SOURCE_LANGUAGE]) {
      const source = this.catalogues.get(id)?.get(lang)?.[key];
      if (source === undefined) continue;
      const cacheKey = `${id}\u0000${lang}\u0000${key}`;
      let message = this.parsed.get(cacheKey);
      if (message === undefined) {
        try {
          message = new IntlMessageFormat(source, lang, undefined, { ignoreTag: true });
        } catch {
          message = null;
        }
        this.parsed.set(cacheKey, message);
      }
      if (!message) return source;
      try {
        return String(message.format(values as Record<string, string | number | boolean | Date>));
      } catch {
        return source;
      }
    }
    return key;
  }
}
