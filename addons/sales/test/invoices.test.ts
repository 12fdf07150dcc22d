import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sales } from '../src/index.ts';
import { setClock } from '../src/services/clock.ts';
import { API, contact, ok, product, receive, tax } from './helpers.ts';

let env: TestEnv;
let acme: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales] });
  acme = await env.tenant('inv-acme', { enable: ['sales'] });
  other = await env.tenant('inv-other', { enable: ['sales'] });
});
afterEach(() => setClock(null));
afterAll(() => env?.close());

interface InvoiceView {
  id: string;
  kind: string;
  number: string | null;
  state: string;
  paymentStatus: string;
  invoiceDate: string | null;
  dueDate: string | null;
  amountUntaxed: string;
  amountTax: string;
  amountTotal: string;
  amountPaid: string;
  amountResidual: string;
  lines: { id: string; quantity: string; amountTotal: string; orderLine: string | null }[];
  installments: { dueDate: string; amount: string }[];
  payments: { method: string; amount: string }[];
  creditNotes: { id: string; number: string | null }[];
}

const day = (d: string) => setClock(new Date(`${d}T12:00:00Z`));

/** A confirmed order of the given lines for a new customer of tenant `t` (client `c`). */
async function confirmedOrder(c: ApiClient, lines: unknown[], contactId?: string) {
  const customer = contactId ?? (await contact(c)).id;
  const o = await ok<{ id: string; lines: { id: string }[] }>(
    c.post(`${API}/orders`, { contactId: customer, currency: 'USD', lines }),
    201,
  );
  await ok(c.post(`${API}/orders/${o.id}/confirm`));
  return { ...o, contactId: customer };
}

const invoiceOf = (c: ApiClient, orderId: string, body: Record<string, unknown> = {}) =>
  ok<InvoiceView>(c.post(`${API}/orders/${orderId}/invoices`, body), 201);
const post = (c: ApiClient, id: string) => ok<InvoiceView>(c.post(`${API}/invoices/${id}/post`));
const pay = (c: ApiClient, id: string, amount: string) =>
  ok<{ invoice: InvoiceView }>(c.post(`${API}/invoices/${id}/payments`, { amount }), 201);
const term = (c: ApiClient, parts: unknown[]) =>
  ok(c.post(`${API}/payment-terms`, { name: `Term ${Math.random().toString(36).slice(2)}`, parts }), 201);
const outbox = (tenantId: string, name: string, id: string) =>
  env.sql<{ n: number }>(
    'select count(*)::int as n from core_outbox where tenant_id = $1 and name = $2 and aggregate_id = $3',
    [tenantId, name, id],
  );

describe('invoices', () => {
  it('on ordered quantities: draft → posted (numbered, immutable), nothing billed twice', async () => {
    const vat = await tax(acme.client, '10');
    const o = await confirmedOrder(acme.client, [
      { description: 'Consulting', quantity: '3', unitPrice: '19.99', taxIds: [vat.id], discountPercent: '10' },
      { description: 'Setup', unitPrice: '50' },
    ]);
    day('2026-04-02');
    const draft = await invoiceOf(acme.client, o.id);
    // 3 × 19.99 − 10 % = 53.973 → 53.97, tax 5.40; + 50 → 103.97 + 5.40 = 109.37
    expect(draft).toMatchObject({
      kind: 'invoice',
      state: 'draft',
      number: null,
      amountUntaxed: '103.9700',
      amountTax: '5.4000',
      amountTotal: '109.3700',
    });
    expect(draft.lines.map((l) => [l.quantity, l.orderLine])).toEqual([
      ['3.0000', o.lines[0]?.id],
      ['1.0000', o.lines[1]?.id],
    ]);
    // Everything is on the draft: a second invoice has nothing left.
    const again = await acme.client.post(`${API}/orders/${o.id}/invoices`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SALES_NOTHING_TO_INVOICE');

    const posted = await post(acme.client, draft.id);
    expect(posted).toMatchObject({
      state: 'posted',
      invoiceDate: '2026-04-02',
      dueDate: '2026-04-02',
      paymentStatus: 'unpaid',
      amountResidual: '109.3700',
      installments: [{ dueDate: '2026-04-02', amount: '109.3700' }],
    });
    expect(posted.number).toMatch(/^INV\/2026\/\d{5}$/);
    expect(await outbox(acme.id, 'sales.invoice.posted', draft.id)).toEqual([{ n: 1 }]);
    // Posted is final.
    const patch = await acme.client.patch(`${API}/invoices/${draft.id}`, { note: 'changed' });
    expect(patch.status).toBe(409);
    expect(patch.body.code).toBe('SALES_INVOICE_STATE');
    expect((await acme.client.post(`${API}/invoices/${draft.id}/post`)).status).toBe(409);
    expect((await acme.client.post(`${API}/invoices/${draft.id}/cancel`)).status).toBe(409);
  });

  it('on delivered quantities (company setting): what left, less returns, in the sale unit', async () => {
    await ok(acme.client.put('/api/v1/core/addons/sales/settings', { invoicePolicy: 'delivered' }));
    try {
      const p = await product(acme.client);
      await receive(acme.client, p.id, '10');
      const o = await confirmedOrder(acme.client, [
        { productId: p.id, quantity: '6', unitPrice: '10' },
        { description: 'Installation', unitPrice: '50' },
      ]);
      const line = o.lines[0]?.id as string;
      // Nothing delivered yet: only the service line can be invoiced.
      const first = await invoiceOf(acme.client, o.id);
      expect(first.lines.map((l) => [l.orderLine, l.quantity])).toEqual([[o.lines[1]?.id, '1.0000']]);
      await ok(acme.client.post(`${API}/orders/${o.id}/deliver`, { lines: { [line]: '4' } }), 201);
      const second = await invoiceOf(acme.client, o.id);
      expect(second).toMatchObject({ amountTotal: '40.0000', lines: [{ orderLine: line, quantity: '4.0000' }] });
      await ok(acme.client.post(`${API}/orders/${o.id}/deliver`, {}), 201);
      const third = await invoiceOf(acme.client, o.id);
      expect(third.lines.map((l) => l.quantity)).toEqual(['2.0000']);
      expect((await acme.client.post(`${API}/orders/${o.id}/invoices`, {})).status).toBe(409);
    } finally {
      await ok(acme.client.put('/api/v1/core/addons/sales/settings', {}));
    }
  });

  it('a credit note reverses part of an invoice, then the rest; each is applied to what is due', async () => {
    const vat = await tax(acme.client, '10');
    const o = await confirmedOrder(acme.client, [
      { description: 'Seats', quantity: '6', unitPrice: '10', taxIds: [vat.id] },
    ]);
    const inv = await post(acme.client, (await invoiceOf(acme.client, o.id)).id);
    expect(inv.amountTotal).toBe('66.0000');
    const lineId = inv.lines[0]?.id as string;
    const tooMuch = await acme.client.post(`${API}/invoices/${inv.id}/credit-notes`, { lines: { [lineId]: '7' } });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.details[0].path).toBe(`lines.${lineId}`);

    const part = await ok<InvoiceView>(
      acme.client.post(`${API}/invoices/${inv.id}/credit-notes`, { lines: { [lineId]: '2' } }),
      201,
    );
    // 2 × 10 + 10 % = 22.00
    expect(part).toMatchObject({ kind: 'credit_note', state: 'draft', amountTotal: '22.0000' });
    const cn = await post(acme.client, part.id);
    expect(cn.number).toMatch(/^RINV\/\d{4}\/\d{5}$/);
    expect(cn).toMatchObject({ paymentStatus: 'paid', amountPaid: '22.0000', amountResidual: '0.0000' });
    const after = await ok<InvoiceView>(acme.client.get(`${API}/invoices/${inv.id}`));
    expect(after).toMatchObject({ paymentStatus: 'partial', amountPaid: '22.0000', amountResidual: '44.0000' });
    expect(after.payments).toMatchObject([{ method: 'credit_note', amount: '22.0000' }]);
    expect(after.creditNotes.map((c) => c.id)).toEqual([cn.id]);

    // The rest (default: everything not credited yet) settles it.
    const rest = await ok<InvoiceView>(acme.client.post(`${API}/invoices/${inv.id}/credit-notes`, {}), 201);
    expect(rest.lines.map((l) => l.quantity)).toEqual(['4.0000']);
    await post(acme.client, rest.id);
    expect(await ok<InvoiceView>(acme.client.get(`${API}/invoices/${inv.id}`))).toMatchObject({
      paymentStatus: 'paid',
      amountResidual: '0.0000',
    });
    expect(await outbox(acme.id, 'sales.invoice.paid', inv.id)).toEqual([{ n: 1 }]);
    // The credit returned the quantities: the order can be invoiced again for them.
    const again = await invoiceOf(acme.client, o.id);
    expect(again.lines.map((l) => l.quantity)).toEqual(['6.0000']);
  });

  it('50 % now / 50 % in 30 days: due parts by allocate, payments partial then paid', async () => {
    const t = await term(acme.client, [
      { percent: '50', days: 0 },
      { percent: '50', days: 30 },
    ]);
    const o = await confirmedOrder(acme.client, [{ description: 'Odd', unitPrice: '100.01' }]);
    day('2026-12-15');
    const inv = await post(acme.client, (await invoiceOf(acme.client, o.id, { paymentTermId: t.id })).id);
    // 100.01 / 2: the first part takes the odd cent.
    expect(inv.installments).toEqual([
      expect.objectContaining({ dueDate: '2026-12-15', amount: '50.0100' }),
      expect.objectContaining({ dueDate: '2027-01-14', amount: '50.0000' }),
    ]);
    expect(inv.dueDate).toBe('2027-01-14');
    const over = await acme.client.post(`${API}/invoices/${inv.id}/payments`, { amount: '100.02' });
    expect(over.status).toBe(400);
    expect(over.body.details[0].path).toBe('amount');
    const digits = await acme.client.post(`${API}/invoices/${inv.id}/payments`, { amount: '1.005' });
    expect(digits.status).toBe(400);
    expect(digits.body.details[0].path).toBe('amount');
    expect((await pay(acme.client, inv.id, '50.01')).invoice).toMatchObject({
      paymentStatus: 'partial',
      amountResidual: '50.0000',
    });
    expect((await pay(acme.client, inv.id, '50.00')).invoice).toMatchObject({
      paymentStatus: 'paid',
      amountResidual: '0.0000',
      payments: [{ amount: '50.0100' }, { amount: '50.0000' }],
    });
    expect(await outbox(acme.id, 'sales.invoice.payment_recorded', inv.id)).toEqual([{ n: 2 }]);
    expect(await outbox(acme.id, 'sales.invoice.paid', inv.id)).toEqual([{ n: 1 }]);
    const bad = await acme.client.post(`${API}/payment-terms`, { name: 'Bad', parts: [{ percent: '60', days: 0 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('parts');
  });

  it('the overdue job (clock moved past the due date) marks overdue once and publishes the event', async () => {
    const t = await term(acme.client, [{ percent: '100', days: 30 }]);
    const o = await confirmedOrder(acme.client, [{ description: 'Late', unitPrice: '80' }]);
    day('2030-01-10');
    const inv = await post(acme.client, (await invoiceOf(acme.client, o.id, { paymentTermId: t.id })).id);
    expect(inv).toMatchObject({ dueDate: '2030-02-09', paymentStatus: 'unpaid' });
    await pay(acme.client, inv.id, '30');
    const runNow = async () => {
      const { jobId } = await ok<{ jobId: string }>(acme.client.post(`${API}/invoices/mark-overdue`), 202);
      return vi.waitFor(
        async () => {
          const job = await ok<{ state: string; result: { marked: number } }>(
            acme.client.get(`/api/v1/core/jobs/${jobId}`),
          );
          expect(job.state).toBe('completed');
          return job.result;
        },
        { timeout: 20_000, interval: 100 },
      );
    };
    day('2030-02-09'); // due today: not overdue yet
    await runNow();
    expect((await ok<InvoiceView>(acme.client.get(`${API}/invoices/${inv.id}`))).paymentStatus).toBe('partial');
    day('2030-02-10');
    expect((await runNow()).marked).toBeGreaterThanOrEqual(1);
    expect((await ok<InvoiceView>(acme.client.get(`${API}/invoices/${inv.id}`))).paymentStatus).toBe('overdue');
    await runNow();
    expect(await outbox(acme.id, 'sales.invoice.overdue', inv.id)).toEqual([{ n: 1 }]);
    // Paying the rest settles it.
    expect((await pay(acme.client, inv.id, '50')).invoice.paymentStatus).toBe('paid');
  });

  it('20 posts at once in a new year: numbers 1..20, no gap, no duplicate', async () => {
    const t = await env.tenant(`inv-seq-${Date.now()}`, { enable: ['sales'] });
    const drafts: string[] = [];
    for (let i = 0; i < 20; i++) {
      const o = await confirmedOrder(t.client, [{ description: `Item ${i}`, unitPrice: '1' }]);
      drafts.push((await invoiceOf(t.client, o.id, { invoiceDate: '2031-06-01' })).id);
    }
    const results = await Promise.all(drafts.map((id) => t.client.post(`${API}/invoices/${id}/post`)));
    expect(results.map((r) => r.status)).toEqual(drafts.map(() => 200));
    const numbers = results.map((r) => r.body.number as string).sort();
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => `INV/2031/${String(i + 1).padStart(5, '0')}`));
  });

  it('aged receivables: per customer and currency, open parts by days past due, payments covering the oldest', async () => {
    const t = await env.tenant(`inv-aged-${Date.now()}`, { enable: ['sales'] });
    const thirds = await term(t.client, [
      { percent: '50', days: 0 },
      { percent: '50', days: 45 },
    ]);
    const ada = (await contact(t.client, 'Ada Aged')).id;
    const bob = (await contact(t.client, 'Bob Aged')).id;
    const invoice = async (customer: string, price: string, date: string, termId?: string) => {
      const o = await confirmedOrder(t.client, [{ description: 'Work', unitPrice: price }], customer);
      return post(t.client, (await invoiceOf(t.client, o.id, { invoiceDate: date, paymentTermId: termId ?? null })).id);
    };
    await invoice(ada, '100', '2026-01-01'); // due 01-01: 120 days past on 05-01 → 90+
    const split = await invoice(ada, '200', '2026-03-01', thirds.id); // 100 due 03-01 (61 days), 100 due 04-15 (16 days)
    await pay(t.client, split.id, '30'); // covers the older part first: 70 left there
    await invoice(bob, '40', '2026-04-20'); // 11 days past → 0-30
    await invoice(bob, '25', '2026-05-10'); // not due yet
    const paid = await invoice(bob, '999', '2026-01-01');
    await pay(t.client, paid.id, '999'); // paid: not in the report
    const r = await ok<{
      data: { customerName: string; currency: string; buckets: Record<string, string>; total: string }[];
      totals: { currency: string; total: string; buckets: Record<string, string> }[];
    }>(t.client.get(`${API}/reports/aged-receivables?asOf=2026-05-01`));
    expect(r.data).toEqual([
      {
        customerId: ada,
        customerName: 'Ada Aged',
        currency: 'USD',
        buckets: { notDue: '0.00', '0-30': '100.00', '31-60': '0.00', '61-90': '70.00', '90+': '100.00' },
        total: '270.00',
      },
      {
        customerId: bob,
        customerName: 'Bob Aged',
        currency: 'USD',
        buckets: { notDue: '25.00', '0-30': '40.00', '31-60': '0.00', '61-90': '0.00', '90+': '0.00' },
        total: '65.00',
      },
    ]);
    expect(r.totals).toEqual([
      {
        currency: 'USD',
        buckets: { notDue: '25.00', '0-30': '140.00', '31-60': '0.00', '61-90': '70.00', '90+': '100.00' },
        total: '335.00',
      },
    ]);
    expect((await t.client.get(`${API}/reports/aged-receivables?asOf=soon`)).status).toBe(400);
  });

  it('another company gets 404 on every invoice verb, an empty list and an empty report', async () => {
    const o = await confirmedOrder(acme.client, [{ description: 'Private', unitPrice: '5' }]);
    const inv = await invoiceOf(acme.client, o.id);
    expect((await other.client.post(`${API}/orders/${o.id}/invoices`, {})).status).toBe(404);
    expect((await other.client.get(`${API}/invoices/${inv.id}`)).status).toBe(404);
    expect((await other.client.patch(`${API}/invoices/${inv.id}`, { note: 'x' })).status).toBe(404);
    for (const verb of ['post', 'cancel', 'credit-notes']) {
      expect((await other.client.post(`${API}/invoices/${inv.id}/${verb}`, {})).status).toBe(404);
    }
    await post(acme.client, inv.id);
    expect((await other.client.post(`${API}/invoices/${inv.id}/payments`, { amount: '1' })).status).toBe(404);
    expect((await other.client.get(`${API}/invoices`)).body.data).toEqual([]);
    expect((await other.client.get(`${API}/reports/aged-receivables`)).body.data).toEqual([]);
    expect((await other.client.get(`${API}/payment-terms`)).body.data).toEqual([]);
  });

  it('permissions: a rep invoices own orders only, cannot record payments or run the overdue check', async () => {
    const rep = await acme.as('member');
    const rep2 = await acme.as('member');
    const c = await contact(rep);
    const o = await confirmedOrder(rep, [{ description: 'Mine', unitPrice: '9' }], c.id);
    expect((await rep2.post(`${API}/orders/${o.id}/invoices`, {})).status).toBe(404);
    const inv = await invoiceOf(rep, o.id);
    expect((await rep2.get(`${API}/invoices/${inv.id}`)).status).toBe(404);
    expect((await rep2.post(`${API}/invoices/${inv.id}/post`)).status).toBe(404);
    await post(rep, inv.id);
    expect((await rep.post(`${API}/invoices/${inv.id}/payments`, { amount: '1' })).status).toBe(403);
    expect((await rep.post(`${API}/invoices/mark-overdue`)).status).toBe(403);
    expect(
      (await rep.post(`${API}/payment-terms`, { name: 'Mine', parts: [{ percent: '100', days: 0 }] })).status,
    ).toBe(403);
    // The rep's report holds only the rep's invoices.
    const mine = await ok<{ data: { customerId: string }[] }>(rep.get(`${API}/reports/aged-receivables`));
    expect(mine.data.map((d) => d.customerId)).toEqual([c.id]);
    const manager = await acme.as('manager');
    expect((await manager.post(`${API}/invoices/${inv.id}/payments`, { amount: '9' })).status).toBe(404);
    expect((await acme.client.post(`${API}/invoices/${inv.id}/payments`, { amount: '9' })).status).toBe(201);
  });
});
