// What addons declare in English (their title and description, permission titles) in the reader's
// language, from the addon's server catalogue (`defineAddon({ messages })`, docs/i18n.md): the key
// by convention (`addon.title`, `permission.crm.contact.read`), the declared English without it.
import type { AnyAddon, ServerMessages } from '@elevate/sdk';

export function declaredText(
  messages: ServerMessages | null | undefined,
  language: string | null | undefined,
  key: string,
  english: string,
): string {
  return messages?.has(key) ? messages.text(language, key) : english;
}

export const addonTitle = (a: AnyAddon, language: string | null | undefined) =>
  declaredText(a.messages, language, 'addon.title', a.title);

export const addonDescription = (a: AnyAddon, language: string | null | undefined) =>
  declaredText(a.messages, language, 'addon.description', a.description);
