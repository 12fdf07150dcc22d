import type { Redis } from 'ioredis';
import { bounded, workerRedis } from '../jobs/queues.ts';
import type { Runtime } from '../runtime.ts';

/**
 * Tells every process (API nodes, workers, the CLI's one-shot kernel) that a tenant's
 * enabled addons changed, so their cached sets are dropped at once instead of after the TTL.
 */
export class AddonChangeBus {
  private readonly rt: Runtime;
  private readonly publisher: Redis;
  private sub: Redis | null = null;

  constructor(rt: Runtime, publisher: Redis) {
    this.rt = rt;
    this.publisher = publisher;
  }

  private get channel(): string {
    return `${this.rt.config.redisPrefix}:addons-changed`;
  }

  publish(tenantId: string): void {
    bounded(this.publisher.publish(this.channel, tenantId), 2000, 'publish addon change').catch((err) =>
      this.rt.log.warn({ err: String(err), tenantId }, 'addon change not broadcast; other nodes refresh within 30 s'),
    );
  }

  start(): void {
    if (this.sub) return;
    const sub = workerRedis(this.rt.config);
    this.sub = sub;
    sub.on('message', (_channel, tenantId: string) => this.rt.invalidateEnabled(tenantId));
    sub.on('ready', () => {
      sub.subscribe(this.channel).catch(() => {});
    });
  }

  stop(): void {
    this.sub?.disconnect();
    this.sub = null;
  }
}
