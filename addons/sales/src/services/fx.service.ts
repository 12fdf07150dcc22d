import { convert, money, NoExchangeRateError, type SystemContext, subtract } from '@elevate/sdk';

/** A document's amounts in the company currency, at the rate of its date. */
export interface CompanyAmounts {
  companyCurrency: string;
  /** 1 document currency = `exchangeRate` company currency ("1" when they are the same). */
  exchangeRate: string;
  /** The document date the rate was taken for (YYYY-MM-DD). */
  rateDate: string;
  amountUntaxedCompany: string;
  amountTaxCompany: string;
  amountTotalCompany: string;
}

/**
 * Converts a document's totals with ctx.money's rate for `date` (the latest on or before it, or
 * the inverse of the opposite one; 422 NO_EXCHANGE_RATE when there is none). The total and the
 * tax are converted (half-up to the company currency's minor units) and the untaxed amount is
 * their difference, so untaxed + tax = total holds in the company currency too.
 */
export async function companyAmounts(
  ctx: SystemContext,
  currency: string,
  date: string,
  amounts: { amountTax: string; amountTotal: string },
): Promise<CompanyAmounts> {
  const company = await ctx.money.companyCurrency();
  const { rate } = await ctx.money.rate(currency, company, date);
  const total = convert(money(amounts.amountTotal, currency), rate, company);
  const tax = convert(money(amounts.amountTax, currency), rate, company);
  return {
    companyCurrency: company,
    exchangeRate: rate,
    rateDate: date,
    amountUntaxedCompany: subtract(total, tax).amount,
    amountTaxCompany: tax.amount,
    amountTotalCompany: total.amount,
  };
}

/**
 * As companyAmounts, but an order is still confirmed when no rate exists for its date: its
 * company-currency fields stay empty (stock must not wait for accounting). Posting an invoice
 * needs the rate (companyAmounts, 422).
 */
export async function companyAmountsIfRated(
  ctx: SystemContext,
  currency: string,
  date: string,
  amounts: { amountTax: string; amountTotal: string },
): Promise<CompanyAmounts | Record<string, never>> {
  try {
    return await companyAmounts(ctx, currency, date, amounts);
  } catch (e) {
    if (e instanceof NoExchangeRateError) return {};
    throw e;
  }
}
