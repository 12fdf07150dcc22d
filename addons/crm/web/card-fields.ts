// The board card's fields and the user's choice of them (kept per user in this browser).

export const CARD_FIELDS = [
  { key: 'value', label: 'Amount' },
  { key: 'owner', label: 'Owner' },
  { key: 'expectedCloseDate', label: 'Expected close date' },
  { key: 'nextActivity', label: 'Next activity' },
  { key: 'probability', label: 'Probability' },
] as const;
export type CardField = (typeof CARD_FIELDS)[number]['key'];

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
