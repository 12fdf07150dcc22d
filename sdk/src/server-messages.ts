// An addon's server-side texts (notifications, PDFs, mails) in the reader's language: the same
// ICU catalogues as its pages, in a folder of its own beside its server code (docs/i18n.md).
import { existsSync, readFileSync } from 'node:fs';
import {
  isLanguage,
  LANGUAGES,
  type Language,
  MessageStore,
  type Messages,
  type MessageValues,
  SOURCE_LANGUAGE,
  type Translate,
} from './i18n.ts';

export interface ServerMessages<M = Messages> {
  /** `key` in `language` (an unknown or missing language: English), formatted with `values`. */
  text(language: string | null | undefined, key: keyof M & string, values?: MessageValues): string;
  /** A `t` bound to one language, e.g. for a PDF written for one reader. */
  in(language: string | null | undefined): Translate<M>;
  /** Whether the English catalogue has `key` (for texts looked up by convention, like `permission.<key>`). */
  has(key: string): boolean;
}

/**
 * Reads `<lang>.json` for every shipped language from `dir` (a URL, so it works from a packed
 * package: `new URL('../messages/', import.meta.url)`). The English file is required; a missing
 * translation falls back to English (tests/i18n.test.ts checks the shipped ones are complete).
 * Type it with the English file: `serverMessages<typeof import('../messages/en.json')>(dir)`.
 */
export function serverMessages<M = Messages>(dir: URL): ServerMessages<M> {
  const store = new MessageStore();
  const id = 'server';
  let english: Messages = {};
  for (const lang of LANGUAGES) {
    const file = new URL(`${lang}.json`, dir.href.endsWith('/') ? dir : new URL(`${dir.href}/`));
    if (lang !== SOURCE_LANGUAGE && !existsSync(file)) continue;
    const messages = JSON.parse(readFileSync(file, 'utf8')) as Messages;
    if (lang === SOURCE_LANGUAGE) english = messages;
    store.add(id, lang, messages);
  }
  const pick = (language: string | null | undefined): Language => (isLanguage(language) ? language : SOURCE_LANGUAGE);
  return {
    text: (language, key, values) => store.format(id, pick(language), key, values),
    in: (language) => {
      const lang = pick(language);
      return (key, values) => store.format(id, lang, key, values);
    },
    has: (key) => Object.hasOwn(english, key),
  };
}
