import { createHash } from 'node:crypto';
import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { startSmtp, type TestSmtp } from '@elevate/testkit/smtp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sales } from '../src/index.ts';
import { API, ok, withRole } from './helpers.ts';

const WAIT = { timeout: 15_000, interval: 50 };

let env: TestEnv;
let smtp: TestSmtp;
let acme: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  smtp = await startSmtp();
  env = await bootTestKernel({ addons: [crm, inventory, sales], env: { SMTP_URL: smtp.url } });
  acme = await env.tenant('mail-acme', { enable: ['sales'] });
  other = await env.tenant('mail-other', { enable: ['sales'] });
});
afterAll(async () => {
  await env?.close();
  await smtp?.close();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const storedSha = async (id: string) =>
  (await env.sql<{ sha256: string }>('select sha256 from core_document where id = $1', [id]))[0]?.sha256;

async function postedInvoice(email: string) {
  const c = acme.client;
  const who = await ok(c.post('/api/v1/crm/contacts', { name: 'Greta Mail', email }), 201);
  const o = await ok(
    c.post(`${API}/orders`, {
      contactId: who.id,
      currency: 'USD',
      lines: [{ description: 'Audit', unitPrice: '120' }],
    }),
    201,
  );
  await ok(c.post(`${API}/orders/${o.id}/confirm`));
  const inv = await ok(c.post(`${API}/orders/${o.id}/invoices`, {}), 201);
  return ok<{ id: string; number: string }>(c.post(`${API}/invoices/${inv.id}/post`));
}

describe('sending quote and invoice PDFs by email (real SMTP server)', () => {
  it('an invoice: the attachment is the PDF stored with it, the mail is on its timeline', async () => {
    const inv = await postedInvoice('greta@example.test');
    const res = await acme.client.post(`${API}/invoices/${inv.id}/email`, { to: 'billing@greta.test' });
    expect(res.status).toBe(202);
    await vi.waitFor(() => expect(smtp.to('billing@greta.test')).toHaveLength(1), WAIT);
    const mail = smtp.to('billing@greta.test')[0];
    expect(mail?.subject).toBe(`Invoice ${inv.number} from mail-acme Inc`);
    expect(mail?.text).toContain('Hello Greta Mail,');
    expect(mail?.text).toContain('$120.00');
    expect(mail?.attachments).toHaveLength(1);
    const pdf = mail?.attachments[0];
    expect(pdf?.contentType).toBe('application/pdf');
    expect(pdf?.filename).toBe(`invoice-${inv.number.replace(/\//g, '-')}.pdf`);
    expect(pdf?.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(sha(pdf?.content ?? Buffer.alloc(0))).toBe(await storedSha(res.body.document.id));

    const view = await ok<{ mails: { to: string; documentId: string }[]; timeline: { kind: string; title: string }[] }>(
      acme.client.get(`${API}/invoices/${inv.id}`),
    );
    expect(view.mails).toEqual([
      expect.objectContaining({ to: 'billing@greta.test', documentId: res.body.document.id }),
    ]);
    expect(view.timeline.map((e) => e.kind)).toEqual(['created', 'posted', 'mail']);
    expect(view.timeline.at(-1)?.title).toBe('Sent by email to billing@greta.test');
  });

  it('a quote: a draft is sent first, custom subject and message, PDF attached', async () => {
    const c = acme.client;
    const who = await ok(c.post('/api/v1/crm/contacts', { name: 'Quinn', email: 'quinn@example.test' }), 201);
    const q = await ok<{ id: string; number: string }>(
      c.post(`${API}/quotes`, {
        contactId: who.id,
        currency: 'USD',
        lines: [{ description: 'Plan', unitPrice: '42' }],
      }),
      201,
    );
    const res = await c.post(`${API}/quotes/${q.id}/email`, {
      to: 'quinn@example.test',
      subject: 'Your plan',
      message: 'Hi Quinn,\n\nhere it is.',
    });
    expect(res.status).toBe(202);
    await vi.waitFor(() => expect(smtp.to('quinn@example.test')).toHaveLength(1), WAIT);
    const mail = smtp.to('quinn@example.test')[0];
    expect(mail?.subject).toBe('Your plan');
    expect(mail?.text).toContain('here it is.');
    expect(mail?.attachments[0]?.contentType).toBe('application/pdf');
    expect(sha(mail?.attachments[0]?.content ?? Buffer.alloc(0))).toBe(await storedSha(res.body.document.id));
    const view = await ok<{ state: string; mails: { subject: string }[] }>(c.get(`${API}/quotes/${q.id}`));
    expect(view.state).toBe('sent');
    expect(view.mails.map((m) => m.subject)).toEqual(['Your plan']);
  });

  it('refuses a bad address naming `to`, a draft invoice with 409, and sends nothing then', async () => {
    const inv = await postedInvoice('h@example.test');
    for (const to of ['not-an-address', 'a@b.test, c@d.test']) {
      const bad = await acme.client.post(`${API}/invoices/${inv.id}/email`, { to });
      expect(bad.status, to).toBe(400);
      expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['to']);
    }
    const missing = await acme.client.post(`${API}/invoices/${inv.id}/email`, {});
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body.details)).toContain('to');
    const o = await ok(
      acme.client.post(`${API}/orders`, {
        contactId: (await ok(acme.client.post('/api/v1/crm/contacts', { name: 'D' }), 201)).id,
        currency: 'USD',
        lines: [{ description: 'x', unitPrice: '1' }],
      }),
      201,
    );
    await ok(acme.client.post(`${API}/orders/${o.id}/confirm`));
    const draft = await ok(acme.client.post(`${API}/orders/${o.id}/invoices`, {}), 201);
    const refused = await acme.client.post(`${API}/invoices/${draft.id}/email`, { to: 'draft@example.test' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('SALES_INVOICE_STATE');
    const view = await ok<{ mails: unknown[] }>(acme.client.get(`${API}/invoices/${inv.id}`));
    expect(view.mails).toEqual([]);
    expect(await env.sql('select 1 from core_document where record_id = $1', [draft.id])).toEqual([]);
  });

  it('isolation and permissions: another tenant gets 404, a reader without write 403', async () => {
    const inv = await postedInvoice('iso@example.test');
    expect((await other.client.post(`${API}/invoices/${inv.id}/email`, { to: 'x@example.test' })).status).toBe(404);
    const reader = await withRole(acme, 'invoice-reader', ['sales.invoice.read', 'sales.quote.read']);
    expect((await reader.post(`${API}/invoices/${inv.id}/email`, { to: 'x@example.test' })).status).toBe(403);
    const q = await ok(
      acme.client.post(`${API}/quotes`, {
        contactId: (await ok(acme.client.post('/api/v1/crm/contacts', { name: 'Iso' }), 201)).id,
        currency: 'USD',
        lines: [{ description: 'Plan', unitPrice: '1' }],
      }),
      201,
    );
    expect((await other.client.post(`${API}/quotes/${q.id}/email`, { to: 'x@example.test' })).status).toBe(404);
    expect((await reader.post(`${API}/quotes/${q.id}/email`, { to: 'x@example.test' })).status).toBe(403);
    await env.flush();
    expect(smtp.to('x@example.test')).toHaveLength(0);
  });
});
