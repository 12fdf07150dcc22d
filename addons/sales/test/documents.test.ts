import { writeFileSync } from 'node:fs';
import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { pdfText } from '@elevate/testkit/pdf';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sales } from '../src/index.ts';
import { setClock } from '../src/services/clock.ts';
import { API, ok } from './helpers.ts';

let env: TestEnv;
let acme: TestTenant;
let other: TestTenant;
let vatId: string;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales], env: { PUBLIC_URL: 'https://erp.example.test' } });
  acme = await env.tenant('doc-acme', { enable: ['sales'] });
  other = await env.tenant('doc-other', { enable: ['sales'] });
  vatId = (await ok(acme.client.post(`${API}/taxes`, { name: 'VAT 19%', rate: '19' }), 201)).id;
});
afterEach(() => setClock(null));
afterAll(() => env?.close());

interface Pdf {
  id: string;
  kind: string;
  number: string;
  record: { model: string; id: string };
  link: { url: string; expiresAt: string };
}

const customer = (c: ApiClient) =>
  ok(
    c.post('/api/v1/crm/contacts', {
      name: 'Northwind Traders GmbH',
      email: 'billing@northwind.example.test',
      street: 'Obere Str. 57',
      postalCode: '12209',
      city: 'Berlin',
      country: 'DE',
    }),
    201,
  );

async function sentQuote(c: ApiClient, validUntil?: string) {
  const who = await customer(c);
  const q = await ok(
    c.post(`${API}/quotes`, {
      contactId: who.id,
      currency: 'EUR',
      ...(validUntil ? { validUntil } : {}),
      note: 'Prices include installation within 10 working days.',
      lines: [
        { kind: 'section', description: 'Hardware' },
        { description: 'Barcode scanner', quantity: '4', unitPrice: '189', discountPercent: '10', taxIds: [vatId] },
        { description: 'Labels (per label)', quantity: '1000', unitPrice: '0.0125', taxIds: [vatId] },
        { kind: 'note', description: 'Delivered in one shipment.' },
      ],
    }),
    201,
  );
  await ok(c.post(`${API}/quotes/${q.id}/send`));
  return q;
}

async function download(url: string): Promise<Uint8Array> {
  expect(url).toMatch(/^https:\/\/erp\.example\.test\/api\/v1\/core\/documents\/file\//);
  // The link is absolute on PUBLIC_URL; the test server listens elsewhere.
  const res = await fetch(`${env.url}${new URL(url).pathname}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/pdf');
  return new Uint8Array(await res.arrayBuffer());
}

const keep = (name: string, bytes: Uint8Array) => {
  // SALES_PDF_DIR=/tmp/x keeps the PDFs to look at them (pdftoppm -png).
  if (process.env.SALES_PDF_DIR) writeFileSync(`${process.env.SALES_PDF_DIR}/${name}.pdf`, bytes);
};

describe('quote and invoice PDFs', () => {
  it('a quote renders to a PDF attached to it, versioned, downloadable through a signed link', async () => {
    const q = await sentQuote(acme.client);
    const first = await ok<Pdf>(acme.client.post(`${API}/quotes/${q.id}/documents`), 201);
    expect(first).toMatchObject({ kind: 'quote', record: { model: 'sales.quote', id: q.id } });
    const bytes = await download(first.link.url);
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    keep('quote', bytes);
    const second = await ok<Pdf>(acme.client.post(`${API}/quotes/${q.id}/documents`), 201);
    const list = await ok<{ data: Pdf[] }>(acme.client.get(`${API}/quotes/${q.id}/documents`));
    expect(list.data.map((d) => d.id)).toEqual([second.id, first.id]);
  });

  it('an invoice (and its credit note) render with paid and due amounts', async () => {
    const who = await customer(acme.client);
    const o = await ok(
      acme.client.post(`${API}/orders`, {
        contactId: who.id,
        currency: 'USD',
        lines: [{ description: 'Barcode scanner', quantity: '4', unitPrice: '189', taxIds: [vatId] }],
      }),
      201,
    );
    await ok(acme.client.post(`${API}/orders/${o.id}/confirm`));
    const draft = await ok(acme.client.post(`${API}/orders/${o.id}/invoices`, {}), 201);
    const inv = await ok<{ id: string; number: string }>(acme.client.post(`${API}/invoices/${draft.id}/post`));
    await ok(acme.client.post(`${API}/invoices/${inv.id}/payments`, { amount: '100' }), 201);
    const pdf = await ok<Pdf>(acme.client.post(`${API}/invoices/${inv.id}/documents`), 201);
    expect(pdf).toMatchObject({ kind: 'invoice', number: inv.number });
    keep('invoice', await download(pdf.link.url));
    const cn = await ok(acme.client.post(`${API}/invoices/${inv.id}/credit-notes`, {}), 201);
    const cnPdf = await ok<Pdf>(acme.client.post(`${API}/invoices/${cn.id}/documents`), 201);
    expect(cnPdf.number).toBe('DRAFT');
    await download(cnPdf.link.url);
  });

  it('a PDF is printed in the language of the user making it: German headings, title and due notes', async () => {
    const who = await customer(acme.client);
    const o = await ok(
      acme.client.post(`${API}/orders`, {
        contactId: who.id,
        currency: 'EUR',
        lines: [{ description: 'Barcode scanner', quantity: '2', unitPrice: '1234.5', taxIds: [vatId] }],
      }),
      201,
    );
    await ok(acme.client.post(`${API}/orders/${o.id}/confirm`));
    const draft = await ok(acme.client.post(`${API}/orders/${o.id}/invoices`, {}), 201);
    const german = await acme.as('admin');
    await ok(german.put('/api/v1/core/account/preferences', { language: 'de' }));
    const de = pdfText(
      await download((await ok<Pdf>(german.post(`${API}/invoices/${draft.id}/documents`), 201)).link.url),
    ).join(' ');
    expect(de).toMatch(/ENTWURF:\s+RECHNUNG/); // the title prints in capitals
    expect(de).toContain('RECHNUNG AN');
    expect(de).toContain('Beschreibung');
    expect(de).toContain('Gesamt');
    expect(de).toContain('2.938,11'); // 2 × 1,234.50 + 19 % VAT, German digits (the locale follows)
    expect(de).not.toContain('Description');
    // The same invoice made by an English-reading user stays English.
    const en = pdfText(
      await download((await ok<Pdf>(acme.client.post(`${API}/invoices/${draft.id}/documents`), 201)).link.url),
    ).join(' ');
    expect(en).toMatch(/DRAFT\s+INVOICE/);
    expect(en).toContain('2,938.11');
  });

  it('another company gets 404 for the PDFs of ours', async () => {
    const q = await sentQuote(acme.client);
    await ok(acme.client.post(`${API}/quotes/${q.id}/documents`), 201);
    expect((await other.client.post(`${API}/quotes/${q.id}/documents`)).status).toBe(404);
    expect((await other.client.get(`${API}/quotes/${q.id}/documents`)).status).toBe(404);
    const rep = await acme.as('member');
    expect((await rep.get(`${API}/quotes/${q.id}/documents`)).status).toBe(404);
  });
});

describe('quote expiry', () => {
  it('the expiry job (clock past the validity date) expires sent quotes once, with an event; they can no longer be accepted', async () => {
    const q = await sentQuote(acme.client, '2030-06-30');
    const runNow = async () => {
      const { jobId } = await ok<{ jobId: string }>(acme.client.post(`${API}/quotes/mark-expired`), 202);
      await vi.waitFor(
        async () => expect((await ok(acme.client.get(`/api/v1/core/jobs/${jobId}`))).state).toBe('completed'),
        { timeout: 20_000, interval: 100 },
      );
    };
    setClock(new Date('2030-06-30T23:00:00Z')); // the last valid day
    await runNow();
    expect((await ok(acme.client.get(`${API}/quotes/${q.id}`))).state).toBe('sent');
    setClock(new Date('2030-07-01T00:30:00Z'));
    await runNow();
    await runNow();
    expect((await ok(acme.client.get(`${API}/quotes/${q.id}`))).state).toBe('expired');
    const events = await env.sql<{ n: number }>(
      `select count(*)::int as n from core_outbox where tenant_id = $1 and name = 'sales.quote.expired' and aggregate_id = $2`,
      [acme.id, q.id],
    );
    expect(events).toEqual([{ n: 1 }]);
    const accept = await acme.client.post(`${API}/quotes/${q.id}/accept`, { name: 'Late', signature: 'Late' });
    expect(accept.status).toBe(409);
    // An expired quote can be revised into a new draft.
    expect((await acme.client.post(`${API}/quotes/${q.id}/revise`)).status).toBe(200);
  });

  it('a sales rep cannot run the expiry; another company’s run leaves our quotes alone', async () => {
    const rep = await acme.as('member');
    expect((await rep.post(`${API}/quotes/mark-expired`)).status).toBe(403);
    const q = await sentQuote(acme.client, '2030-01-01');
    setClock(new Date('2030-03-01T00:00:00Z'));
    const { jobId } = await ok<{ jobId: string }>(other.client.post(`${API}/quotes/mark-expired`), 202);
    await vi.waitFor(
      async () => expect((await ok(other.client.get(`/api/v1/core/jobs/${jobId}`))).state).toBe('completed'),
      { timeout: 20_000, interval: 100 },
    );
    expect((await ok(acme.client.get(`${API}/quotes/${q.id}`))).state).toBe('sent');
  });
});
