import {
  type ConvertedTotals,
  convert,
  type Money,
  type MoneyService,
  minorUnits,
  sumByCurrency,
  ValidationError,
  zero,
} from '@elevate/sdk';
import { isDay, type RateDb, rateStore, today } from './rates.ts';

function day(date: string | undefined): string {
  if (date === undefined) return today();
  if (!isDay(date))
    throw new ValidationError('Invalid date', [{ path: 'date', message: 'must be a date like "2025-01-31"' }]);
  return date;
}

/** `ctx.money` for one tenant transaction: the company currency is read once per context. */
export function tenantMoney(tx: RateDb): MoneyService {
  let company: Promise<string> | null = null;
  const service: MoneyService = {
    companyCurrency() {
      company ??= rateStore.companyCurrency(tx);
      return company;
    },
    rate(from, to, date) {
      minorUnits(from, 'from');
      minorUnits(to, 'to');
      return rateStore.lookup(tx, from, to, day(date));
    },
    async convert(m, to, date) {
      if (m.currency === to) return convert(m, '1', to);
      const r = await service.rate(m.currency, to, date);
      return convert(m, r.rate, to);
    },
    async totals(list, date) {
      const byCurrency = sumByCurrency(list);
      const target = await service.companyCurrency();
      const on = day(date);
      const converted: Money[] = [];
      const missingRates: string[] = [];
      for (const m of byCurrency) {
        try {
          converted.push(await service.convert(m, target, on));
        } catch (err) {
          if ((err as { code?: string }).code !== 'NO_EXCHANGE_RATE') throw err;
          missingRates.push(m.currency);
        }
      }
      const total: Money | null = missingRates.length ? null : (sumByCurrency(converted)[0] ?? zero(target));
      return { total, byCurrency, missingRates } satisfies ConvertedTotals;
    },
  };
  return service;
}
