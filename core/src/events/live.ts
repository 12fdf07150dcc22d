import type { PublishedEvent } from '@elevate/sdk';
import type { Redis } from 'ioredis';
import { workerRedis } from '../jobs/queues.ts';
import type { Runtime } from '../runtime.ts';
import { liveChannel } from './relay.ts';

interface LiveClient {
  /** Whose stream this is: closed when an admin changes their access. */
  userId: string;
  /** What of the event this client may see (null: nothing), given the permission that guards it. */
  view(event: PublishedEvent, permission: string | null): PublishedEvent | null;
  send(event: PublishedEvent): void;
  /** Ends the stream; with a reason, an event of that name goes first (the browser reconnects). */
  close(reason?: string): void;
}

/**
 * Tells every API node that these users' access changed (roles, teams, deactivation; `null`:
 * every user of the tenant): their open live streams end with `event: access-changed`, and the
 * browser's reconnect is authenticated and filtered afresh (or refused, for a deactivated user).
 * Call it after the change is committed.
 */
export function publishAccessChange(
  redis: Redis,
  prefix: string,
  tenantId: string,
  userIds: readonly string[] | null,
): Promise<unknown> {
  return redis.publish(liveChannel(prefix, tenantId), JSON.stringify({ accessChanged: userIds }));
}

/**
 * Fans a tenant's events (from Redis pub/sub, so every API node sees them) out to its
 * connected browsers, each filtered by the user's permissions and record rules.
 */
export class LiveHub {
  private readonly rt: Runtime;
  private readonly clients = new Map<string, Set<LiveClient>>();
  private sub: Redis | null = null;

  constructor(rt: Runtime) {
    this.rt = rt;
  }

  async start(): Promise<void> {
    const sub = workerRedis(this.rt.config);
    this.sub = sub;
    const pattern = `${this.rt.config.redisPrefix}:live:*`;
    sub.on('pmessage', (_p, channel, message) => this.dispatch(channel, message));
    sub.on('ready', () => {
      sub.psubscribe(pattern).catch(() => {});
    });
  }

  private dispatch(channel: string, message: string): void {
    const tenantId = channel.slice(channel.lastIndexOf(':') + 1);
    const set = this.clients.get(tenantId);
    if (!set?.size) return;
    let event: PublishedEvent & { permission: string | null; accessChanged?: string[] | null };
    try {
      event = JSON.parse(message);
    } catch {
      return;
    }
    if ('accessChanged' in event) {
      const users = event.accessChanged ? new Set(event.accessChanged) : null;
      for (const c of [...set]) if (!users || users.has(c.userId)) c.close('access-changed');
      return;
    }
    const { permission, ...rest } = event;
    // A notification goes to the one user it is for, whatever their permissions.
    if (rest.name.startsWith('core.notification.')) {
      const to = (rest.payload as { userId?: unknown } | null)?.userId;
      for (const c of set) if (c.userId === to) c.send({ ...rest, actorId: null });
      return;
    }
    for (const c of set) {
      const seen = c.view(rest, permission);
      if (seen) c.send(seen);
    }
  }

  add(tenantId: string, client: LiveClient): () => void {
    let set = this.clients.get(tenantId);
    if (!set) {
      set = new Set();
      this.clients.set(tenantId, set);
    }
    set.add(client);
    return () => {
      set.delete(client);
      if (set.size === 0) this.clients.delete(tenantId);
    };
  }

  get connections(): number {
    let n = 0;
    for (const s of this.clients.values()) n += s.size;
    return n;
  }

  async stop(): Promise<void> {
    this.sub?.disconnect();
    this.sub = null;
    for (const set of this.clients.values()) for (const c of set) c.close();
    this.clients.clear();
  }
}
