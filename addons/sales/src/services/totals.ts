import { add, type Money, round, subtract, sum, zero } from '@elevate/sdk/money';
import { decimal, div, type Exact, exact, HUNDRED, mul, ZERO } from './decimal.ts';

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

/** An exact value rounded (half away from zero) to the currency's minor units, by the SDK. */
const toCurrency = (v: Exact, currency: string): Money => round(decimal(v), currency);

export function computeTotals(currency: string, rounding: 'line' | 'total', lines: readonly LineInput[]): Totals {
  const ex = lines.map(exactLine);
  const summary = new Map<string, { tax: TaxInfo; base: Exact; amount: Exact; rBase: Money; rAmount: Money }>();
  const add1 = (tax: TaxInfo, base: Exact, amount: Exact, rBase: Money, rAmount: Money) => {
    const s = summary.get(tax.id) ?? { tax, base: ZERO, amount: ZERO, rBase: zero(currency), rAmount: zero(currency) };
    s.base += base;
    s.amount += amount;
    s.rBase = add(s.rBase, rBase);
    s.rAmount = add(s.rAmount, rAmount);
    summary.set(tax.id, s);
  };
  let untaxed = zero(currency);
  let tax = zero(currency);
  let total = zero(currency);
  let exactTotal = ZERO;
  const out: LineAmounts[] = [];
  for (const l of ex) {
    // The line's own amounts are always rounded per line (what the document prints on the line).
    const taxes = l.taxes.map((t) => ({ ...t, rounded: toCurrency(t.amount, currency) }));
    const incl = sum(
      taxes.filter((t) => t.tax.inclusive).map((t) => t.rounded),
      currency,
    );
    const excl = sum(
      taxes.filter((t) => !t.tax.inclusive).map((t) => t.rounded),
      currency,
    );
    const price = toCurrency(l.price, currency);
    const lineTotal = add(price, excl);
    const lineBase = subtract(price, incl);
    out.push({ amountUntaxed: lineBase.amount, amountTax: add(incl, excl).amount, amountTotal: lineTotal.amount });
    if (rounding === 'line') {
      untaxed = add(untaxed, lineBase);
      tax = add(tax, add(incl, excl));
      total = add(total, lineTotal);
      for (const t of taxes) add1(t.tax, ZERO, ZERO, lineBase, t.rounded);
    } else {
      exactTotal += l.base + l.taxes.reduce((s, t) => s + t.amount, ZERO);
      for (const t of l.taxes) add1(t.tax, l.base, t.amount, zero(currency), zero(currency));
    }
  }
  const taxesOut = [...summary.values()].map((s) => ({
    taxId: s.tax.id,
    name: s.tax.name,
    rate: s.tax.rate,
    inclusive: s.tax.inclusive,
    base: (rounding === 'line' ? s.rBase : toCurrency(s.base, currency)).amount,
    amount: (rounding === 'line' ? s.rAmount : toCurrency(s.amount, currency)).amount,
  }));
  if (rounding === 'total') {
    total = toCurrency(exactTotal, currency);
    tax = sum(
      taxesOut.map((t) => round(t.amount, currency)),
      currency,
    );
    untaxed = subtract(total, tax);
  }
  return {
    currency,
    rounding,
    lines: out,
    amountUntaxed: untaxed.amount,
    amountTax: tax.amount,
    amountTotal: total.amount,
    taxes: taxesOut,
  };
}
