import { allocate, money, roundDecimal } from '@elevate/sdk';
import { salesErrors } from '../errors.ts';
import type { TermPart } from '../models/payment-term.model.ts';
import { addDays } from './clock.ts';
import { exact, HUNDRED } from './decimal.ts';

const PERCENT = /^\d{1,3}(\.\d{1,4})?$/;

/** Checks a payment term's parts: 1–12 of { percent > 0, days 0–3650 }, percentages adding up to 100. */
export function checkParts(parts: unknown): TermPart[] {
  if (!Array.isArray(parts) || parts.length < 1 || parts.length > 12) {
    throw salesErrors.invalid('parts', 'must list 1 to 12 parts like { "percent": "50", "days": 30 }');
  }
  let total = 0n;
  const out = parts.map((p, i) => {
    const part = p as Partial<TermPart> | null;
    const keys = part && typeof part === 'object' ? Object.keys(part) : [];
    if (!part || keys.some((k) => k !== 'percent' && k !== 'days')) {
      throw salesErrors.invalid(`parts.${i}`, 'must be { "percent": "50", "days": 30 }');
    }
    if (typeof part.percent !== 'string' || !PERCENT.test(part.percent) || exact(part.percent) <= 0n) {
      throw salesErrors.invalid(`parts.${i}.percent`, 'must be a decimal string above 0, e.g. "50"');
    }
    if (!Number.isInteger(part.days) || (part.days as number) < 0 || (part.days as number) > 3650) {
      throw salesErrors.invalid(`parts.${i}.days`, 'must be a whole number of days from 0 to 3650');
    }
    total += exact(part.percent);
    return { percent: roundDecimal(part.percent, 4).replace(/\.?0+$/, ''), days: part.days as number };
  });
  if (total !== HUNDRED) throw salesErrors.invalid('parts', 'the percentages must add up to 100');
  return out;
}

export interface DuePart {
  dueDate: string;
  amount: string;
}

/**
 * The due parts of `total` (in `currency`) under `parts`, from the invoice date: the SDK's
 * allocate splits by the percentages with no minor unit lost or invented (largest remainder).
 * No term: everything is due on the invoice date.
 */
export function dueParts(total: string, currency: string, invoiceDate: string, parts: readonly TermPart[] | null) {
  const list = parts?.length ? parts : [{ percent: '100', days: 0 }];
  const shares = allocate(
    money(total, currency),
    list.map((p) => p.percent),
  );
  return list.map((p, i): DuePart => ({ dueDate: addDays(invoiceDate, p.days), amount: shares[i]?.amount ?? '0' }));
}
