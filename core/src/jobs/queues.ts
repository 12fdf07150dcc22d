import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';

export const JOBS_QUEUE = 'jobs';
export const EVENTS_QUEUE = 'events';

/** A Redis connection for request-side work: fails fast instead of queueing when Redis is down. */
export function failFastRedis(config: Config): Redis {
  const r = new Redis(config.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  r.on('error', () => {});
  return r;
}

/** Connections for BullMQ workers and subscribers (blocking commands need no retry limit). */
export function workerRedis(config: Config): Redis {
  const r = new Redis(config.redisUrl, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  r.on('error', () => {});
  return r;
}

export interface Queues {
  jobs: Queue;
  events: Queue;
  redis: Redis;
  close(): Promise<void>;
}

export function createQueues(config: Config): Queues {
  const redis = failFastRedis(config);
  const opts = { connection: redis, prefix: config.redisPrefix };
  const jobs = new Queue(JOBS_QUEUE, opts);
  const events = new Queue(EVENTS_QUEUE, opts);
  jobs.on('error', () => {});
  events.on('error', () => {});
  return {
    jobs,
    events,
    redis,
    async close() {
      await Promise.allSettled([jobs.close(), events.close()]);
      redis.disconnect();
    },
  };
}

/** Never wait on Redis without a bound (an unreachable Redis can leave a call pending). */
export function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
