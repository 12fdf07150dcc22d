// The API's error messages in the user's language (their profile's `language`, else the request's
// Accept-Language). Errors are raised with English text everywhere (AppError, ajv's wording in
// validationMessage); this matches that text against the English catalogue's templates
// ("must be at most {limit} characters") and formats the same message in the other language, so
// no call site changes. `code` and `details[].path` never change; text nothing matches stays English.

import { readFileSync } from 'node:fs';
import { type Language, type Messages, SOURCE_LANGUAGE, serverMessages } from '@elevate/sdk';

const messages = serverMessages(new URL('./messages/', import.meta.url));
const english = JSON.parse(readFileSync(new URL('./messages/en.json', import.meta.url), 'utf8')) as Messages;

interface Template {
  key: string;
  pattern: RegExp;
  names: string[];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Only simple `{name}` arguments: the English error texts are built with plain interpolation.
const templates: Template[] = Object.entries(english).map(([key, source]) => {
  const names: string[] = [];
  const pattern = source
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!name) return escapeRegExp(part);
      names.push(name);
      return name === 'type' ? '(string|number|integer|boolean|array|object|null)' : '(.+?)';
    })
    .join('');
  return { key, pattern: new RegExp(`^${pattern}$`), names };
});

/** `text` (English) in `language`, when it is one of the catalogue's messages; else unchanged. */
export function translateMessage(text: string, language: Language): string {
  if (language === SOURCE_LANGUAGE || !text) return text;
  for (const t of templates) {
    const m = t.pattern.exec(text);
    if (!m) continue;
    const values = Object.fromEntries(t.names.map((n, i) => [n, m[i + 1] ?? '']));
    return messages.text(language, t.key, values);
  }
  // "Invalid note", "Invalid view", ...: the field details say what; the headline says it generally.
  if (/^Invalid [\w -]+$/.test(text)) return messages.text(language, 'error.invalidInput');
  return text;
}

export interface TranslatableBody {
  message: string;
  details: { message?: string; [k: string]: unknown }[];
}

/** The error body with its message and its details' messages in `language`. */
export function translateErrorBody<B extends TranslatableBody>(body: B, language: Language): B {
  if (language === SOURCE_LANGUAGE) return body;
  return {
    ...body,
    message: translateMessage(body.message, language),
    details: body.details.map((d) =>
      typeof d.message === 'string' ? { ...d, message: translateMessage(d.message, language) } : d,
    ),
  };
}
