import { f } from '@elevate/sdk';

/**
 * A document's totals in the company currency, fixed when it is confirmed (orders) or posted
 * (invoices) at the exchange rate of its date; null until then.
 */
export const companyAmountFields = {
  companyCurrency: f.string({ max: 3 }),
  /** 1 document currency = `exchangeRate` company currency. */
  exchangeRate: f.decimal({ precision: [24, 12] }),
  /** The date the rate was taken for. */
  rateDate: f.date(),
  amountUntaxedCompany: f.decimal({ precision: [20, 4] }),
  amountTaxCompany: f.decimal({ precision: [20, 4] }),
  amountTotalCompany: f.decimal({ precision: [20, 4] }),
};
