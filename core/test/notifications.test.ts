import { AppError, defineAddon } from '@elevate/sdk';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSmtp, type TestSmtp } from './support/smtp.ts';

const WAIT = { timeout: 15_000, interval: 50 };

/** Sends the notification the request describes through ctx.notifications; `fail` rolls back. */
const notifier = defineAddon({
  id: 'notifier',
  version: '1.0.0',
  title: 'Notifier (test)',
  description: 'Sends notifications through ctx.notifications for the notification tests.',
  category: 'testing',
  platform: '^1.0.0',
  notifications: [
    { type: 'notifier.won', title: (lang) => (lang === 'de' ? 'Ein Geschäft wurde gewonnen' : 'A deal was won') },
  ],
  rest: (r) => {
    r.post('/notify', { summary: 'Notify a user' }, async ({ ctx, body }) => {
      const { fail, perReader, ...message } = body as {
        fail?: boolean;
        perReader?: boolean;
        userId: string;
        type: string;
        title: string;
        body?: string;
      };
      // perReader: the title and body written in the reader's language (a ReaderText function).
      const res = await ctx.notifications.send(
        perReader
          ? {
              ...message,
              title: (lang) => `${lang}: ${message.title}`,
              ...(message.body === undefined ? {} : { body: (lang) => `${lang}: ${message.body}` }),
            }
          : message,
      );
      if (fail) throw new AppError('TEST_FAILURE', 'fails after notifying', { status: 422 });
      return { status: 201, body: res };
    });
  },
});

/** A minimal server-sent-events reader: the events the live stream sent, by name. */
async function openLive(url: string, token: string) {
  const abort = new AbortController();
  const events: { event: string; data: { payload?: { title?: string; userId?: string } } }[] = [];
  const res = await fetch(`${url}/api/v1/core/live`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  let connected = false;
  const reader = res.body?.getReader();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf('\n\n');
          if (block.includes(': connected')) connected = true;
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name && data) events.push({ event: name, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  await vi.waitFor(() => expect(connected).toBe(true), WAIT);
  return { events, close: () => abort.abort() };
}

let env: TestEnv;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  env = await bootTestKernel({ addons: [notifier], env: { SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await env?.close();
  await smtp?.close();
});

const me = async (c: ApiClient) => (await c.get('/api/v1/core/me')).body.user.id as string;
const tokenOf = async (t: TestTenant, email: string) =>
  (await env.anonymous().post('/api/v1/auth/login', { tenant: t.slug, email, password: t.password })).body
    .accessToken as string;

describe('in-app notifications', () => {
  it('a user sees their own notifications, counts unread ones and marks them read; others see none', async () => {
    const t = await env.tenant('nt-own', { enable: ['notifier'] });
    const member = await t.as('member', 'mia@nt-own.test');
    const other = await t.as('member', 'otto@nt-own.test');
    const mia = await me(member);
    for (const title of ['Deal won', 'Task due']) {
      const res = await t.client.post('/api/v1/notifier/notify', {
        userId: mia,
        type: 'notifier.ping',
        title,
        link: '/crm/contacts/1',
      });
      expect(res.status).toBe(201);
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await member.get('/api/v1/core/notifications/unread-count')).body).toEqual({ unread: 2 });
    const list = await member.get('/api/v1/core/notifications');
    expect(list.body.data.map((n: { title: string }) => n.title)).toEqual(['Task due', 'Deal won']);
    expect(list.body.data[0]).toMatchObject({ type: 'notifier.ping', link: '/crm/contacts/1', readAt: null });
    expect(list.body.unread_count).toBe(2);
    expect((await other.get('/api/v1/core/notifications')).body.data).toHaveLength(0);
    expect((await t.client.get('/api/v1/core/notifications')).body.data).toHaveLength(0);
    const first = list.body.data[0].id as string;
    // Nobody else can mark it read.
    expect((await other.post(`/api/v1/core/notifications/${first}/read`, {})).status).toBe(404);
    const read = await member.post(`/api/v1/core/notifications/${first}/read`, {});
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await member.get('/api/v1/core/notifications/unread-count')).body).toEqual({ unread: 1 });
    expect((await member.get('/api/v1/core/notifications?unread=true')).body.data).toHaveLength(1);
    expect((await member.post('/api/v1/core/notifications/read-all', {})).body).toEqual({ marked: 1 });
    expect((await member.get('/api/v1/core/notifications/unread-count')).body).toEqual({ unread: 0 });
  });

  it('is written with the transaction: a rolled-back request notifies nobody', async () => {
    const t = await env.tenant('nt-rollback', { enable: ['notifier'] });
    const owner = await me(t.client);
    const res = await t.client.post('/api/v1/notifier/notify', {
      userId: owner,
      type: 'notifier.ping',
      title: 'never',
      fail: true,
    });
    expect(res.status).toBe(422);
    expect((await t.client.get('/api/v1/core/notifications/unread-count')).body).toEqual({ unread: 0 });
  });

  it('isolates tenants: B cannot read or mark A’s notifications, nor notify A’s users', async () => {
    const a = await env.tenant('nt-iso-a', { enable: ['notifier'] });
    const b = await env.tenant('nt-iso-b', { enable: ['notifier'] });
    const aOwner = await me(a.client);
    const sent = await a.client.post('/api/v1/notifier/notify', {
      userId: aOwner,
      type: 'notifier.ping',
      title: 'A only',
    });
    expect((await b.client.get('/api/v1/core/notifications')).body.data).toHaveLength(0);
    expect((await b.client.post(`/api/v1/core/notifications/${sent.body.id}/read`, {})).status).toBe(404);
    const cross = await b.client.post('/api/v1/notifier/notify', { userId: aOwner, type: 'notifier.ping', title: 'x' });
    expect(cross.status).toBe(400);
    expect(cross.body.details[0].path).toBe('userId');
    expect((await a.client.get('/api/v1/core/notifications/unread-count')).body).toEqual({ unread: 1 });
  });

  it('arrives live on the recipient’s stream only, after commit', async () => {
    const t = await env.tenant('nt-live', { enable: ['notifier'] });
    await t.as('member', 'lea@nt-live.test');
    await t.as('member', 'max@nt-live.test');
    const lea = await openLive(env.url, await tokenOf(t, 'lea@nt-live.test'));
    const max = await openLive(env.url, await tokenOf(t, 'max@nt-live.test'));
    try {
      const leaId = (
        await env.sql<{ id: string }>('select id from core_user where email = $1', ['lea@nt-live.test'])
      )[0]?.id;
      await t.client.post('/api/v1/notifier/notify', { userId: leaId, type: 'notifier.ping', title: 'Hello Lea' });
      await vi.waitFor(
        () =>
          expect(lea.events.find((e) => e.event === 'core.notification.created')?.data.payload?.title).toBe(
            'Hello Lea',
          ),
        WAIT,
      );
      await env.flush();
      await new Promise((r) => setTimeout(r, 300));
      expect(max.events.filter((e) => e.event === 'core.notification.created')).toHaveLength(0);
    } finally {
      lea.close();
      max.close();
    }
  });

  it('follows the user’s preference per type: off sends nothing, email sends a mail instead', async () => {
    const t = await env.tenant('nt-prefs', { enable: ['notifier'] });
    const member = await t.as('member', 'pia@nt-prefs.test');
    const pia = await me(member);
    const set = await member.put('/api/v1/core/notifications/preferences', {
      preferences: [
        { type: 'notifier.quiet', channel: 'off' },
        { type: 'notifier.mailed', channel: 'email' },
      ],
    });
    expect(set.status).toBe(200);
    expect(set.body.data).toEqual(
      expect.arrayContaining([
        { type: 'notifier.quiet', title: 'notifier.quiet', channel: 'off' },
        { type: 'notifier.mailed', title: 'notifier.mailed', channel: 'email' },
        { type: 'core.webhook-disabled', title: expect.any(String), channel: 'in-app' },
        { type: 'core.mention', title: expect.any(String), channel: 'in-app' },
      ]),
    );
    const quiet = await t.client.post('/api/v1/notifier/notify', { userId: pia, type: 'notifier.quiet', title: 'Shh' });
    expect(quiet.body.id).toBeNull();
    await t.client.post('/api/v1/notifier/notify', {
      userId: pia,
      type: 'notifier.mailed',
      title: 'Contract signed',
      body: 'ACME signed the contract.',
      link: '/crm/deals/42',
    });
    expect((await member.get('/api/v1/core/notifications')).body.data).toHaveLength(0);
    await vi.waitFor(() => expect(smtp.to('pia@nt-prefs.test')).toHaveLength(1), WAIT);
    const mail = smtp.to('pia@nt-prefs.test')[0];
    expect(mail?.subject).toBe('Contract signed');
    expect(mail?.text).toContain('ACME signed the contract.');
    expect(mail?.text).toContain('/t/nt-prefs/crm/deals/42');
  });

  it('is written in the reader’s language: a text function gets each recipient’s, the kinds their titles in it', async () => {
    const t = await env.tenant('nt-lang', { enable: ['notifier'] });
    const german = await t.as('member', 'greta@nt-lang.test');
    const english = await t.as('member', 'eve@nt-lang.test');
    expect((await german.put('/api/v1/core/account/preferences', { language: 'de' })).status).toBe(200);
    for (const [client, expected] of [
      [german, 'de: Deal won'],
      [english, 'en: Deal won'],
    ] as const) {
      const res = await t.client.post('/api/v1/notifier/notify', {
        userId: await me(client),
        type: 'notifier.won',
        title: 'Deal won',
        body: 'ACME',
        perReader: true,
      });
      expect(res.status).toBe(201);
      const [n] = (await client.get('/api/v1/core/notifications')).body.data;
      expect(n).toMatchObject({ title: expected, body: `${expected.slice(0, 2)}: ACME` });
    }
    const kinds = async (c: ApiClient) =>
      new Map(
        ((await c.get('/api/v1/core/notifications/preferences')).body.data as { type: string; title: string }[]).map(
          (k) => [k.type, k.title],
        ),
      );
    const de = await kinds(german);
    const en = await kinds(english);
    expect(de.get('notifier.won')).toBe('Ein Geschäft wurde gewonnen');
    expect(en.get('notifier.won')).toBe('A deal was won');
    expect(de.get('core.mention')).toBe('Jemand hat Sie in einem Kommentar erwähnt');
    expect(en.get('core.mention')).toBe('Someone mentioned you in a comment');
  });

  it('answers 400 naming the field for bad input', async () => {
    const t = await env.tenant('nt-bad', { enable: ['notifier'] });
    const owner = await me(t.client);
    const cases: [Record<string, unknown>, string][] = [
      [{ userId: 'nope', type: 'notifier.ping', title: 't' }, 'userId'],
      [{ userId: owner, type: 'Bad Type', title: 't' }, 'type'],
      [{ userId: owner, type: 'notifier.ping', title: '' }, 'title'],
      [{ userId: owner, type: 'notifier.ping', title: 't', link: 'https://evil.test/' }, 'link'],
      [{ userId: owner, type: 'notifier.ping', title: 't', link: '//evil.test/' }, 'link'],
    ];
    for (const [body, path] of cases) {
      const res = await t.client.post('/api/v1/notifier/notify', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const prefs: [unknown, string][] = [
      [{ preferences: 'x' }, 'preferences'],
      [{ preferences: [{ type: 'notifier.ping', channel: 'sms' }] }, 'preferences.0.channel'],
      [{ preferences: [{ type: 'BAD', channel: 'off' }] }, 'preferences.0.type'],
    ];
    for (const [body, path] of prefs) {
      const res = await t.client.put('/api/v1/core/notifications/preferences', body);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect((await t.client.get('/api/v1/core/notifications?limit=0')).status).toBe(400);
    expect((await t.client.post('/api/v1/core/notifications/not-a-uuid/read', {})).status).toBe(404);
  });
});
