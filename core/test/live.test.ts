import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const WAIT = { timeout: 5_000, interval: 25 };

interface SseEvent {
  id: string | null;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are inspected freely
  data: any;
}

/** A minimal server-sent-events reader over fetch's streaming body. */
class LiveStream {
  readonly events: SseEvent[] = [];
  private readonly abort = new AbortController();
  private connected = false;
  private ended = false;

  private constructor() {}

  static async open(url: string, auth: { header: string } | { query: string }): Promise<LiveStream> {
    const s = new LiveStream();
    const target =
      'query' in auth
        ? `${url}/api/v1/core/live?access_token=${encodeURIComponent(auth.query)}`
        : `${url}/api/v1/core/live`;
    const res = await fetch(target, {
      headers: 'header' in auth ? { authorization: `Bearer ${auth.header}` } : {},
      signal: s.abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    if (!res.body) throw new Error('live response has no body');
    void s.pump(res.body.getReader());
    // The server registers the client before it writes ": connected".
    await vi.waitFor(() => expect(s.connected).toBe(true), WAIT);
    return s;
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          this.parse(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close()
    } finally {
      this.ended = true;
    }
  }

  private parse(block: string): void {
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        if (line.trim() === ': connected') this.connected = true;
      } else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length) this.events.push({ id, event, data: JSON.parse(data.join('\n')) });
  }

  /** Waits (bounded) for an event matching `pred`. */
  next(pred: (e: SseEvent) => boolean): Promise<SseEvent> {
    return vi.waitFor(() => {
      const hit = this.events.find(pred);
      if (!hit) throw new Error(`no matching event yet; got ${this.events.map((e) => e.event).join(', ') || 'none'}`);
      return hit;
    }, WAIT);
  }

  named(name: string): SseEvent[] {
    return this.events.filter((e) => e.event === name);
  }

  close(): void {
    this.abort.abort();
  }

  get closed(): boolean {
    return this.ended;
  }
}

let env: TestEnv;
let redis: Redis;
let a: TestTenant;
let b: TestTenant;
const streams: LiveStream[] = [];

beforeAll(async () => {
  env = await bootTestKernel({ addons: [projects] });
  redis = new Redis(env.kernel.config.redisUrl, { maxRetriesPerRequest: 2 });
  a = await env.tenant('live-a', { enable: ['projects'] });
  b = await env.tenant('live-b', { enable: ['projects'] });
});
afterAll(async () => {
  redis?.disconnect();
  // The kernel ends open streams on shutdown.
  await env?.close();
  for (const s of streams) s.close();
});

/**
 * Publishes a marker on the tenant's live channel (the channel the relay publishes to:
 * `<prefix>:live:<tenantId>`, see core/src/events/relay.ts). It carries no permission, so
 * every client of the tenant gets it, after anything published before it: a barrier.
 */
async function probe(tenantId: string): Promise<string> {
  const marker = randomUUID();
  const event = {
    id: marker,
    name: 'test.probe',
    tenantId,
    aggregateId: marker,
    payload: null,
    actorId: null,
    occurredAt: new Date().toISOString(),
    permission: null,
  };
  await redis.publish(`${env.redisPrefix}:live:${tenantId}`, JSON.stringify(event));
  return marker;
}

/** Opens a stream and waits until the kernel's Redis subscription reaches it. */
async function connect(tenantId: string, token: string, via: 'header' | 'query' = 'header'): Promise<LiveStream> {
  const s = await LiveStream.open(env.url, via === 'header' ? { header: token } : { query: token });
  streams.push(s);
  await vi.waitFor(
    async () => {
      const marker = await probe(tenantId);
      await new Promise((r) => setTimeout(r, 50));
      expect(s.events.some((e) => e.event === 'test.probe' && e.data.id === marker)).toBe(true);
    },
    { timeout: 5_000, interval: 0 },
  );
  return s;
}

/** Everything relayed so far has been published, and `s` has read up to a fresh barrier. */
async function settle(tenantId: string, ...ss: LiveStream[]): Promise<void> {
  await vi.waitFor(async () => expect(await env.flush()).toBe(0), WAIT);
  const marker = await probe(tenantId);
  for (const s of ss) await s.next((e) => e.event === 'test.probe' && e.data.id === marker);
}

async function createProject(t: TestTenant, name: string): Promise<string> {
  const res = await t.client.post('/api/v1/projects/projects', { name });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('live channel (server-sent events)', () => {
  it('refuses a connection without a valid token', async () => {
    expect((await env.anonymous().get('/api/v1/core/live')).status).toBe(401);
    expect((await env.anonymous().get('/api/v1/core/live?access_token=nope')).status).toBe(401);
  });

  it("streams a tenant's events to its users, not to other tenants", async () => {
    const ownerA = await connect(a.id, a.client.token as string);
    const ownerB = await connect(b.id, b.client.token as string, 'query');

    const name = `Live ${randomUUID().slice(0, 8)}`;
    const id = await createProject(a, name);
    const got = await ownerA.next((e) => e.event === 'projects.project.created' && e.data.aggregateId === id);
    expect(got.id).toBe(got.data.id);
    expect(got.data).toMatchObject({
      name: 'projects.project.created',
      tenantId: a.id,
      aggregateId: id,
      payload: { id, name },
    });
    expect(got.data).not.toHaveProperty('permission');

    // B gets its own events, and A's never (the barrier comes after A's event was published).
    const idB = await createProject(b, 'In B');
    await ownerB.next((e) => e.event === 'projects.project.created' && e.data.aggregateId === idB);
    await settle(a.id, ownerA);
    await settle(b.id, ownerB);
    expect(ownerB.events.filter((e) => e.data.tenantId !== b.id)).toEqual([]);
    expect(ownerB.named('projects.project.created').map((e) => e.data.aggregateId)).toEqual([idB]);
    expect(ownerA.events.filter((e) => e.data.tenantId !== a.id)).toEqual([]);
    expect(ownerA.named('projects.project.created').map((e) => e.data.aggregateId)).not.toContain(idB);
  });

  it("does not send an event to a user whose role lacks the event's permission", async () => {
    const t = await env.tenant('live-perm', { enable: ['projects'] });
    await env.sql(`update core_role set permissions = '{}' where key = 'member' and tenant_id = $1`, [t.id]);
    const member = await t.as('member');
    const admin = await t.as('admin');
    const memberMe = await member.get('/api/v1/core/me');
    expect(memberMe.body.permissions).not.toContain('projects.project.read');

    const memberStream = await connect(t.id, member.token as string);
    const adminStream = await connect(t.id, admin.token as string, 'query');

    const id = await createProject(t, 'Secret plan');
    await adminStream.next((e) => e.event === 'projects.project.created' && e.data.aggregateId === id);
    // The barrier reaches the member after the project event was published, so the member
    // has been filtered out, not merely slow.
    await settle(t.id, memberStream, adminStream);
    expect(memberStream.named('projects.project.created')).toEqual([]);
    expect(memberStream.events.every((e) => e.event === 'test.probe')).toBe(true);
  });

  it('under @own, sends the payload of the caller’s own records only; others say just that something changed', async () => {
    const t = await env.tenant('live-own', { enable: ['projects'] });
    await env.sql(
      `update core_role set permissions = '{projects.project.read@own}' where key = 'member' and tenant_id = $1`,
      [t.id],
    );
    const member = await t.as('member');
    const memberId = ((await member.get('/api/v1/core/me')).body as { user: { id: string } }).user.id;
    const stream = await connect(t.id, member.token as string);
    // The owner's project (projects carry no owner): the member learns that a project changed, not what.
    const id = await createProject(t, 'Not yours');
    const seen = await stream.next((e) => e.event === 'projects.project.created' && e.data.aggregateId === id);
    expect(seen.data).toMatchObject({
      name: 'projects.project.created',
      aggregateId: id,
      payload: null,
      actorId: null,
    });
    expect(JSON.stringify(seen.data)).not.toContain('Not yours');
    // Events naming an owner (as the relay publishes them): the member's own in full, another user's redacted.
    const publish = async (ownerId: string) => {
      const eventId = randomUUID();
      await redis.publish(
        `${env.redisPrefix}:live:${t.id}`,
        JSON.stringify({
          id: eventId,
          name: 'projects.project.updated',
          tenantId: t.id,
          aggregateId: eventId,
          payload: { ownerId, name: `of ${ownerId}` },
          actorId: ownerId,
          occurredAt: new Date().toISOString(),
          permission: 'projects.project.read',
        }),
      );
      return (await stream.next((e) => e.data.id === eventId)).data;
    };
    expect((await publish(memberId)).payload).toEqual({ ownerId: memberId, name: `of ${memberId}` });
    const other = randomUUID();
    expect(await publish(other)).toMatchObject({ payload: null, actorId: null });
  });

  it('forgets a client that disconnects', async () => {
    const t = await env.tenant('live-bye', { enable: ['projects'] });
    const before = env.kernel.live.connections;
    // A bare socket (no connection pool), so that closing it is a real disconnect.
    const req = http.get(`${env.url}/api/v1/core/live`, {
      agent: false,
      headers: { authorization: `Bearer ${t.client.token}` },
    });
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    expect(res.statusCode).toBe(200);
    await vi.waitFor(() => expect(env.kernel.live.connections).toBe(before + 1), WAIT);
    req.destroy();
    await vi.waitFor(() => expect(env.kernel.live.connections).toBe(before), WAIT);
    // Events for the tenant still relay with nobody listening.
    await createProject(t, 'After bye');
    await vi.waitFor(async () => expect(await env.flush()).toBe(0), WAIT);
  });
});
