import { div, type Exact, exact, HUNDRED, minorUnits, mul, round, text, ZERO } from './money.ts';

// The amounts of a quote or an order, computed exactly and rounded to the currency's minor units.
//
// Per line: the line price is quantity × unit price less the discount (a percentage, or an
// amount off the line). Inclusive taxes are inside that price: the untaxed base is
// price ÷ (1 + Σ inclusive rates); every tax (inclusive or exclusive) is base × its rate.
//   rounding `line`:  each tax of each line is rounded, then everything is summed; the line's
//                     total is its rounded price plus its exclusive taxes, its base the total less
//                     its taxes (so an inclusive price is what the customer pays, to the cent).
//   rounding `total`: bases and taxes are summed exactly; the tax summary rounds each rate's sum,
//                     the total rounds the sum of the exact line totals, untaxed is their difference.
// Either way untaxed + tax = total, and each rate's summary sums to the tax.

export interface TaxInfo {
  id: string;
  name: string;
  rate: string;
  inclusive: boolean;
}

export interface LineInput {
  kind: 'product' | 'section' | 'note';
  quantity: string;
  unitPrice: string;
  discountPercent?: string | null;
  discountAmount?: string | null;
  taxes: readonly TaxInfo[];
}

export interface LineAmounts {
  amountUntaxed: string;
  amountTax: string;
  amountTotal: string;
}

export interface TaxSummary {
  taxId: string;
  name: string;
  rate: string;
  inclusive: boolean;
  base: string;
  amount: string;
}

export interface Totals {
  currency: string;
  rounding: 'line' | 'total';
  lines: LineAmounts[];
  amountUntaxed: string;
  amountTax: string;
  amountTotal: string;
  taxes: TaxSummary[];
}

interface ExactLine {
  price: Exact;
  base: Exact;
  taxes: { tax: TaxInfo; amount: Exact }[];
}

function exactLine(l: LineInput): ExactLine {
  if (l.kind !== 'product') return { price: ZERO, base: ZERO, taxes: [] };
  let price = mul(exact(l.quantity), exact(l.unitPrice));
  if (l.discountPercent) price = mul(price, div(HUNDRED - exact(l.discountPercent), HUNDRED));
  if (l.discountAmount) price -= exact(l.discountAmount);
  const inclusive = l.taxes.filter((t) => t.inclusive).reduce((s, t) => s + exact(t.rate), ZERO);
  const base = inclusive ? div(price, div(HUNDRED + inclusive, HUNDRED)) : price;
  return { price, base, taxes: l.taxes.map((tax) => ({ tax, amount: div(mul(base, exact(tax.rate)), HUNDRED) })) };
}

export function computeTotals(currency: string, rounding: 'line' | 'total', lines: readonly LineInput[]): Totals {
  const d = minorUnits(currency);
  const ex = lines.map(exactLine);
  const summary = new Map<string, { tax: TaxInfo; base: Exact; amount: Exact }>();
  const add = (tax: TaxInfo, base: Exact, amount: Exact) => {
    const s = summary.get(tax.id) ?? { tax, base: ZERO, amount: ZERO };
    s.base += base;
    s.amount += amount;
    summary.set(tax.id, s);
  };
  let untaxed = ZERO;
  let tax = ZERO;
  let total = ZERO;
  const out: LineAmounts[] = [];
  for (const l of ex) {
    // The line's own amounts are always rounded per line (what the document prints on the line).
    const taxes = l.taxes.map((t) => ({ ...t, rounded: round(t.amount, d) }));
    const incl = taxes.filter((t) => t.tax.inclusive).reduce((s, t) => s + t.rounded, ZERO);
    const excl = taxes.filter((t) => !t.tax.inclusive).reduce((s, t) => s + t.rounded, ZERO);
    const lineTotal = round(l.price, d) + excl;
    const lineBase = round(l.price, d) - incl;
    out.push({ amountUntaxed: text(lineBase, d), amountTax: text(incl + excl, d), amountTotal: text(lineTotal, d) });
    if (rounding === 'line') {
      untaxed += lineBase;
      tax += incl + excl;
      total += lineTotal;
      for (const t of taxes) add(t.tax, lineBase, t.rounded);
    } else {
      total += l.base + l.taxes.reduce((s, t) => s + t.amount, ZERO);
      for (const t of l.taxes) add(t.tax, l.base, t.amount);
    }
  }
  const taxesOut = [...summary.values()].map((s) => ({
    taxId: s.tax.id,
    name: s.tax.name,
    rate: s.tax.rate,
    inclusive: s.tax.inclusive,
    base: text(round(s.base, d), d),
    amount: text(round(s.amount, d), d),
  }));
  if (rounding === 'total') {
    total = round(total, d);
    tax = taxesOut.reduce((s, t) => s + exact(t.amount), ZERO);
    untaxed = total - tax;
  }
  return {
    currency,
    rounding,
    lines: out,
    amountUntaxed: text(untaxed, d),
    amountTax: text(tax, d),
    amountTotal: text(total, d),
    taxes: taxesOut,
  };
}
