// The line editor's model: editable lines, what the API takes, and the live totals computed by the
// server's own function (src/services/totals.ts), so what the page shows is what saving stores.
import { computeTotals, type Totals } from '../../src/services/totals.ts';
import type { QuoteLineRow, TaxRow } from '../types.ts';

export interface EditLine {
  key: number;
  kind: 'product' | 'section' | 'note';
  productId: string | null;
  description: string;
  quantity: string;
  unitPrice: string;
  discountKind: 'percent' | 'amount';
  discount: string;
  taxIds: string[];
}

export const DEC = /^\d{1,14}(\.\d{1,4})?$/;
export const SIGNED = /^-?\d{1,14}(\.\d{1,4})?$/;

let keys = 0;
export const newLine = (kind: EditLine['kind'], init: Partial<EditLine> = {}): EditLine => ({
  key: ++keys,
  kind,
  productId: null,
  description: '',
  quantity: '1',
  unitPrice: '',
  discountKind: 'percent',
  discount: '',
  taxIds: [],
  ...init,
});

/** "2.5000" → "2.5": a stored decimal as a person types it. */
export const plain = (v: string | null | undefined) => (v ? v.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') : '');

/** A stored line in the editor's shape. */
export const fromRow = (l: QuoteLineRow): EditLine =>
  newLine(l.kind, {
    productId: l.product ?? null,
    description: l.description ?? '',
    quantity: plain(l.quantity) || '1',
    unitPrice: plain(l.unitPrice),
    discountKind: l.discountAmount ? 'amount' : 'percent',
    discount: plain(l.discountAmount ?? l.discountPercent),
    taxIds: [...l.taxIds],
  });

/** The API's line from the editor's (decimals as typed; the server checks them again). */
export const toInput = (l: EditLine) =>
  l.kind === 'product'
    ? {
        kind: l.kind,
        productId: l.productId,
        description: l.description.trim() || null,
        quantity: l.quantity.trim(),
        unitPrice: l.unitPrice.trim() || null,
        discountPercent: l.discountKind === 'percent' && l.discount.trim() ? l.discount.trim() : null,
        discountAmount: l.discountKind === 'amount' && l.discount.trim() ? l.discount.trim() : null,
        taxIds: l.taxIds,
      }
    : { kind: l.kind, description: l.description.trim() };

/** Whether a line's numbers are readable (one that is not counts as nothing until corrected). */
export const usable = (l: EditLine) =>
  l.kind !== 'product' ||
  (DEC.test(l.quantity.trim()) &&
    SIGNED.test(l.unitPrice.trim()) &&
    (!l.discount.trim() || DEC.test(l.discount.trim())) &&
    !(l.discountKind === 'percent' && l.discount.trim() && Number(l.discount) > 100));

/** The quote's amounts as the server will compute them, or null while the currency is unreadable. */
export function previewTotals(
  lines: readonly EditLine[],
  taxes: readonly TaxRow[],
  currency: string,
  rounding: 'line' | 'total',
): Totals | null {
  const byId = new Map(taxes.map((t) => [t.id, t]));
  const code = /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : null;
  if (!code) return null;
  const input = lines.map((l) => {
    const ok = usable(l);
    return {
      kind: ok ? l.kind : ('note' as const),
      quantity: l.quantity.trim() || '0',
      unitPrice: l.unitPrice.trim() || '0',
      discountPercent: ok && l.discountKind === 'percent' && l.discount.trim() ? l.discount.trim() : null,
      discountAmount: ok && l.discountKind === 'amount' && l.discount.trim() ? l.discount.trim() : null,
      taxes: l.taxIds.flatMap((id) => {
        const t = byId.get(id);
        return t ? [{ id: t.id, name: t.name, rate: String(t.rate), inclusive: !!t.inclusive }] : [];
      }),
    };
  });
  try {
    return computeTotals(code, rounding, input);
  } catch {
    return null;
  }
}
