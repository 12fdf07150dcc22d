import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { AppError } from '@elevate/sdk';
import type { Redis } from 'ioredis';
import type Koa from 'koa';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Rate } from '../config/config.ts';
import type { Log } from '../logger.ts';

/** 429: the caller used up a limit; `Retry-After` says when to try again. */
export class RateLimitedError extends AppError {
  readonly retryAfterSec: number;
  constructor(retryAfterSec: number) {
    super('RATE_LIMITED', `Too many attempts; try again in ${retryAfterSec} s`, { status: 429 });
    this.retryAfterSec = retryAfterSec;
  }
}

/** What a limit looks like after a call: for `RateLimit-*` headers. */
export interface ThrottleState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSec: number;
}

/**
 * A named limit: `points` per `durationSec` per key, counted in Redis so every API process shares
 * it. If Redis cannot be reached, each process counts in its own memory instead (the same limit
 * per process): requests keep being served and limited, never refused because Redis is down.
 */
export interface Throttle {
  readonly rate: Rate;
  /** Counts one attempt (or `points`) for `key`; throws RateLimitedError once the limit is used up. */
  consume(key: string, points?: number): Promise<ThrottleState>;
  /** Gives points back (a login that succeeded does not count against the address). */
  reward(key: string, points?: number): Promise<void>;
  /** Forgets the key (the account's failures after a successful login). */
  reset(key: string): Promise<void>;
}

export interface ThrottleDeps {
  redis: Redis;
  /** Redis key prefix: `<REDIS_PREFIX>:<THROTTLE_PREFIX>`; tests use their own. */
  prefix: string;
  log: Log;
}

const secs = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Makes a reusable limit (login, sign-up, password reset, invitations, the API). `coalesce`: the
 * attempts made for one key within one turn of the event loop are counted in Redis with one call
 * (`points` = their sum) instead of one each; each attempt is then answered by its place in that
 * sum, exactly as if they had been counted one after the other (the same counter, the same
 * refusals past the limit, the same remaining points). For a limit counted on every request
 * (the API's per tenant): one Redis round trip per batch instead of per request. Not for limits
 * whose callers also `reward`/`reset` (their order against a pending count would change).
 */
export function throttle(deps: ThrottleDeps, name: string, rate: Rate, options: { coalesce?: boolean } = {}): Throttle {
  const opts = { points: rate.points, duration: rate.durationSec, keyPrefix: `${deps.prefix}:${name}` };
  const limiter = new RateLimiterRedis({
    ...opts,
    storeClient: deps.redis,
    // Redis down: answer from memory at once instead of waiting for a reconnect.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(opts),
  });
  const state = (res: RateLimiterRes): ThrottleState => ({
    limit: rate.points,
    remaining: Math.max(0, res.remainingPoints),
    resetSec: secs(res.msBeforeNext),
  });
  const allowed = (): ThrottleState => ({ limit: rate.points, remaining: rate.points, resetSec: rate.durationSec });
  const consumeNow = async (key: string, points: number): Promise<ThrottleState> => {
    try {
      return state(await limiter.consume(key, points));
    } catch (err) {
      if (err instanceof RateLimiterRes) throw new RateLimitedError(secs(err.msBeforeNext));
      // Neither Redis nor memory could count (should not happen): let the request through.
      deps.log.warn({ err: String(err), throttle: name }, 'rate limiter failed; request allowed');
      return allowed();
    }
  };
  type Waiter = { points: number; resolve: (s: ThrottleState) => void; reject: (e: unknown) => void };
  const pending = new Map<string, { points: number; waiters: Waiter[] }>();
  const countBatch = async (key: string, batch: { points: number; waiters: Waiter[] }) => {
    let consumed: number;
    let msBeforeNext: number;
    try {
      const res = await limiter.consume(key, batch.points);
      consumed = res.consumedPoints;
      msBeforeNext = res.msBeforeNext;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) {
        deps.log.warn({ err: String(err), throttle: name }, 'rate limiter failed; request allowed');
        for (const w of batch.waiters) w.resolve(allowed());
        return;
      }
      consumed = err.consumedPoints;
      msBeforeNext = err.msBeforeNext;
    }
    // The counter before this batch, then each attempt's own total, in the order they came.
    let total = consumed - batch.points;
    for (const w of batch.waiters) {
      total += w.points;
      if (total > rate.points) w.reject(new RateLimitedError(secs(msBeforeNext)));
      else w.resolve({ limit: rate.points, remaining: Math.max(0, rate.points - total), resetSec: secs(msBeforeNext) });
    }
  };
  return {
    rate,
    consume(key, points = 1) {
      if (!options.coalesce) return consumeNow(key, points);
      return new Promise<ThrottleState>((resolve, reject) => {
        let batch = pending.get(key);
        if (!batch) {
          const b = { points: 0, waiters: [] as Waiter[] };
          batch = b;
          pending.set(key, b);
          setImmediate(() => {
            pending.delete(key);
            void countBatch(key, b);
          });
        }
        batch.points += points;
        batch.waiters.push({ points, resolve, reject });
      });
    },
    async reward(key, points = 1) {
      await limiter.reward(key, points).catch(() => {});
    },
    async reset(key) {
      await limiter.delete(key).catch(() => {});
    },
  };
}

/** Sets the `RateLimit-*` headers (IETF draft: limit, remaining, seconds to reset). */
export function setRateLimitHeaders(ctx: Koa.Context, s: ThrottleState): void {
  ctx.set('RateLimit-Limit', String(s.limit));
  ctx.set('RateLimit-Remaining', String(s.remaining));
  ctx.set('RateLimit-Reset', String(s.resetSec));
}

/**
 * The web app's server side calls the API for the browser (login, sign-up, refresh): it passes on
 * the browser's address as the kernel gave it, proved by a key only this process knows, so limits
 * per address count browsers, not the web server.
 */
export const FORWARD_HEADERS = { ip: 'x-elevate-client-ip', key: 'x-elevate-forward-key' } as const;
export const FORWARD_KEY_ENV = 'ELEVATE_FORWARD_KEY';

/** The caller's address: Koa's (X-Forwarded-For only as TRUST_PROXY allows) or the web app's word for it. */
export function clientIp(ctx: Koa.Context): string {
  const key = process.env[FORWARD_KEY_ENV];
  const given = ctx.get(FORWARD_HEADERS.key);
  const ip = ctx.get(FORWARD_HEADERS.ip);
  if (key && given && ip && isIP(ip)) {
    const a = Buffer.from(key);
    const b = Buffer.from(given);
    if (a.length === b.length && timingSafeEqual(a, b)) return ip;
  }
  return ctx.ip;
}
