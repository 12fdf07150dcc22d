// The check every catalogue must pass (tests/i18n.test.ts runs it over the kernel's, the web app's,
// the UI kit's and each addon's; an addon from npm can run it in its own tests): every shipped
// language has a file, no key of the English file is missing and none is extra, every message
// parses as ICU MessageFormat, and each translation uses the same placeholders (and tags) as English.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { LANGUAGES, SOURCE_LANGUAGE } from './i18n.ts';

/** The names a message uses: `{name}`, `{n, plural, ...}` → 'n', `<b>...</b>` → '<b>'. */
export function placeholders(message: string): Set<string> {
  const out = new Set<string>();
  const walk = (els: MessageFormatElement[]) => {
    for (const el of els) {
      if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) {
        out.add(el.value);
      } else if (el.type === TYPE.select || el.type === TYPE.plural) {
        out.add(el.value);
        for (const option of Object.values(el.options)) walk(option.value);
      } else if (el.type === TYPE.tag) {
        out.add(`<${el.value}>`);
        walk(el.children);
      }
    }
  };
  walk(parse(message));
  return out;
}

function read(file: string): Record<string, unknown> | string {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return json && typeof json === 'object' && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : 'is not a JSON object';
  } catch (err) {
    return `does not parse: ${(err as Error).message}`;
  }
}

/** Problems of the catalogue in `dir` (a folder of `<lang>.json`), one line each; [] when complete. */
export function checkCatalogue(dir: string, languages: readonly string[] = LANGUAGES): string[] {
  const problems: string[] = [];
  const source = read(join(dir, `${SOURCE_LANGUAGE}.json`));
  if (typeof source === 'string') return [`${SOURCE_LANGUAGE}.json ${source}`];
  const expected = new Map<string, Set<string>>();
  for (const [key, message] of Object.entries(source)) {
    if (typeof message !== 'string') {
      problems.push(`${SOURCE_LANGUAGE}.json: ${key} is not a string`);
      continue;
    }
    try {
      expected.set(key, placeholders(message));
    } catch (err) {
      problems.push(`${SOURCE_LANGUAGE}.json: ${key} does not parse (${(err as Error).message})`);
    }
  }
  for (const lang of languages) {
    if (lang === SOURCE_LANGUAGE) continue;
    const file = join(dir, `${lang}.json`);
    if (!existsSync(file)) {
      problems.push(`${lang}.json is missing`);
      continue;
    }
    const messages = read(file);
    if (typeof messages === 'string') {
      problems.push(`${lang}.json ${messages}`);
      continue;
    }
    for (const key of Object.keys(source)) {
      if (!(key in messages)) problems.push(`${lang}.json: ${key} is missing`);
    }
    for (const [key, message] of Object.entries(messages)) {
      if (!(key in source)) {
        problems.push(`${lang}.json: ${key} is not in ${SOURCE_LANGUAGE}.json`);
        continue;
      }
      if (typeof message !== 'string') {
        problems.push(`${lang}.json: ${key} is not a string`);
        continue;
      }
      let names: Set<string>;
      try {
        names = placeholders(message);
      } catch (err) {
        problems.push(`${lang}.json: ${key} does not parse (${(err as Error).message})`);
        continue;
      }
      const want = expected.get(key);
      if (!want) continue;
      const missing = [...want].filter((n) => !names.has(n));
      const extra = [...names].filter((n) => !want.has(n));
      if (missing.length || extra.length) {
        problems.push(
          `${lang}.json: ${key} placeholders differ from ${SOURCE_LANGUAGE}.json (${[
            ...missing.map((n) => `missing ${n}`),
            ...extra.map((n) => `unknown ${n}`),
          ].join(', ')})`,
        );
      }
    }
  }
  return problems;
}
