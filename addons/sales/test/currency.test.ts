import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sales } from '../src/index.ts';
import { setClock } from '../src/services/clock.ts';
import { API, contact, ok, tax } from './helpers.ts';

let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales], workers: false });
  acme = await env.tenant('fx-acme', { enable: ['sales'] });
  await ok(acme.client.put('/api/v1/core/money/settings', { currency: 'EUR' }));
  // Dated rates around the day the order is confirmed (the clock below): the one on or before it counts.
  for (const [validOn, rate] of [
    ['2026-02-01', '0.8000'],
    ['2026-03-01', '0.9123'],
    ['2026-03-20', '0.5000'],
  ]) {
    await ok(acme.client.post('/api/v1/core/exchange-rates', { from: 'USD', to: 'EUR', rate, validOn }), 201);
  }
});
afterEach(() => setClock(null));
afterAll(() => env?.close());

const orderIn = async (currency: string, lines: unknown[]) => {
  const c = await contact(acme.client);
  return ok<{ id: string }>(acme.client.post(`${API}/orders`, { contactId: c.id, currency, lines }), 201);
};

describe('document currency and company currency', () => {
  it('confirming takes the rate of the confirmation day and stores the totals in both currencies', async () => {
    const vat = await tax(acme.client, '10');
    const o = await orderIn('USD', [{ description: 'Work', quantity: '3', unitPrice: '19.99', taxIds: [vat.id] }]);
    setClock(new Date('2026-03-15T10:00:00Z'));
    const c = await ok(acme.client.post(`${API}/orders/${o.id}/confirm`));
    // 3 × 19.99 = 59.97, tax 5.997 → 6.00, total 65.97 USD.
    // At 0.9123 (valid from 2026-03-01): total 60.184431 → 60.18, tax 5.4738 → 5.47, untaxed 60.18 − 5.47.
    expect(c).toMatchObject({
      currency: 'USD',
      amountUntaxed: '59.9700',
      amountTax: '6.0000',
      amountTotal: '65.9700',
      companyCurrency: 'EUR',
      exchangeRate: '0.912300000000',
      rateDate: '2026-03-15',
      amountUntaxedCompany: '54.7100',
      amountTaxCompany: '5.4700',
      amountTotalCompany: '60.1800',
    });
  });

  it('the same currency converts at 1; without a rate an order is confirmed with no company amounts, an invoice is not posted (422)', async () => {
    const eur = await orderIn('EUR', [{ description: 'Work', unitPrice: '12.34' }]);
    expect(await ok(acme.client.post(`${API}/orders/${eur.id}/confirm`))).toMatchObject({
      exchangeRate: '1.000000000000',
      amountTotalCompany: '12.3400',
    });
    const jpy = await orderIn('JPY', [{ description: 'Work', unitPrice: '1500' }]);
    expect(await ok(acme.client.post(`${API}/orders/${jpy.id}/confirm`))).toMatchObject({
      state: 'confirmed',
      exchangeRate: null,
      amountTotalCompany: null,
    });
    const inv = await ok<{ id: string }>(acme.client.post(`${API}/orders/${jpy.id}/invoices`, {}), 201);
    const res = await acme.client.post(`${API}/invoices/${inv.id}/post`);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('NO_EXCHANGE_RATE');
    // Nothing of the post remains: still a draft, no number.
    expect(await ok(acme.client.get(`${API}/invoices/${inv.id}`))).toMatchObject({ state: 'draft', number: null });
  });

  it('posting an invoice takes the rate of the invoice date, not of the order', async () => {
    const o = await orderIn('USD', [{ description: 'Work', unitPrice: '100' }]);
    setClock(new Date('2026-03-25T10:00:00Z'));
    expect(await ok(acme.client.post(`${API}/orders/${o.id}/confirm`))).toMatchObject({
      exchangeRate: '0.500000000000',
    });
    const inv = await ok<{ id: string }>(
      acme.client.post(`${API}/orders/${o.id}/invoices`, { invoiceDate: '2026-02-10' }),
      201,
    );
    // 1 Feb rate 0.8: 100 USD → 80.00 EUR
    expect(await ok(acme.client.post(`${API}/invoices/${inv.id}/post`))).toMatchObject({
      invoiceDate: '2026-02-10',
      exchangeRate: '0.800000000000',
      rateDate: '2026-02-10',
      amountTotalCompany: '80.0000',
      amountTaxCompany: '0.0000',
      amountUntaxedCompany: '80.0000',
    });
  });

  it('an unknown currency is a 400 naming the field', async () => {
    const c = await contact(acme.client);
    const res = await acme.client.post(`${API}/orders`, { contactId: c.id, currency: 'ZZZ', lines: [] });
    expect(res.status).toBe(400);
    expect(res.body.details[0].path).toBe('currency');
  });
});
