import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sales } from '../src/index.ts';
import { setClock } from '../src/services/clock.ts';
import { API, contact, ok, withRole } from './helpers.ts';

let env: TestEnv;
let acme: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales] });
  acme = await env.tenant('reg-acme', { enable: ['sales'] });
  other = await env.tenant('reg-other', { enable: ['sales'] });
});
afterEach(() => setClock(null));
afterAll(() => env?.close());

const day = (d: string) => setClock(new Date(`${d}T12:00:00Z`));

interface Register {
  data: { id: string; number: string | null; paymentStatus: string; state: string; customerName: string | null }[];
  total_count: number;
  totals: { currency: string; count: number; amountTotal: string; amountResidual: string }[];
}

/** A posted invoice of one free-text line for `customer`, dated `date`, optionally with a term. */
async function posted(c: ApiClient, customer: string, currency: string, price: string, date: string, termId?: string) {
  const o = await ok(
    c.post(`${API}/orders`, { contactId: customer, currency, lines: [{ description: 'Work', unitPrice: price }] }),
    201,
  );
  await ok(c.post(`${API}/orders/${o.id}/confirm`));
  const inv = await ok(
    c.post(`${API}/orders/${o.id}/invoices`, { invoiceDate: date, ...(termId ? { paymentTermId: termId } : {}) }),
    201,
  );
  return ok<{ id: string; number: string }>(c.post(`${API}/invoices/${inv.id}/post`));
}

describe('invoices register, payments and dashboard summaries', () => {
  it('filters by status, customer and date; sums per currency over every match, never across currencies', async () => {
    day('2031-03-01');
    const c = acme.client;
    await ok(
      c.post('/api/v1/core/exchange-rates', { from: 'EUR', to: 'USD', rate: '1.1', validOn: '2030-12-01' }),
      201,
    );
    const ann = await contact(c, 'Ann Register');
    const bob = await contact(c, 'Bob Register');
    const term = await ok(
      c.post(`${API}/payment-terms`, { name: 'Net 10 reg', parts: [{ percent: '100', days: 10 }] }),
      201,
    );
    const a1 = await posted(c, ann.id, 'USD', '100.10', '2031-01-05', term.id); // overdue on 2031-03-01
    const a2 = await posted(c, ann.id, 'USD', '50', '2031-02-20', term.id); // partial
    const b1 = await posted(c, bob.id, 'EUR', '70', '2031-03-01'); // unpaid, due today
    await ok(
      c.post(`${API}/invoices/${a2.id}/payments`, { amount: '20.05', date: '2031-02-28', reference: 'wire 7' }),
      201,
    );
    // A draft, and a run of the overdue check so the stored status says overdue too.
    const o = await ok(
      c.post(`${API}/orders`, {
        contactId: bob.id,
        currency: 'EUR',
        lines: [{ description: 'Later', unitPrice: '5' }],
      }),
      201,
    );
    await ok(c.post(`${API}/orders/${o.id}/confirm`));
    await ok(c.post(`${API}/orders/${o.id}/invoices`, {}), 201);
    const job = await ok<{ jobId: string }>(c.post(`${API}/invoices/mark-overdue`), 202);
    await env.flush();
    expect(job.jobId).toBeTruthy();

    const all = await ok<Register>(c.get(`${API}/reports/invoices?limit=2`));
    expect(all.total_count).toBe(4);
    expect(all.data).toHaveLength(2);
    // Sums: USD 100.10 + 50.00 (residual 100.10 + 29.95); EUR 70 + 5 (the draft).
    expect(all.totals).toEqual([
      { currency: 'EUR', count: 2, amountTotal: '75.00', amountResidual: '75.00' },
      { currency: 'USD', count: 2, amountTotal: '150.10', amountResidual: '130.05' },
    ]);

    const statuses = async (q: string) =>
      (await ok<Register>(c.get(`${API}/reports/invoices?${q}`))).data.map((r) => r.number ?? r.state).sort();
    expect(await statuses('status=overdue')).toEqual([a1.number]);
    expect(await statuses('status=partial')).toEqual([a2.number]);
    expect(await statuses('status=unpaid')).toEqual([b1.number]);
    expect(await statuses('status=draft')).toEqual(['draft']);
    expect(await statuses('status=paid')).toEqual([]);
    expect(await statuses(`customer=${ann.id}`)).toEqual([a1.number, a2.number].sort());
    expect(await statuses(`customer=${ann.id}&from=2031-02-01&to=2031-02-28`)).toEqual([a2.number]);
    const ann2 = await ok<Register>(c.get(`${API}/reports/invoices?customer=${ann.id}`));
    expect(ann2.data[0]?.customerName).toBe('Ann Register');
    expect(ann2.totals).toEqual([{ currency: 'USD', count: 2, amountTotal: '150.10', amountResidual: '130.05' }]);

    const bad = await c.get(`${API}/reports/invoices?status=late&from=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(bad.body.details)).toMatch(/status|from/);

    // Payments: the one recorded, with its invoice and customer.
    const pays = await ok<{
      data: { invoiceNumber: string; customerName: string; amount: string; reference: string; date: string }[];
      totals: { currency: string; amount: string }[];
    }>(c.get(`${API}/payments?customer=${ann.id}`));
    expect(pays.data).toEqual([
      expect.objectContaining({
        invoiceNumber: a2.number,
        customerName: 'Ann Register',
        amount: '20.05',
        reference: 'wire 7',
        date: '2031-02-28',
      }),
    ]);
    expect(pays.totals).toEqual([{ currency: 'USD', count: 1, amount: '20.05' }]);
    expect((await ok<{ data: unknown[] }>(c.get(`${API}/payments?from=2031-03-01`))).data).toEqual([]);

    // The dashboard's overdue figure is the aged report's past-due buckets, and the SQL sees all rows.
    const overdue = await ok<{ count: number; byCurrency: { currency: string; amount: string; count: number }[] }>(
      c.get(`${API}/summaries/overdue-invoices`),
    );
    expect(overdue).toMatchObject({ count: 1, byCurrency: [{ currency: 'USD', amount: '100.10', count: 1 }] });
    const aged = await ok<{ totals: { currency: string; buckets: Record<string, string> }[] }>(
      c.get(`${API}/reports/aged-receivables?asOf=2031-03-01`),
    );
    expect(aged.totals.find((t) => t.currency === 'USD')?.buckets['31-60']).toBe('100.10');

    // Other tenant: nothing of it.
    const theirs = await ok<Register>(other.client.get(`${API}/reports/invoices`));
    expect(theirs).toEqual({ data: [], total_count: 0, totals: [] });
    expect((await ok<{ data: unknown[] }>(other.client.get(`${API}/payments`))).data).toEqual([]);
    expect(await ok(other.client.get(`${API}/summaries/overdue-invoices`))).toMatchObject({ count: 0, byCurrency: [] });
  });

  it('quotes awaiting an answer: sent and still valid, per currency, the rep’s own only', async () => {
    day('2031-05-10');
    const t = await env.tenant('reg-quotes', { enable: ['sales'] });
    const rep = await t.as('member');
    const mk = async (c: ApiClient, currency: string, price: string, validUntil: string, send = true) => {
      const who = await contact(c);
      const q = await ok(
        c.post(`${API}/quotes`, {
          contactId: who.id,
          currency,
          validUntil,
          lines: [{ description: 'X', unitPrice: price }],
        }),
        201,
      );
      if (send) await ok(c.post(`${API}/quotes/${q.id}/send`));
      return q;
    };
    await mk(t.client, 'USD', '10', '2031-05-31');
    await mk(t.client, 'USD', '5.50', '2031-05-10'); // valid through today
    await mk(t.client, 'JPY', '1200', '2031-06-30');
    await mk(t.client, 'USD', '99', '2031-05-09'); // past its date: not awaiting
    await mk(t.client, 'USD', '77', '2031-05-31', false); // a draft
    await mk(rep, 'EUR', '3', '2031-05-31');
    const admin = await ok(t.client.get(`${API}/summaries/quotes-awaiting`));
    expect(admin).toMatchObject({
      count: 4,
      byCurrency: [
        { currency: 'EUR', amount: '3.00', count: 1 },
        { currency: 'JPY', amount: '1200', count: 1 },
        { currency: 'USD', amount: '15.50', count: 2 },
      ],
    });
    expect(await ok(rep.get(`${API}/summaries/quotes-awaiting`))).toMatchObject({
      count: 1,
      byCurrency: [{ currency: 'EUR', amount: '3.00', count: 1 }],
    });
    expect(await ok(other.client.get(`${API}/summaries/quotes-awaiting`))).toMatchObject({ count: 0, byCurrency: [] });
  });

  it('a role without sales.invoice.read gets 403 on invoices, payments and the overdue figure', async () => {
    const quotesOnly = await withRole(acme, 'quotes-only', ['sales.quote.read', 'crm.contact.read']);
    for (const path of ['/reports/invoices', '/payments', '/summaries/overdue-invoices', '/reports/aged-receivables']) {
      const res = await quotesOnly.get(`${API}${path}`);
      expect(res.status, path).toBe(403);
    }
    expect((await quotesOnly.get(`${API}/summaries/quotes-awaiting`)).status).toBe(200);
    const noQuotes = await withRole(acme, 'invoices-only', ['sales.invoice.read']);
    expect((await noQuotes.get(`${API}/summaries/quotes-awaiting`)).status).toBe(403);
    expect((await noQuotes.get(`${API}/reports/invoices`)).status).toBe(200);
  });
});
