import { randomUUID } from 'node:crypto';
import { type BusinessDocument, defineAddon, definePermissions } from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { pdfFillColours, pdfText } from '@elevate/testkit/pdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDocument } from '../src/documents/sample.ts';

// An addon using ctx.documents as sales will: render, attach to its record, link.
const paperwork = defineAddon({
  id: 'paperwork',
  version: '1.0.0',
  title: 'Paperwork',
  description: 'Documents for records (test)',
  category: 'Test',
  platform: '^1.0.0',
  permissions: definePermissions({ 'paperwork.doc.write': { title: 'Make documents', grant: ['admin', 'manager'] } }),
  rest: (r) => {
    r.post('/render', { permission: 'paperwork.doc.write' }, async ({ body, ctx }) => ({
      status: 200,
      body: Buffer.from(await ctx.documents.render(body as BusinessDocument)).toString('base64'),
    }));
    r.post<{ id: string }>(
      '/records/:id/documents',
      { permission: 'paperwork.doc.write' },
      async ({ params, body, ctx }) => ({
        status: 201,
        body: await ctx.documents.attach({ model: 'paperwork.thing', id: params.id }, body as BusinessDocument),
      }),
    );
    r.get<{ id: string }>('/records/:id/documents', { permission: 'paperwork.doc.write' }, async ({ params, ctx }) =>
      ctx.documents.list({ model: 'paperwork.thing', id: params.id }),
    );
    r.post<{ docId: string }, { expiresInSec?: number }>(
      '/documents/:docId/link',
      { permission: 'paperwork.doc.write' },
      async ({ params, body, ctx }) => ctx.documents.link(params.docId, body ?? {}),
    );
  },
});

let env: TestEnv;
let acme: TestTenant;
let globex: TestTenant;
const API = '/api/v1/paperwork';

async function download(url: string) {
  const res = await fetch(`${env.url}${new URL(url).pathname}`);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bytes: new Uint8Array(await res.arrayBuffer()),
    res,
  };
}
const render = async (t: TestTenant, doc: unknown) => {
  const res = await t.client.post(`${API}/render`, doc);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return Buffer.from(res.body as string, 'base64');
};

beforeAll(async () => {
  env = await bootTestKernel({ addons: [paperwork], workers: false, env: { PUBLIC_URL: 'https://erp.example.test' } });
  acme = await env.tenant('docs-acme', { enable: ['paperwork'] });
  globex = await env.tenant('docs-globex', { enable: ['paperwork'] });
});
afterAll(() => env?.close());

describe('rendering', () => {
  it('lays out the document model: parties, lines, exact money with the minor units, totals', async () => {
    const pdf = await render(acme, sampleDocument('invoice'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    for (const s of [
      'INVOICE',
      'INV/2026/0117',
      '16 Mar 2026',
      'Northwind Traders GmbH',
      'Hardware',
      '€189.00',
      '€2,640.44',
      'Amount due',
      '€1,320.22',
      'VAT 19%',
      '€413.38',
    ]) {
      expect(text, s).toContain(s);
    }
    // The seller defaults to the company: no profile yet, so its name.
    expect(text).toContain('docs-acme Inc');
  });

  it('prints its own words in the document’s language (or its locale’s), numbers and dates in its locale', async () => {
    const de = pdfText(await render(acme, { ...sampleDocument('invoice'), locale: 'de-DE' })).join(' ');
    for (const s of [
      'RECHNUNG',
      'RECHNUNG AN',
      'Fällig am',
      'Beschreibung',
      'Einzelpreis',
      'Offener Betrag',
      'Seite 1 von',
    ]) {
      expect(de, s).toContain(s);
    }
    expect(de).toContain('16.03.2026');
    expect(de).not.toContain('Amount due');
    // The language apart from the locale: Spanish words, British dates.
    const es = pdfText(await render(acme, { ...sampleDocument('quote'), language: 'es', locale: 'en-GB' })).join(' ');
    for (const s of ['PRESUPUESTO', 'Válido hasta', 'Descripción', 'Precio unit.', 'Página 1 de'])
      expect(es, s).toContain(s);
    expect(es).not.toContain('Valid until');
    // A language not shipped prints English; the document's own title always wins.
    const fr = pdfText(await render(acme, { ...sampleDocument('invoice'), language: 'fr', title: 'Facture' })).join(
      ' ',
    );
    expect(fr).toContain('FACTURE');
    expect(fr).toContain('Amount due');
    expect((await acme.client.post(`${API}/render`, { ...sampleDocument('invoice'), language: 'french' })).status).toBe(
      400,
    );
  });

  it('formats JPY without and KWD with three decimals, and refuses more decimals than the currency has', async () => {
    const base = { kind: 'invoice', number: 'X-1', date: '2026-01-05', customer: { name: 'C' } };
    const jpy = pdfText(
      await render(acme, {
        ...base,
        currency: 'JPY',
        lines: [{ description: 'x', total: '1500' }],
        totals: { subtotal: '1500', total: '1500' },
      }),
    );
    expect(jpy).toContain('¥1,500');
    const kwd = pdfText(
      await render(acme, {
        ...base,
        currency: 'KWD',
        locale: 'en-GB',
        lines: [{ description: 'x', total: '1.25' }],
        totals: { subtotal: '1.25', total: '1.25' },
      }),
    );
    expect(kwd.some((s) => s.includes('1.250'))).toBe(true);
    const bad = await acme.client.post(`${API}/render`, {
      ...base,
      currency: 'JPY',
      lines: [{ description: 'x', total: '10.5' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ path: 'lines.0.total', message: 'has more decimals than JPY has (0)' }]);
    const shape = await acme.client.post(`${API}/render`, { ...base, kind: 'letter', currency: 'EUR', lines: [{}] });
    expect(shape.status).toBe(400);
    expect(shape.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['kind', 'lines.0.description']);
  });

  it('a long document breaks onto pages, each with the footer and its page number', async () => {
    const doc = sampleDocument('quote');
    const lines = Array.from({ length: 60 }, (_, i) => ({
      description: `Item ${i + 1}`,
      quantity: '1',
      unitPrice: '1.00',
      total: '1.00',
    }));
    const text = pdfText(await render(acme, { ...doc, lines }));
    expect(text).toContain('Item 60');
    expect(text).toContain('Page 1 of 3');
    expect(text).toContain('Page 3 of 3');
    expect(text.filter((s) => s === 'Description').length).toBe(3); // the table header repeats
  });
});

describe('templates and branding', () => {
  it('an admin adjusts a kind: title, colour, columns, footer; the profile gives the company block', async () => {
    const t = await env.tenant(`docs-t-${randomUUID().slice(0, 6)}`, { enable: ['paperwork'] });
    const put = await t.client.put('/api/v1/core/documents/templates/invoice', {
      title: 'Tax invoice',
      accentColor: '#0F766E',
      columns: ['total', 'quantity'],
      footerText: 'Thank you for your business',
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ kind: 'invoice', accentColor: '#0f766e', columns: ['quantity', 'total'] });
    const prof = await t.client.put('/api/v1/core/documents/profile', {
      legalName: 'Teal Trading Ltd',
      address: ['1 Harbour Road', 'Bristol BS1 4QA'],
      taxId: 'GB 111 2222 33',
      legalFooter: 'Registered in England No. 09999999',
    });
    expect(prof.status).toBe(200);
    const pdf = await render(t, sampleDocument('invoice'));
    const text = pdfText(pdf);
    expect(text).toContain('TAX INVOICE');
    expect(text).toContain('Teal Trading Ltd');
    expect(text).toContain('1 Harbour Road');
    expect(
      text.some((s) => s.includes('Thank you for your business') && s.includes('Registered in England No. 09999999')),
    ).toBe(true);
    expect(text).toContain('Qty');
    expect(text).not.toContain('Unit price'); // a column the template hides
    expect(text).not.toContain('Taxes');
    expect(pdfFillColours(pdf)).toContain('#0f766e');
    // Other kinds keep the defaults.
    const quote = pdfText(await render(t, sampleDocument('quote')));
    expect(quote).toContain('QUOTE');
    expect(quote).toContain('Unit price');
  });

  it("uses the tenant's branding colour and logo unless the template says otherwise", async () => {
    const t = await env.tenant(`docs-b-${randomUUID().slice(0, 6)}`, { enable: ['paperwork'] });
    // A 1×1 PNG.
    const logo =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    expect((await t.client.put('/api/v1/core/branding', { primaryColor: '#b91c1c', logo })).status).toBe(200);
    const pdf = await render(t, sampleDocument('quote'));
    expect(pdfFillColours(pdf)).toContain('#b91c1c');
    expect(pdf.toString('latin1')).toContain('/Subtype /Image');
    expect(pdfText(pdf)).not.toContain(`docs-b`); // the logo stands where the name would
    await t.client.put('/api/v1/core/documents/templates/quote', { showLogo: false });
    expect(Buffer.from(await render(t, sampleDocument('quote'))).toString('latin1')).not.toContain('/Subtype /Image');
  });

  it('refuses bad template and profile input naming the field; only admins change them', async () => {
    const bad = await acme.client.put('/api/v1/core/documents/templates/invoice', {
      accentColor: 'teal',
      columns: ['price'],
      logo: 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
      extra: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'accentColor',
      'columns',
      'extra',
      'logo',
    ]);
    expect((await acme.client.put('/api/v1/core/documents/templates/letter', {})).status).toBe(404);
    expect((await acme.client.put('/api/v1/core/documents/profile', { address: 'one line' })).status).toBe(400);
    const manager = await acme.as('manager');
    expect((await manager.put('/api/v1/core/documents/templates/invoice', { title: 'X' })).status).toBe(403);
    expect((await manager.put('/api/v1/core/documents/profile', { legalName: 'X' })).status).toBe(403);
    expect((await manager.get('/api/v1/core/documents/templates')).status).toBe(200);
  });

  it("keeps tenants' templates apart", async () => {
    await acme.client.put('/api/v1/core/documents/templates/delivery', { title: 'Acme packing list' });
    const theirs = await globex.client.get('/api/v1/core/documents/templates');
    expect(theirs.body.data.find((t: { kind: string }) => t.kind === 'delivery').title).toBeNull();
    expect(pdfText(await render(globex, sampleDocument('delivery')))).toContain('DELIVERY SLIP');
    expect(pdfText(await render(acme, sampleDocument('delivery')))).toContain('ACME PACKING LIST');
  });

  it('previews a kind with the current template as a PDF', async () => {
    const res = await fetch(`${env.url}/api/v1/core/documents/templates/quote/preview`, {
      headers: { authorization: `Bearer ${acme.client.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(pdfText(new Uint8Array(await res.arrayBuffer()))).toContain('Q/2026/0042 v2');
  });
});

describe('attachments and signed links', () => {
  it('attaches versions to a record and serves them through an expiring link without a sign-in', async () => {
    const record = randomUUID();
    const first = await acme.client.post(`${API}/records/${record}/documents`, sampleDocument('invoice'));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      kind: 'invoice',
      number: 'INV/2026/0117',
      filename: 'invoice-INV-2026-0117.pdf',
      record: { model: 'paperwork.thing', id: record },
    });
    const second = await acme.client.post(`${API}/records/${record}/documents`, {
      ...sampleDocument('invoice'),
      number: 'INV/2026/0118',
    });
    const list = await acme.client.get(`${API}/records/${record}/documents`);
    expect(list.body.map((d: { id: string }) => d.id)).toEqual([second.body.id, first.body.id]);
    const link = await acme.client.post(`${API}/documents/${first.body.id}/link`, { expiresInSec: 600 });
    expect(link.status).toBe(200);
    expect(link.body.url).toMatch(/^https:\/\/erp\.example\.test\/api\/v1\/core\/documents\/file\//);
    const got = await download(link.body.url);
    expect(got.status).toBe(200);
    expect(got.type).toBe('application/pdf');
    expect(got.res.headers.get('content-disposition')).toBe('attachment; filename="invoice-INV-2026-0117.pdf"');
    const [row] = await env.sql<{ sha256: string; size: number }>(
      'select sha256, size from core_document where id = $1',
      [first.body.id],
    );
    expect(got.bytes.length).toBe(row?.size);
    expect(pdfText(got.bytes)).toContain('INV/2026/0117');
  });

  it("a link for tenant A never serves to B: B cannot link A's document, and a changed link is refused", async () => {
    const record = randomUUID();
    const doc = (await acme.client.post(`${API}/records/${record}/documents`, sampleDocument('quote'))).body;
    expect((await globex.client.get(`${API}/records/${record}/documents`)).body).toEqual([]);
    const theirs = await globex.client.post(`${API}/documents/${doc.id}/link`, {});
    expect(theirs.status).toBe(400);
    expect(theirs.body.details).toEqual([{ path: 'id', message: 'names no document of this company' }]);
    const url: string = (await acme.client.post(`${API}/documents/${doc.id}/link`, {})).body.url;
    const [tenant, id, exp, sig] = (url.split('/').pop() ?? '').split('.') as [string, string, string, string];
    expect(tenant).toBe(acme.id);
    const forged = [
      [globex.id, id, exp, sig], // another tenant
      [tenant, randomUUID(), exp, sig], // another document
      [tenant, id, String(Number(exp) + 3600), sig], // a later expiry
      [tenant, id, exp, `${sig.slice(0, -2)}AA`],
      ['garbage'],
    ];
    for (const parts of forged) {
      const res = await download(`https://x/api/v1/core/documents/file/${parts.join('.')}`);
      expect(res.status, parts.join('.')).toBe(403);
    }
  });

  it('an expired link answers 410; a link must live 1 s to 90 days', async () => {
    const record = randomUUID();
    const doc = (await acme.client.post(`${API}/records/${record}/documents`, sampleDocument('delivery'))).body;
    const { signLink } = await import('../src/documents/links.ts');
    const past = Math.floor(Date.now() / 1000) - 1;
    const token = signLink(env.kernel.config.jwtSecret, acme.id, doc.id, past);
    const res = await download(`https://x/api/v1/core/documents/file/${token}`);
    expect(res.status).toBe(410);
    expect((await acme.client.post(`${API}/documents/${doc.id}/link`, { expiresInSec: 0 })).status).toBe(400);
    expect((await acme.client.post(`${API}/documents/${doc.id}/link`, { expiresInSec: 91 * 86400 })).status).toBe(400);
  });

  it('attaching needs the addon permission; bad record or document input is a 400', async () => {
    const member = await acme.as('member');
    expect((await member.post(`${API}/records/${randomUUID()}/documents`, sampleDocument('quote'))).status).toBe(403);
    const bad = await acme.client.post(`${API}/records/${randomUUID()}/documents`, {
      ...sampleDocument('quote'),
      date: '31/12/2026',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['date']);
  });
});
