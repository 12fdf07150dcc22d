import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sales } from '../src/index.ts';
import { type EditLine, fromRow, newLine, previewTotals, toInput, usable } from '../web/components/line-editor.ts';
import { listHref, totalsByCurrency } from '../web/format.ts';
import type { QuoteView, TaxRow } from '../web/types.ts';
import { API, contact, ok, tax } from './helpers.ts';

// The quote form's live totals (web/components/line-editor.ts) against what the server stores for
// the same lines: they must agree to the minor unit, per line and per total, in both rounding modes.

let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales], workers: false });
  acme = await env.tenant('preview', { enable: ['sales'] });
});
afterAll(() => env?.close());

async function compare(currency: string, lines: EditLine[], taxes: TaxRow[], rounding: 'line' | 'total') {
  const c = await contact(acme.client);
  const saved = await ok<QuoteView>(
    acme.client.post(`${API}/quotes`, { contactId: c.id, currency, lines: lines.map(toInput) }),
    201,
  );
  const preview = previewTotals(lines, taxes, currency, rounding);
  const minor = (v: string) => (v.includes('.') ? v.replace(/\.?0+$/, '') : v);
  expect(preview && minor(preview.amountTotal)).toBe(minor(saved.amountTotal));
  expect(preview && minor(preview.amountTax)).toBe(minor(saved.amountTax));
  expect(preview && minor(preview.amountUntaxed)).toBe(minor(saved.amountUntaxed));
  expect(preview?.lines.map((l) => minor(l.amountTotal))).toEqual(saved.lines.map((l) => minor(String(l.amountTotal))));
  expect(preview?.taxes.map(({ taxId: _t, rate: _r, ...t }) => t)).toEqual(
    saved.taxSummary.map(({ taxId: _t, rate: _r, ...t }) => t),
  );
  // What the server stored reads back into the editor unchanged.
  // (Tax ids are a set: the server keeps no order.)
  const sorted = (ls: EditLine[]) =>
    ls.map(toInput).map((l) => (l.kind === 'product' ? { ...l, taxIds: [...(l.taxIds ?? [])].sort() } : l));
  expect(sorted(saved.lines.map(fromRow))).toEqual(sorted(lines));
  return preview;
}

describe('the quote form previews the server’s totals', () => {
  it('per line: discounts in % and amount, inclusive and exclusive taxes, sections and notes, JPY and KWD', async () => {
    const vat = (await tax(acme.client, '20')) as unknown as TaxRow;
    const incl = (await tax(acme.client, '10', true)) as unknown as TaxRow;
    const taxes = [vat, incl];
    const lines = [
      newLine('section', { description: 'Hardware' }),
      newLine('product', {
        description: 'Consulting',
        quantity: '3',
        unitPrice: '19.99',
        discount: '10',
        taxIds: [vat.id],
      }),
      newLine('product', { description: 'Pens', quantity: '7', unitPrice: '1.05', taxIds: [incl.id, vat.id] }),
      newLine('product', {
        description: 'Setup',
        quantity: '1',
        unitPrice: '100',
        discountKind: 'amount',
        discount: '12.345',
      }),
      newLine('note', { description: 'Delivered on site' }),
    ];
    for (const currency of ['USD', 'JPY', 'KWD']) {
      const p = await compare(currency, lines, taxes, 'line');
      expect(p?.currency).toBe(currency);
    }
  });

  it('per total, the company setting', async () => {
    const incl = (await tax(acme.client, '10', true)) as unknown as TaxRow;
    const lines = Array.from({ length: 10 }, () =>
      newLine('product', { description: 'Pen', quantity: '1', unitPrice: '1.05', taxIds: [incl.id] }),
    );
    await ok(acme.client.put('/api/v1/core/addons/sales/settings', { rounding: 'total' }));
    try {
      // By hand: 10 × 1.05 incl. 10 % → 9.55 + 0.95 (per line it would be 9.50 + 1.00).
      const p = await compare('USD', lines, [incl], 'total');
      expect([p?.amountUntaxed, p?.amountTax]).toEqual(['9.55', '0.95']);
    } finally {
      await ok(acme.client.put('/api/v1/core/addons/sales/settings', {}));
    }
  });

  it('a line being typed counts as nothing until it reads as a number; an unreadable currency shows no totals', () => {
    const l = newLine('product', { description: 'x', quantity: '2', unitPrice: '5' });
    expect(previewTotals([l], [], 'USD', 'line')?.amountTotal).toBe('10.00');
    for (const bad of [{ quantity: '2.' }, { unitPrice: 'abc' }, { discount: '101' }, { quantity: '' }]) {
      const typing = { ...l, ...bad };
      expect(usable(typing)).toBe(false);
      expect(previewTotals([typing, l], [], 'USD', 'line')?.amountTotal).toBe('10.00');
    }
    expect(previewTotals([l], [], 'US', 'line')).toBeNull();
  });

  it('sums list totals per currency exactly and builds list links', () => {
    expect(
      totalsByCurrency([
        { currency: 'USD', amount: '0.1000' },
        { currency: 'EUR', amount: '5.0000' },
        { currency: 'USD', amount: '0.2000' },
        { currency: 'JPY', amount: '1500.0000' },
      ]),
    ).toEqual([
      { amount: '5.00', currency: 'EUR' },
      { amount: '1500', currency: 'JPY' },
      { amount: '0.30', currency: 'USD' },
    ]);
    expect(listHref('/sales/quotes', { state: 'sent', q: '', offset: '50' }, { offset: null })).toBe(
      '/sales/quotes?state=sent',
    );
    expect(listHref('/sales/quotes', { state: '' }, { contact: 'a b' })).toBe('/sales/quotes?contact=a+b');
  });
});
