import { defineAddon } from '@elevate/sdk';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIGEST_JOB, localTime } from '../src/notifications/digest.ts';
import { startSmtp, type TestSmtp } from './support/smtp.ts';

const WAIT = { timeout: 15_000, interval: 50 };

/** Sends the notification the request describes through ctx.notifications. */
const notifier = defineAddon({
  id: 'notifier',
  version: '1.0.0',
  title: 'Notifier (test)',
  description: 'Sends notifications for the digest tests.',
  category: 'testing',
  platform: '^1.0.0',
  notifications: [{ type: 'notifier.ping', title: 'Pings from the test addon' }],
  rest: (r) => {
    r.post('/notify', { summary: 'Notify a user' }, async ({ ctx, body }) => ({
      status: 201,
      body: await ctx.notifications.send(body as { userId: string; type: string; title: string }),
    }));
  },
});

let env: TestEnv;
let smtp: TestSmtp;
let redis: Redis;
beforeAll(async () => {
  smtp = await startSmtp();
  env = await bootTestKernel({ addons: [notifier], env: { SMTP_URL: smtp.url } });
  redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
});
afterAll(async () => {
  env.kernel.digest.clock = { now: () => new Date() };
  await env?.close();
  await smtp?.close();
  redis?.disconnect();
});

const at = (iso: string) => ({ now: () => new Date(iso) });
const me = async (c: ApiClient) => (await c.get('/api/v1/core/me')).body.user.id as string;

/** A member in a time zone who chose the digest for pings. */
async function digestUser(t: TestTenant, email: string, timeZone: string) {
  const c = await t.as('member', email);
  expect((await c.put('/api/v1/core/account/preferences', { timeZone })).status).toBe(200);
  const prefs = await c.put('/api/v1/core/notifications/preferences', {
    preferences: [{ type: 'notifier.ping', channel: 'digest' }],
  });
  expect(prefs.status).toBe(200);
  return { client: c, id: await me(c), email };
}

const ping = (t: TestTenant, userId: string, title: string) =>
  t.client.post('/api/v1/notifier/notify', { userId, type: 'notifier.ping', title, link: '/crm/contacts/1' });

describe('daily digest', () => {
  it('keeps digest notifications in the bell without a live push, and lists the kinds with titles', async () => {
    const t = await env.tenant('dg-keep', { enable: ['notifier'] });
    const u = await digestUser(t, 'kim@dg-keep.test', 'Europe/Berlin');
    const sent = await ping(t, u.id, 'Quiet one');
    expect(sent.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const list = await u.client.get('/api/v1/core/notifications');
    expect(list.body.data[0]).toMatchObject({ title: 'Quiet one', digest: true, readAt: null });
    await env.flush();
    const live = await env.sql('select 1 from core_outbox where tenant_id = $1 and name = $2', [
      t.id,
      'core.notification.created',
    ]);
    expect(live).toHaveLength(0);
    const prefs = (await u.client.get('/api/v1/core/notifications/preferences')).body.data;
    expect(prefs).toEqual(
      expect.arrayContaining([
        { type: 'notifier.ping', title: 'Pings from the test addon', channel: 'digest' },
        { type: 'core.mention', title: expect.any(String), channel: 'in-app' },
        { type: 'core.automation', title: expect.any(String), channel: 'in-app' },
      ]),
    );
  });

  it('mails each user once in their own morning, with what is still unread, by the controllable clock', async () => {
    const t = await env.tenant('dg-zones', { enable: ['notifier'] });
    const ravi = await digestUser(t, 'ravi@dg-zones.test', 'Asia/Kolkata');
    const nora = await digestUser(t, 'nora@dg-zones.test', 'America/New_York');
    const inApp = await t.as('member', 'ina@dg-zones.test');
    for (const title of ['Deal won', 'Task due', 'Read already']) await ping(t, ravi.id, title);
    await ping(t, nora.id, 'For Nora');
    await ping(t, await me(inApp), 'Not a digest user');
    const read = (await ravi.client.get('/api/v1/core/notifications')).body.data.find(
      (n: { title: string }) => n.title === 'Read already',
    );
    await ravi.client.post(`/api/v1/core/notifications/${read.id}/read`, {});

    // 02:45 UTC: 08:15 in Kolkata (morning), 21:45 the evening before in New York.
    env.kernel.digest.clock = at('2031-03-04T02:45:00Z');
    expect(localTime(new Date('2031-03-04T02:45:00Z'), 'Asia/Kolkata')).toEqual({ date: '2031-03-04', hour: 8 });
    expect(await env.kernel.digest.run(t.id)).toEqual({ sent: 1 });
    await vi.waitFor(() => expect(smtp.to(ravi.email)).toHaveLength(1), WAIT);
    const mail = smtp.to(ravi.email)[0];
    expect(mail?.subject).toBe('Your dg-zones Inc digest: 2 unread');
    expect(mail?.text).toContain('Deal won');
    expect(mail?.text).toContain('Task due');
    expect(mail?.text).not.toContain('Read already');
    expect(mail?.text).toContain('/t/dg-zones/crm/contacts/1');
    // Again in the same morning: nothing more.
    env.kernel.digest.clock = at('2031-03-04T04:10:00Z');
    expect(await env.kernel.digest.run(t.id)).toEqual({ sent: 0 });

    // 13:30 UTC: 08:30 in New York.
    env.kernel.digest.clock = at('2031-03-04T13:30:00Z');
    expect(await env.kernel.digest.run(t.id)).toEqual({ sent: 1 });
    await vi.waitFor(() => expect(smtp.to(nora.email)).toHaveLength(1), WAIT);
    expect(smtp.to(nora.email)[0]?.text).toContain('For Nora');
    expect(smtp.to('ina@dg-zones.test')).toHaveLength(0);

    // The next morning in Kolkata: what was mailed is not mailed again; something new is.
    env.kernel.digest.clock = at('2031-03-05T03:00:00Z');
    expect(await env.kernel.digest.run(t.id)).toEqual({ sent: 0 });
    await ping(t, ravi.id, 'Fresh news');
    expect(await env.kernel.digest.run(t.id)).toEqual({ sent: 1 });
    await vi.waitFor(() => expect(smtp.to(ravi.email)).toHaveLength(2), WAIT);
    expect(smtp.to(ravi.email)[1]?.text).toContain('Fresh news');
    expect(smtp.to(ravi.email)[1]?.text).not.toContain('Deal won');
    // Still unread in the bell: the digest tells, it does not mark read.
    expect((await ravi.client.get('/api/v1/core/notifications/unread-count')).body.unread).toBe(3);
  });

  it('runs from a BullMQ job scheduler per tenant, and one tenant’s run never mails another’s users', async () => {
    const a = await env.tenant('dg-sched-a', { enable: ['notifier'] });
    const b = await env.tenant('dg-sched-b', { enable: ['notifier'] });
    const ana = await digestUser(a, 'ana@dg-sched-a.test', 'UTC');
    await ping(a, ana.id, 'For Ana');
    const prefix = env.kernel.config.redisPrefix;
    const queue = new Queue('jobs', { connection: redis, prefix });
    try {
      await vi.waitFor(async () => {
        const keys = (await queue.getJobSchedulers(0, 10_000)).map((s) => s.key);
        expect(keys).toEqual(expect.arrayContaining([`${a.id}/${DIGEST_JOB}`, `${b.id}/${DIGEST_JOB}`]));
      }, WAIT);
      env.kernel.digest.clock = at('2031-06-01T09:05:00Z');
      // Tenant B's run: nothing for A's user.
      expect(await env.kernel.digest.run(b.id)).toEqual({ sent: 0 });
      // What the scheduler produces: a job named core.notification-digest for tenant A, run by the workers.
      await queue.add(DIGEST_JOB, { tenantId: a.id, data: null, actorId: null, schedule: DIGEST_JOB });
      await vi.waitFor(() => expect(smtp.to(ana.email)).toHaveLength(1), WAIT);
      expect(smtp.to(ana.email)[0]?.text).toContain('For Ana');
    } finally {
      await queue.close();
    }
  });

  it('refuses an unknown channel, naming the field', async () => {
    const t = await env.tenant('dg-bad', { enable: ['notifier'] });
    const res = await t.client.put('/api/v1/core/notifications/preferences', {
      preferences: [{ type: 'core.mention', channel: 'weekly' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0].path).toBe('preferences.0.channel');
  });
});
