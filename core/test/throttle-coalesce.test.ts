// The API's per-tenant limit counts the attempts of one event-loop turn with one Redis call, and
// answers each as if they had been counted one by one (core/src/http/throttle.ts, `coalesce`).
import { randomBytes } from 'node:crypto';
import { type Log, RateLimitedError, type ThrottleState, throttle } from '@elevate/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let redis: Redis;
let calls = 0;
const prefix = `elevate-test-${randomBytes(6).toString('hex')}`;
const log = { warn: () => {}, info: () => {}, error: () => {}, debug: () => {}, child: () => log } as unknown as Log;

beforeAll(async () => {
  redis = new Redis(REDIS);
  // Until Redis is ready the limiter counts in memory instead (rejectIfRedisNotReady).
  if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
  // Every command the limiter sends to Redis (its counting script), counted.
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((cmd: Parameters<typeof send>[0]) => {
    if (/^eval/i.test(cmd.name)) calls += 1;
    return send(cmd);
  }) as typeof redis.sendCommand;
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

type Outcome = ThrottleState | 'refused';
const outcome = (p: Promise<ThrottleState>): Promise<Outcome> =>
  p.catch((err) => {
    if (err instanceof RateLimitedError) return 'refused' as const;
    throw err;
  });

describe('a coalescing limit', () => {
  it('counts one turn of attempts with one Redis call and answers each as one by one', async () => {
    const rate = { points: 5, durationSec: 60 };
    const batched = throttle({ redis, prefix, log }, 'batched', rate, { coalesce: true });
    const single = throttle({ redis, prefix, log }, 'single', rate);
    calls = 0;
    const together = await Promise.all(Array.from({ length: 8 }, () => outcome(batched.consume('tenant-a'))));
    expect(calls).toBe(1);
    const oneByOne: Outcome[] = [];
    for (let i = 0; i < 8; i++) oneByOne.push(await outcome(single.consume('tenant-a')));
    const remaining = (o: Outcome[]) => o.map((x) => (x === 'refused' ? x : x.remaining));
    expect(remaining(together)).toEqual([4, 3, 2, 1, 0, 'refused', 'refused', 'refused']);
    expect(remaining(together)).toEqual(remaining(oneByOne));
    // The shared counter holds every attempt, as it does one by one.
    expect(Number(await redis.get(`${prefix}:batched:tenant-a`))).toBe(8);
    expect(Number(await redis.get(`${prefix}:single:tenant-a`))).toBe(8);
  });

  it('keeps keys apart and counts each key of a turn in its own call', async () => {
    const t = throttle({ redis, prefix, log }, 'keys', { points: 2, durationSec: 60 }, { coalesce: true });
    calls = 0;
    const [a1, b1, a2, a3] = await Promise.all([
      outcome(t.consume('a')),
      outcome(t.consume('b')),
      outcome(t.consume('a')),
      outcome(t.consume('a')),
    ]);
    expect(calls).toBe(2);
    expect([a1, a2, a3].map((x) => (x === 'refused' ? x : x.remaining))).toEqual([1, 0, 'refused']);
    expect(b1).toMatchObject({ remaining: 1, limit: 2 });
    // A later turn is counted on its own, on top of the earlier ones.
    expect(await outcome(t.consume('b'))).toMatchObject({ remaining: 0 });
    expect(await outcome(t.consume('b'))).toBe('refused');
  });
});
