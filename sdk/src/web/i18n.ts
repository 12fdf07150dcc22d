// Translated UI strings for pages, server-rendered and client-rendered alike. Each catalogue (the
// kit's, the web app's, each addon's) registers its language files as lazy imports; the app's
// universal layout loads awaits `loadLanguage(language)` before anything renders, so `t()` is
// synchronous in markup. The language in force is the request's on the server (hooks.server.ts)
// and the page's in the browser (root layout), like the format settings (format.ts).

import { isLanguage, type Language, MessageStore, type Messages, SOURCE_LANGUAGE, type Translate } from '../i18n.ts';

const store = new MessageStore();
const registered = new Map<string, Map<string, () => Promise<unknown>>>();
const pending = new Map<string, Promise<void>>();

/**
 * Registers a catalogue's language files: `{ en: () => import(...) }` or the result of
 * `import.meta.glob('./messages/*.json', { import: 'default' })` (keys are paths ending in `<lang>.json`).
 */
export function registerMessages(id: string, files: Readonly<Record<string, () => Promise<unknown>>>): void {
  const byLanguage = new Map<string, () => Promise<unknown>>();
  for (const [name, load] of Object.entries(files)) {
    const lang = /([a-z]{2,3}(?:-[A-Za-z0-9]+)?)(?:\.json)?$/.exec(name.split('/').pop() ?? '')?.[1];
    if (lang) byLanguage.set(lang, load);
  }
  registered.set(id, byLanguage);
}

/** Loads every registered catalogue in `language` (and English, the fallback); cached. */
export async function loadLanguage(language: string): Promise<void> {
  const jobs: Promise<void>[] = [];
  for (const [id, files] of registered) {
    for (const lang of new Set([language, SOURCE_LANGUAGE])) {
      const load = files.get(lang);
      if (!load || store.has(id, lang)) continue;
      const key = `${id}|${lang}`;
      let job = pending.get(key);
      if (!job) {
        job = load().then((m) => {
          const messages = (m as { default?: Messages }).default ?? (m as Messages);
          store.add(id, lang, messages);
        });
        job.catch(() => pending.delete(key));
        pending.set(key, job);
      }
      jobs.push(job);
    }
  }
  await Promise.all(jobs);
}

let requestSource: () => string | undefined = () => undefined;
let pageLanguage: Language | null = null;

/** Server only: where the current request's language comes from (set once at start-up). */
export function setLanguageSource(source: () => string | undefined): void {
  requestSource = source;
}

/** Browser only: the language the page was rendered in on the server. */
export function setPageLanguage(language: string): void {
  if (isLanguage(language)) pageLanguage = language;
}

/** The language in force: the request's on the server, the page's in the browser, else English. */
export function currentLanguage(): Language {
  const lang = requestSource() ?? pageLanguage;
  return isLanguage(lang) ? lang : SOURCE_LANGUAGE;
}

/**
 * The `t` of one catalogue, typed by its English file:
 * `export const t = translator<typeof import('./messages/en.json')>('crm');`
 */
export function translator<M = Messages>(id: string): Translate<M> {
  return (key, values) => store.format(id, currentLanguage(), key, values);
}

/**
 * A label the server or a contribution gives in English with the key of its translation in the
 * addon's catalogue (menu entries, search groups): the key's text in the user's language, else the
 * English label. `values` fill its placeholders (a timeline entry's `titleValues`).
 */
export function labelIn(
  addon: string,
  key: string | null | undefined,
  label: string,
  values?: Readonly<Record<string, unknown>>,
): string {
  if (!key) return label;
  const text = store.format(addon, currentLanguage(), key, values as never);
  return text === key ? label : text;
}
