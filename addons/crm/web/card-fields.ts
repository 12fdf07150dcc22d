// The board card's fields and the user's choice of them (kept per user in this browser).
import { t } from './i18n.ts';

export const CARD_FIELDS = [
  { key: 'value' },
  { key: 'owner' },
  { key: 'expectedCloseDate' },
  { key: 'nextActivity' },
  { key: 'probability' },
] as const;
export type CardField = (typeof CARD_FIELDS)[number]['key'];

/** A card field's name in the user's language ("Amount"). */
export const cardFieldLabel = (field: CardField): string => t(`board.field.${field}`);

const key = (userId: string) => `crm.board.cardFields:${userId}`;
const known = new Set<string>(CARD_FIELDS.map((f) => f.key));

export function loadCardFields(userId: string, fallback: CardField[]): CardField[] {
  try {
    const raw = localStorage.getItem(key(userId));
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (Array.isArray(parsed)) return parsed.filter((f): f is CardField => typeof f === 'string' && known.has(f));
  } catch {
    // No storage (private mode) or a broken value: the default fields.
  }
  return fallback;
}

export function saveCardFields(userId: string, fields: CardField[]): void {
  try {
    localStorage.setItem(key(userId), JSON.stringify(fields));
  } catch {
    // Not remembered, still applied.
  }
}
