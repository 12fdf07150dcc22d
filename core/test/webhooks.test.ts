import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import { tasks } from '@elevate-fixture/tasks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSmtp, type TestSmtp } from './support/smtp.ts';

const WAIT = { timeout: 15_000, interval: 50 };

/** A receiver: `/ok/<key>` answers 200, `/flaky/<key>` 500 once then 200, `/fail/<key>` always 500. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Verification as docs/architecture.md#webhooks shows it (Standard Webhooks). */
function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = headers['webhook-id'] as string;
  const timestamp = headers['webhook-timestamp'] as string;
  const signatures = String(headers['webhook-signature'] ?? '').split(' ');
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.some((s) => {
    const [version, sig] = s.split(',');
    const got = Buffer.from(sig ?? '', 'base64');
    return version === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
  });
}

let env: TestEnv;
let smtp: TestSmtp;
let server: Server;
let base: string;
const received: Received[] = [];
const flakySeen = new Set<string>();
const at = (path: string) => received.filter((r) => r.path === path);

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body });
      if (path.startsWith('/fail/')) res.writeHead(500).end('receiver broken');
      else if (path.startsWith('/redirect/')) res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      else if (path.startsWith('/flaky/') && !flakySeen.has(path)) {
        flakySeen.add(path);
        res.writeHead(503).end('try later');
      } else res.writeHead(200).end('thanks');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  smtp = await startSmtp();
  env = await bootTestKernel({
    addons: [projects, tasks],
    env: {
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      WEBHOOKS_ATTEMPTS: '3',
      WEBHOOKS_BACKOFF_MS: '50',
      WEBHOOKS_DISABLE_AFTER: '2',
      SMTP_URL: smtp.url,
    },
  });
});
afterAll(async () => {
  await env?.close();
  await smtp?.close();
  await new Promise((r) => server?.close(r));
});

const createProject = async (t: TestTenant, name: string) => {
  const res = await t.client.post('/api/v1/projects/projects', { name });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const hook = async (t: TestTenant, url: string, events: string[] = ['projects.*']) => {
  const res = await t.client.post('/api/v1/core/webhooks', { url, events });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
};
const deliveries = async (t: TestTenant, id: string) =>
  (await t.client.get(`/api/v1/core/webhooks/${id}/deliveries`)).body.data as {
    id: string;
    status: string;
    attempts: number;
    statusCode: number | null;
    messageId: string;
    error: string | null;
    responseExcerpt: string | null;
    durationMs: number | null;
    redeliveryOf: string | null;
  }[];

describe('webhook endpoints', () => {
  it('creates an endpoint with a secret shown once, lists it without the secret, rotates it', async () => {
    const t = await env.tenant('wh-crud', { enable: ['projects'] });
    const created = await hook(t, `${base}/ok/crud`, ['projects.project.created', 'projects.*']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const list = await t.client.get('/api/v1/core/webhooks');
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).not.toHaveProperty('secret');
    expect(JSON.stringify(list.body)).not.toContain(created.secret);
    const one = await t.client.get(`/api/v1/core/webhooks/${created.id}`);
    expect(one.body.events).toEqual(['projects.project.created', 'projects.*']);
    const rotated = await t.client.post(`/api/v1/core/webhooks/${created.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    // The audit log records the endpoint and the rotation, never a secret.
    const entries = await env.sql<{ action: string; before: unknown; after: unknown }>(
      "select action, before, after from core_audit where tenant_id = $1 and table_name = 'core_webhook' order by id",
      [t.id],
    );
    expect(entries.map((e) => e.action)).toEqual(['create', 'update']);
    const logged = JSON.stringify(entries);
    expect(logged).not.toContain(created.secret);
    expect(logged).not.toContain(rotated.body.secret);
    expect(logged).toContain(`${base}/ok/crud`);
    const off = await t.client.patch(`/api/v1/core/webhooks/${created.id}`, { enabled: false });
    expect(off.body.enabled).toBe(false);
    const types = await t.client.get('/api/v1/core/webhooks/event-types');
    expect(types.body.data.map((e: { type: string }) => e.type)).toContain('projects.project.created');
    expect(types.body.data.map((e: { type: string }) => e.type)).not.toContain('tasks.task.created');
    expect((await t.client.delete(`/api/v1/core/webhooks/${created.id}`)).status).toBe(204);
    expect((await t.client.get(`/api/v1/core/webhooks/${created.id}`)).status).toBe(404);
  });

  it('answers 400 naming the field for bad input, and refuses events of addons the tenant has not enabled', async () => {
    const t = await env.tenant('wh-bad', { enable: ['projects'] });
    const cases: [unknown, string][] = [
      [{ url: 'ftp://x.test/', events: ['projects.*'] }, 'url'],
      [{ url: 'not a url', events: ['projects.*'] }, 'url'],
      [{ url: 'https://u:p@x.test/', events: ['projects.*'] }, 'url'],
      [{ events: ['projects.*'] }, 'url'],
      [{ url: 'https://x.test/', events: [] }, 'events'],
      [{ url: 'https://x.test/', events: 'projects.*' }, 'events'],
      [{ url: 'https://x.test/', events: ['tasks.task.created'] }, 'events.0'],
      [{ url: 'https://x.test/', events: ['projects.*', 'nope.*'] }, 'events.1'],
      [{ url: 'https://x.test/', events: ['bad type!'] }, 'events.0'],
      [{ url: 'https://x.test/', events: ['projects.*'], enabled: 'yes' }, 'enabled'],
      [{ url: 'https://x.test/', events: ['projects.*'], extra: 1 }, 'extra'],
    ];
    for (const [body, path] of cases) {
      const res = await t.client.post('/api/v1/core/webhooks', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const ok = await hook(t, 'https://x.test/');
    const patch = await t.client.patch(`/api/v1/core/webhooks/${ok.id}`, { url: 42 });
    expect(patch.status).toBe(400);
    expect(patch.body.details[0].path).toBe('url');
    const q = await t.client.get(`/api/v1/core/webhooks/${ok.id}/deliveries?limit=0`);
    expect(q.status).toBe(400);
  });

  it('needs core.webhooks.manage: members are refused, admins allowed', async () => {
    const t = await env.tenant('wh-perm', { enable: ['projects'] });
    const member = await t.as('member');
    expect((await member.get('/api/v1/core/webhooks')).status).toBe(403);
    expect(
      (await member.post('/api/v1/core/webhooks', { url: 'https://x.test/', events: ['projects.*'] })).status,
    ).toBe(403);
    const admin = await t.as('admin');
    expect((await admin.post('/api/v1/core/webhooks', { url: 'https://x.test/', events: ['projects.*'] })).status).toBe(
      201,
    );
  });

  it('isolates tenants: B neither sees nor changes A’s endpoints or deliveries, and gets none of A’s events', async () => {
    const a = await env.tenant('wh-iso-a', { enable: ['projects'] });
    const b = await env.tenant('wh-iso-b', { enable: ['projects'] });
    const ha = await hook(a, `${base}/ok/iso-a`);
    const hb = await hook(b, `${base}/ok/iso-b`);
    await createProject(a, 'only-a');
    await vi.waitFor(() => expect(at('/ok/iso-a')).toHaveLength(1), WAIT);
    const [da] = await deliveries(a, ha.id);
    expect(da?.status).toBe('succeeded');
    expect((await b.client.get('/api/v1/core/webhooks')).body.data.map((h: { id: string }) => h.id)).toEqual([hb.id]);
    expect((await b.client.get(`/api/v1/core/webhooks/${ha.id}`)).status).toBe(404);
    expect((await b.client.patch(`/api/v1/core/webhooks/${ha.id}`, { enabled: false })).status).toBe(404);
    expect((await b.client.post(`/api/v1/core/webhooks/${ha.id}/rotate-secret`, {})).status).toBe(404);
    expect((await b.client.get(`/api/v1/core/webhooks/${ha.id}/deliveries`)).status).toBe(404);
    expect((await b.client.post(`/api/v1/core/webhooks/${hb.id}/deliveries/${da?.id}/redeliver`, {})).status).toBe(404);
    expect((await b.client.delete(`/api/v1/core/webhooks/${ha.id}`)).status).toBe(404);
    expect((await a.client.get(`/api/v1/core/webhooks/${ha.id}`)).body.enabled).toBe(true);
    expect(await deliveries(b, hb.id)).toHaveLength(0);
    expect(at('/ok/iso-b')).toHaveLength(0);
  });
});

describe('webhook delivery', () => {
  it('posts the event after commit, signed so the documented verification accepts it, and logs the delivery', async () => {
    const t = await env.tenant('wh-sign', { enable: ['projects'] });
    const h = await hook(t, `${base}/ok/sign`, ['projects.project.created']);
    const projectId = await createProject(t, 'Signed');
    await vi.waitFor(() => expect(at('/ok/sign')).toHaveLength(1), WAIT);
    const r = at('/ok/sign')[0] as Received;
    expect(verify(h.secret, r.headers, r.body)).toBe(true);
    // A tampered body or another secret does not verify.
    expect(verify(h.secret, r.headers, r.body.replace('Signed', 'Forged'))).toBe(false);
    expect(verify('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', r.headers, r.body)).toBe(false);
    const body = JSON.parse(r.body);
    expect(body).toMatchObject({ type: 'projects.project.created', tenant: 'wh-sign', data: { id: projectId } });
    expect(body.id).toBe(r.headers['webhook-id']);
    expect(new Date(body.occurredAt).toISOString()).toBe(body.occurredAt);
    expect(r.headers['content-type']).toBe('application/json');
    await vi.waitFor(async () => expect((await deliveries(t, h.id))[0]?.status).toBe('succeeded'), WAIT);
    const [d] = await deliveries(t, h.id);
    expect(d).toMatchObject({ attempts: 1, statusCode: 200, error: null, responseExcerpt: 'thanks' });
    expect(d?.durationMs).toBeGreaterThanOrEqual(0);
    // An update is not subscribed to.
    expect((await t.client.patch(`/api/v1/projects/projects/${projectId}`, { name: 'Renamed' })).status).toBe(200);
    await env.flush();
    await new Promise((res) => setTimeout(res, 300));
    expect(at('/ok/sign')).toHaveLength(1);
  });

  it('a disabled endpoint gets nothing', async () => {
    const t = await env.tenant('wh-off', { enable: ['projects'] });
    const h = await hook(t, `${base}/ok/off`);
    await t.client.patch(`/api/v1/core/webhooks/${h.id}`, { enabled: false });
    await createProject(t, 'nobody listens');
    await env.flush();
    await new Promise((res) => setTimeout(res, 400));
    expect(at('/ok/off')).toHaveLength(0);
    expect(await deliveries(t, h.id)).toHaveLength(0);
  });

  it('retries with backoff until the receiver answers 2xx, re-signing each attempt', async () => {
    const t = await env.tenant('wh-retry', { enable: ['projects'] });
    const h = await hook(t, `${base}/flaky/retry`);
    await createProject(t, 'Flaky');
    await vi.waitFor(async () => expect((await deliveries(t, h.id))[0]?.status).toBe('succeeded'), WAIT);
    const [d] = await deliveries(t, h.id);
    expect(d).toMatchObject({ attempts: 2, statusCode: 200 });
    const reqs = at('/flaky/retry');
    expect(reqs).toHaveLength(2);
    expect(reqs[0]?.headers['webhook-id']).toBe(reqs[1]?.headers['webhook-id']);
    for (const r of reqs) expect(verify(h.secret, r.headers, r.body)).toBe(true);
  });

  it('redelivers a logged delivery on request, with the same message id', async () => {
    const t = await env.tenant('wh-redeliver', { enable: ['projects'] });
    const h = await hook(t, `${base}/ok/redeliver`);
    await createProject(t, 'Again');
    await vi.waitFor(async () => expect((await deliveries(t, h.id))[0]?.status).toBe('succeeded'), WAIT);
    const [first] = await deliveries(t, h.id);
    const res = await t.client.post(`/api/v1/core/webhooks/${h.id}/deliveries/${first?.id}/redeliver`, {});
    expect(res.status).toBe(202);
    expect(res.body.redeliveryOf).toBe(first?.id);
    await vi.waitFor(() => expect(at('/ok/redeliver')).toHaveLength(2), WAIT);
    const [r1, r2] = at('/ok/redeliver');
    expect(r2?.headers['webhook-id']).toBe(r1?.headers['webhook-id']);
    expect(r2?.body).toBe(r1?.body);
    await vi.waitFor(
      async () => expect((await deliveries(t, h.id)).map((d) => d.status)).toEqual(['succeeded', 'succeeded']),
      WAIT,
    );
    const missing = await t.client.post(
      `/api/v1/core/webhooks/${h.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`,
      {},
    );
    expect(missing.status).toBe(404);
  });

  it('does not follow redirects', async () => {
    const t = await env.tenant('wh-redirect', { enable: ['projects'] });
    const h = await hook(t, `${base}/redirect/x`);
    await createProject(t, 'Moved');
    await vi.waitFor(async () => expect((await deliveries(t, h.id))[0]?.status).toBe('failed'), WAIT);
    const [d] = await deliveries(t, h.id);
    expect(d?.statusCode).toBe(302);
    expect(d?.error).toMatch(/redirect .* not followed/);
    expect(d?.attempts).toBe(3);
  });

  it('disables an endpoint after N deliveries in a row failed for good and mails the admins', async () => {
    const t = await env.tenant('wh-disable', { enable: ['projects'] });
    const admin = await t.as('admin', 'second-admin@wh-disable.test');
    expect(admin).toBeTruthy();
    const member = await t.as('member', 'member@wh-disable.test');
    expect(member).toBeTruthy();
    const h = await hook(t, `${base}/fail/disable`);
    await createProject(t, 'Doomed 1');
    await vi.waitFor(async () => expect((await deliveries(t, h.id))[0]?.status).toBe('failed'), WAIT);
    const [d1] = await deliveries(t, h.id);
    expect(d1).toMatchObject({ attempts: 3, statusCode: 500, error: 'HTTP 500', responseExcerpt: 'receiver broken' });
    expect((await t.client.get(`/api/v1/core/webhooks/${h.id}`)).body).toMatchObject({
      enabled: true,
      consecutiveFailures: 1,
    });
    await createProject(t, 'Doomed 2');
    await vi.waitFor(
      async () => expect((await t.client.get(`/api/v1/core/webhooks/${h.id}`)).body.enabled).toBe(false),
      WAIT,
    );
    const disabled = (await t.client.get(`/api/v1/core/webhooks/${h.id}`)).body;
    expect(disabled.disabledReason).toMatch(/2 deliveries in a row failed/);
    await vi.waitFor(() => expect(smtp.to(t.ownerEmail)).toHaveLength(1), WAIT);
    await vi.waitFor(() => expect(smtp.to('second-admin@wh-disable.test')).toHaveLength(1), WAIT);
    expect(smtp.to(t.ownerEmail)[0]?.text).toContain(`${base}/fail/disable`);
    expect(smtp.to('member@wh-disable.test')).toHaveLength(0);
    // Admins are also told in-app; members are not.
    const told = (await admin.get('/api/v1/core/notifications')).body.data;
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ type: 'core.webhook-disabled', link: '/admin/webhooks' });
    expect(told[0].body).toContain(`${base}/fail/disable`);
    expect((await member.get('/api/v1/core/notifications')).body.data).toHaveLength(0);
    expect(at('/fail/disable')).toHaveLength(6);
    // Redelivery waits until the endpoint is enabled again; enabling resets the count.
    const refused = await t.client.post(`/api/v1/core/webhooks/${h.id}/deliveries/${d1?.id}/redeliver`, {});
    expect(refused.status).toBe(409);
    const on = await t.client.patch(`/api/v1/core/webhooks/${h.id}`, { enabled: true });
    expect(on.body).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null });
  });
});

describe('SSRF guard (production setting)', () => {
  let prod: TestEnv;
  beforeAll(async () => {
    prod = await bootTestKernel({
      addons: [projects],
      env: { WEBHOOKS_ALLOW_PRIVATE: 'false', WEBHOOKS_ATTEMPTS: '1', WEBHOOKS_BACKOFF_MS: '10' },
    });
  });
  afterAll(async () => {
    await prod?.close();
  });

  it('refuses loopback endpoints at creation and never connects to a name resolving to one', async () => {
    const t = await prod.tenant('wh-ssrf', { enable: ['projects'] });
    for (const url of [`${base}/ok/ssrf`, 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/']) {
      const res = await t.client.post('/api/v1/core/webhooks', { url, events: ['projects.*'] });
      expect(res.status, url).toBe(400);
      expect(res.body.details[0].path).toBe('url');
    }
    // A name is only resolved at delivery: every address it resolves to is checked then.
    const port = (server.address() as AddressInfo).port;
    const h = await hook(t, `http://localhost:${port}/ok/ssrf-name`);
    await createProject(t, 'Internal');
    await vi.waitFor(async () => expect((await deliveries(t, h.id))[0]?.status).toBe('failed'), WAIT);
    const [d] = await deliveries(t, h.id);
    expect(d?.error).toMatch(/private address/);
    expect(d?.statusCode).toBeNull();
    expect(at('/ok/ssrf-name')).toHaveLength(0);
  });
});
