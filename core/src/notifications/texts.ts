// The kernel's own notification texts in the recipient's language (core_user.language, else
// English): a notification is stored as text, so it is written in the language of the user who
// will read it. Messages: ./messages/<lang>.json (checked by tests/i18n.test.ts).

import { isLanguage, type Language, SOURCE_LANGUAGE, serverMessages } from '@elevate/sdk';

const messages = serverMessages(new URL('./messages/', import.meta.url));

/** The keys of ./messages/en.json (a JSON type import would not survive the packed package's .d.ts). */
export type NotificationText =
  | 'mention.you'
  | 'mention.team'
  | 'export.ready'
  | 'export.readyBody'
  | 'export.failed'
  | 'export.failedTitle'
  | 'export.addonDisabled'
  | 'export.notBuilt'
  | 'kind.mention'
  | 'kind.automation'
  | 'kind.webhookDisabled';

/** A notification text in `language`, formatted with `values` (numbers in that language's form). */
export function notificationText(
  language: Language,
  key: NotificationText,
  values?: Record<string, string | number>,
): string {
  return messages.text(language, key, values);
}

interface Db {
  query<T>(sql: string, params?: unknown[]): Promise<T[]> | Promise<{ rows: T[] }>;
}

/** The languages users chose in their profiles (English for none), by user id. */
export async function readersLanguages(
  db: Db,
  tenantId: string,
  userIds: readonly string[],
): Promise<Map<string, Language>> {
  const res = await db.query<{ id: string; language: string | null }>(
    'select id, language from core_user where tenant_id = $1 and id = any($2::uuid[])',
    [tenantId, [...userIds]],
  );
  const rows = Array.isArray(res) ? res : res.rows;
  const out = new Map<string, Language>();
  for (const id of userIds) out.set(id, SOURCE_LANGUAGE);
  for (const r of rows) if (isLanguage(r.language)) out.set(r.id, r.language);
  return out;
}
