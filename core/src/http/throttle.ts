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

/** Makes a reusable limit (login, sign-up, password reset, invitations, the API). */
export function throttle(deps: ThrottleDeps, name: string, rate: Rate): Throttle {
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
  return {
    rate,
    async consume(key, points = 1) {
      try {
        return state(await limiter.consume(key, points));
      } catch (err) {
        if (err instanceof RateLimiterRes) throw new RateLimitedError(secs(err.msBeforeNext));
        // Neither Redis nor memory could count (should not happen): let the request through.
        deps.log.warn({ err: String(err), throttle: name }, 'rate limiter failed; request allowed');
        return { limit: rate.points, remaining: rate.points, resetSec: rate.durationSec };
      }
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
