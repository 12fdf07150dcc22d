import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { AppError, defineAddon, LANGUAGES } from '@elevate/sdk';
import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAIL_LANGUAGES, mailTemplates } from '../src/mail/templates.ts';
import { startSmtp, type TestSmtp } from './support/smtp.ts';

const WAIT = { timeout: 15_000, interval: 50 };

/** Sends what the request says through ctx.mail; `fail` makes the request fail afterwards (rollback). */
const mailer = defineAddon({
  id: 'mailer',
  version: '1.0.0',
  title: 'Mailer (test)',
  description: 'Sends mail through ctx.mail for the mail tests.',
  category: 'testing',
  platform: '^1.0.0',
  rest: (r) => {
    r.post('/send', { summary: 'Send a mail' }, async ({ ctx, body }) => {
      const b = body as {
        to: string;
        template: string;
        data?: Record<string, string>;
        language?: string;
        fail?: boolean;
        /** Render and attach an invoice PDF in this transaction, then attach it to the mail. */
        pdf?: boolean;
        attachments?: { documentId: string }[];
      };
      const doc = b.pdf
        ? await ctx.documents.attach(
            { model: 'mailer.thing', id: 'one' },
            {
              kind: 'invoice',
              number: 'INV-7',
              date: '2031-01-02',
              currency: 'EUR',
              customer: { name: 'Lena' },
              lines: [{ description: 'Work', quantity: '1', unitPrice: '10.00', total: '10.00' }],
              totals: { subtotal: '10.00', total: '10.00' },
            },
          )
        : null;
      const attachments = [...(doc ? [{ documentId: doc.id }] : []), ...(b.attachments ?? [])];
      const { id } = await ctx.mail.send({
        to: b.to,
        template: b.template,
        ...(b.data ? { data: b.data } : {}),
        ...(b.language ? { language: b.language } : {}),
        ...(attachments.length ? { attachments } : {}),
      });
      if (b.fail) throw new AppError('TEST_FAILURE', 'fails after sending', { status: 422 });
      return { status: 202, body: { id, documentId: doc?.id ?? null } };
    });
  },
});

interface LogRow {
  status: string;
  attempts: number;
  last_error: string | null;
  language: string | null;
  data: unknown;
  to_address: string;
}
const logRow = async (env: TestEnv, id: string) =>
  (await env.sql<LogRow>('select * from core_mail_log where id = $1', [id]))[0];

describe('mail delivery through a real SMTP server', () => {
  let env: TestEnv;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    env = await bootTestKernel({
      addons: [mailer],
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Elevate <mail@elevate.test>' },
    });
  });
  afterAll(async () => {
    await env?.close();
    await smtp?.close();
  });

  it('sends a template in plain text and HTML with the tenant branding, logs it as sent and clears its data', async () => {
    const t = await env.tenant('mail-brand', { enable: ['mailer'] });
    expect((await t.client.put('/api/v1/core/branding', { primaryColor: '#12ab34' })).status).toBe(200);
    const res = await t.client.post('/api/v1/mailer/send', {
      to: 'lena@example.test',
      template: 'core.password-reset',
      data: { url: 'http://app.test/reset-password?token=abc' },
    });
    expect(res.status).toBe(202);
    await vi.waitFor(() => expect(smtp.to('lena@example.test')).toHaveLength(1), WAIT);
    const mail = smtp.to('lena@example.test')[0];
    expect(mail?.subject).toBe('Reset your mail-brand Inc password');
    expect(mail?.from?.text).toContain('mail@elevate.test');
    expect(mail?.text).toContain('http://app.test/reset-password?token=abc');
    expect(mail?.html).toContain('#12ab34');
    expect(mail?.html).toContain('href="http://app.test/reset-password?token=abc"');
    await vi.waitFor(async () => expect((await logRow(env, res.body.id))?.status).toBe('sent'), WAIT);
    expect(await logRow(env, res.body.id)).toMatchObject({ attempts: 1, language: 'en', data: null, last_error: null });
  });

  it("writes in the recipient user's language, or the one asked for", async () => {
    const t = await env.tenant('mail-lang', { enable: ['mailer'] });
    await t.as('member', 'jonas@mail-lang.test');
    await env.sql("update core_user set language = 'de' where email = 'jonas@mail-lang.test'");
    const a = await t.client.post('/api/v1/mailer/send', {
      to: 'jonas@mail-lang.test',
      template: 'core.verify-email',
      data: { url: 'http://app.test/verify-email?token=x' },
    });
    const b = await t.client.post('/api/v1/mailer/send', {
      to: 'guest@mail-lang.test',
      template: 'core.verify-email',
      data: { url: 'http://app.test/verify-email?token=y' },
      language: 'de',
    });
    expect([a.status, b.status]).toEqual([202, 202]);
    await vi.waitFor(() => expect(smtp.to('jonas@mail-lang.test')).toHaveLength(1), WAIT);
    await vi.waitFor(() => expect(smtp.to('guest@mail-lang.test')).toHaveLength(1), WAIT);
    expect(smtp.to('jonas@mail-lang.test')[0]?.subject).toBe('Bestätigen Sie Ihre E-Mail-Adresse für mail-lang Inc');
    expect(smtp.to('guest@mail-lang.test')[0]?.text).toContain('Bitte bestätigen Sie');
    // Spanish: a user's profile language, with its region (es-MX) falling back to the language.
    await t.as('member', 'lucia@mail-lang.test');
    await env.sql("update core_user set language = 'es' where email = 'lucia@mail-lang.test'");
    for (const [to, language] of [
      ['lucia@mail-lang.test', undefined],
      ['invitee@mail-lang.test', 'es-MX'],
    ] as const) {
      const res = await t.client.post('/api/v1/mailer/send', {
        to,
        template: 'core.invitation',
        data: { url: 'http://app.test/accept?token=z', inviter: 'Ana' },
        ...(language ? { language } : {}),
      });
      expect(res.status).toBe(202);
      await vi.waitFor(() => expect(smtp.to(to)).toHaveLength(1), WAIT);
      const mail = smtp.to(to)[0];
      expect(mail?.subject).toBe('Ana le ha invitado a mail-lang Inc');
      expect(mail?.text).toContain('La invitación funciona una sola vez');
      expect(mail?.html).toContain('<html lang="es">');
      expect(mail?.html).toContain('Aceptar la invitación');
    }
  });

  it('has every template in every mail language, with the same placeholders as English', () => {
    const holes = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [name, tpl] of Object.entries(mailTemplates)) {
      for (const part of ['subject', 'body', 'action'] as const) {
        const strings = tpl[part];
        if (!strings) continue;
        for (const lang of MAIL_LANGUAGES) {
          expect(strings[lang], `${name} ${part} ${lang}`).toBeTruthy();
          expect(holes(strings[lang]), `${name} ${part} ${lang}`).toEqual(holes(strings.en));
        }
      }
    }
    expect(MAIL_LANGUAGES).toEqual(expect.arrayContaining([...LANGUAGES]));
  });

  it('escapes data in the HTML part (a user-chosen name cannot add markup)', async () => {
    const t = await env.tenant('mail-escape', { enable: ['mailer'] });
    const res = await t.client.post('/api/v1/mailer/send', {
      to: 'esc@example.test',
      template: 'core.invitation',
      data: { url: 'http://app.test/a?x="><script>', inviter: '<img src=x onerror=alert(1)>' },
    });
    expect(res.status).toBe(202);
    await vi.waitFor(() => expect(smtp.to('esc@example.test')).toHaveLength(1), WAIT);
    const mail = smtp.to('esc@example.test')[0];
    expect(mail?.html).not.toContain('<img src=x');
    expect(mail?.html).not.toContain('<script>');
    expect(mail?.html).toContain('&lt;img src=x onerror=alert(1)&gt; invited you');
    expect(mail?.text).toContain('<img src=x onerror=alert(1)> invited you');
  });

  it('sends nothing and logs nothing when the transaction rolls back', async () => {
    const t = await env.tenant('mail-rollback', { enable: ['mailer'] });
    const res = await t.client.post('/api/v1/mailer/send', {
      to: 'ghost@example.test',
      template: 'core.verify-email',
      data: { url: 'http://app.test/x' },
      fail: true,
    });
    expect(res.status).toBe(422);
    // A mail sent afterwards arrives: by then the failed one would have too.
    const ok = await t.client.post('/api/v1/mailer/send', {
      to: 'after@example.test',
      template: 'core.verify-email',
      data: { url: 'http://app.test/y' },
    });
    expect(ok.status).toBe(202);
    await vi.waitFor(() => expect(smtp.to('after@example.test')).toHaveLength(1), WAIT);
    expect(await env.flush()).toBe(0);
    expect(smtp.to('ghost@example.test')).toHaveLength(0);
    expect(await env.sql("select 1 from core_mail_log where to_address = 'ghost@example.test'")).toHaveLength(0);
    expect(
      await env.sql(`select 1 from core_outbox where tenant_id = $1 and name = 'core.mail.send'`, [t.id]),
    ).toHaveLength(1);
  });

  it('attaches stored documents: the PDF bytes arrive as a file, and only this tenant’s documents', async () => {
    const t = await env.tenant('mail-attach', { enable: ['mailer'] });
    const res = await t.client.post('/api/v1/mailer/send', {
      to: 'attach@example.test',
      template: 'core.document',
      data: { subject: 'Invoice INV-7', body: 'Hello Lena,\n\nyour invoice is attached.' },
      pdf: true,
    });
    expect(res.status).toBe(202);
    await vi.waitFor(() => expect(smtp.to('attach@example.test')).toHaveLength(1), WAIT);
    const mail = smtp.to('attach@example.test')[0];
    expect(mail?.subject).toBe('Invoice INV-7');
    expect(mail?.text).toContain('your invoice is attached.');
    expect(mail?.attachments).toHaveLength(1);
    const file = mail?.attachments[0];
    expect(file?.filename).toBe('invoice-INV-7.pdf');
    expect(file?.contentType).toBe('application/pdf');
    expect(file?.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const [stored] = await env.sql<{ sha256: string }>('select sha256 from core_document where id = $1', [
      res.body.documentId,
    ]);
    expect(
      createHash('sha256')
        .update(file?.content ?? Buffer.alloc(0))
        .digest('hex'),
    ).toBe(stored?.sha256);

    // Another tenant cannot name it; nor can anyone name a document that does not exist.
    const other = await env.tenant('mail-attach-b', { enable: ['mailer'] });
    for (const [client, documentId] of [
      [other.client, res.body.documentId],
      [t.client, '00000000-0000-4000-8000-000000000000'],
      [t.client, 'nope'],
    ] as const) {
      const bad = await client.post('/api/v1/mailer/send', {
        to: 'thief@example.test',
        template: 'core.document',
        data: { subject: 's', body: 'b' },
        attachments: [{ documentId }],
      });
      expect(bad.status, documentId).toBe(400);
      expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['attachments.0.documentId']);
    }
    expect(smtp.to('thief@example.test')).toHaveLength(0);
  });

  it('refuses a bad message with 400 naming the field', async () => {
    const t = await env.tenant('mail-bad', { enable: ['mailer'] });
    const bad = await t.client.post('/api/v1/mailer/send', { to: 'not-an-address', template: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['template', 'to']);
    for (const to of ['a,b@c.test', 'Eve <eve@c.test>', 'x@c.test;y@d.test', 'a@b.test\r\nBcc: z@c.test']) {
      const list = await t.client.post('/api/v1/mailer/send', {
        to,
        template: 'core.verify-email',
        data: { url: 'u' },
      });
      expect(list.status, to).toBe(400);
      expect(list.body.details.map((d: { path: string }) => d.path)).toEqual(['to']);
    }
    const missing = await t.client.post('/api/v1/mailer/send', {
      to: 'a@b.test',
      template: 'core.invitation',
      data: {},
    });
    expect(missing.status).toBe(400);
    expect(missing.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['data.inviter', 'data.url']);
  });

  it("shows an admin the tenant's delivery log, never another tenant's", async () => {
    const a = await env.tenant('mail-log-a', { enable: ['mailer'] });
    const b = await env.tenant('mail-log-b', { enable: ['mailer'] });
    const sent = await a.client.post('/api/v1/mailer/send', {
      to: 'log@example.test',
      template: 'core.verify-email',
      data: { url: 'http://app.test/z' },
    });
    await vi.waitFor(async () => expect((await logRow(env, sent.body.id))?.status).toBe('sent'), WAIT);
    const mine = await a.client.get('/api/v1/core/mail/log');
    expect(mine.status).toBe(200);
    expect(mine.body.data).toEqual([
      expect.objectContaining({
        id: sent.body.id,
        to: 'log@example.test',
        template: 'core.verify-email',
        status: 'sent',
        attempts: 1,
      }),
    ]);
    expect(JSON.stringify(mine.body)).not.toContain('http://app.test/z');
    const theirs = await b.client.get('/api/v1/core/mail/log');
    expect(theirs.status).toBe(200);
    expect(theirs.body.data).toEqual([]);
    const member = await a.as('member');
    expect((await member.get('/api/v1/core/mail/log')).status).toBe(403);
  });
});

describe('mail delivery while the SMTP server is down', () => {
  let env: TestEnv;
  beforeAll(async () => {
    // A port nobody listens on: connections are refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    env = await bootTestKernel({
      addons: [mailer],
      env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_ATTEMPTS: '3', MAIL_BACKOFF_MS: '50' },
    });
  });
  afterAll(() => env?.close());

  it('retries with backoff, then logs the mail as failed with the error', async () => {
    const t = await env.tenant('mail-down', { enable: ['mailer'] });
    const res = await t.client.post('/api/v1/mailer/send', {
      to: 'nobody@example.test',
      template: 'core.verify-email',
      data: { url: 'http://app.test/secret-link' },
    });
    expect(res.status).toBe(202);
    const seen = new Set<string>();
    await vi.waitFor(
      async () => {
        const row = await logRow(env, res.body.id);
        if (row) seen.add(row.status);
        expect(row?.status).toBe('failed');
      },
      { timeout: 20_000, interval: 20 },
    );
    const row = await logRow(env, res.body.id);
    expect(row).toMatchObject({ attempts: 3, data: null });
    expect(row?.last_error).toMatch(/ECONNREFUSED/);
    expect(seen.has('retrying')).toBe(true);
  });
});
