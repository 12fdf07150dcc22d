import { add, type Money, money, subtract } from '@elevate/sdk/money';
import type { Api, ListResponse } from '@elevate/sdk/web';
import type { Board, BoardColumn, Opportunity, Pipeline } from './types.ts';

/** The default pipeline's board (dashboard widgets share the request: the load's fetch dedupes it on the server). */
export async function defaultBoard(api: Api): Promise<Board | null> {
  const pipelines = (await api.get<ListResponse<Pipeline>>('/v1/crm/pipelines', { limit: 50 })).data;
  const chosen = pipelines.find((p) => p.isDefault) ?? pipelines[0];
  return chosen ? api.get<Board>(`/v1/crm/pipelines/${chosen.id}/board`, { limit: 1 }) : null;
}

/** `totals` with `m` added (sign 1) or taken away (-1), exactly, per currency; zero totals dropped. */
export function shiftTotals(totals: readonly Money[], m: Money, sign: 1 | -1): Money[] {
  const out = [...totals];
  const i = out.findIndex((t) => t.currency === m.currency);
  const base = out[i] ?? money('0', m.currency);
  const next = sign === 1 ? add(base, m) : subtract(base, m);
  if (i >= 0) out.splice(i, 1);
  if (!/^-?0(\.0+)?$/.test(next.amount)) out.push(next);
  return out.sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
}

/** A card moved between columns: counts and per-currency totals follow it at once (the server's answer confirms). */
export function moveCard(source: BoardColumn, target: BoardColumn, card: Opportunity): void {
  source.count -= 1;
  target.count += 1;
  if (card.value == null) return;
  try {
    const m = money(card.value, card.currency);
    source.totals = shiftTotals(source.totals ?? [], m, -1);
    target.totals = shiftTotals(target.totals ?? [], m, 1);
  } catch {
    // A code that is no ISO currency: the board's reload brings the server's totals.
  }
}
