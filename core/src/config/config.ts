// Configuration comes from the environment and is validated once, at start-up, with a
// message per bad value.

export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  /** Owner connection: runs migrations and the outbox relay. */
  databaseUrl: string;
  /** The role requests run as. It owns no tables, so row-level security applies. */
  appDbUser: string;
  appDbPassword: string;
  dbPoolSize: number;
  redisUrl: string;
  /** Prefix of every Redis key and channel (queues, pub/sub). */
  redisPrefix: string;
  jwtSecret: string;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Folders scanned for addon packages (workspace addons/ and node_modules). */
  addonPaths: string[];
  /** Run BullMQ workers inside the API process. */
  workers: boolean;
  /** Poll interval of the outbox relay (it is also woken after each commit). */
  relayIntervalMs: number;
  /**
   * The web app's build folder (SvelteKit adapter-node output) served for non-API paths.
   * 'auto': <workspace>/web/build when it exists, except in tests; null: no web app.
   */
  webBuildDir: string | null;
  /** SMTP server for outgoing mail (`smtp://user:pass@host:587`, `smtps://...`); null: mails are only logged. */
  smtpUrl: string | null;
  /** The From header of every mail. */
  mailFrom: string;
  /** Send attempts per mail (BullMQ retries with exponential backoff from mailBackoffMs). */
  mailAttempts: number;
  mailBackoffMs: number;
  /** Outgoing webhooks (webhooks/): retries, timeouts, the SSRF guard. */
  webhooks: {
    /** Deliver to private, loopback and link-local addresses (default: everywhere but production). */
    allowPrivate: boolean;
    /** Attempts per delivery; BullMQ waits backoffMs * 2^(n-1) before attempt n+1 (13 x 20 s: about 23 h). */
    attempts: number;
    backoffMs: number;
    /** How long one attempt may take before it counts as failed. */
    timeoutMs: number;
    /** An endpoint is disabled after this many deliveries in a row failed for good. */
    disableAfter: number;
  };
  /** The automation engine (automation/): loop guard, per-tenant fairness, the schedule tick. */
  automation: {
    /** A chain of rule-caused events deeper than this stops with a recorded reason. */
    maxDepth: number;
    /** Runs of one tenant queued or running at once; the rest wait in the database, so no tenant starves another. */
    tenantConcurrency: number;
    /** Runs one worker process executes at once. */
    workerConcurrency: number;
    /** How often schedule and date triggers and waiting runs are checked. */
    tickMs: number;
    /** The largest JSON body an inbound webhook takes (bytes); larger is 413. */
    inboundMaxBytes: number;
  };
  /** The address users open the web app at: links in emails point here. */
  publicUrl: string;
  /**
   * How many reverse proxies in front of the server to believe: 0 ignores X-Forwarded-* (a
   * client could forge them); 1 takes the client address and protocol the nearest proxy added.
   */
  trustProxy: number;
  /** Origins (scheme://host[:port]) whose browser pages may call the API; [] = same origin only. */
  corsOrigins: string[];
  /** Whether anyone may create a company at POST /api/v1/auth/signup. */
  signup: 'open' | 'closed';
  /** Rate limits (docs/security.md#throttling); each is `points` per `durationSec`. */
  throttle: {
    /** Failed logins per account (tenant + email). */
    loginAccount: Rate;
    /** Failed logins per client address. */
    loginIp: Rate;
    /** Sign-ups per client address. */
    signupIp: Rate;
    /** Token refreshes per client address. */
    refreshIp: Rate;
    /** Authenticated API requests per tenant. */
    api: Rate;
    /** Password reset, email verification and invitation links: calls per client address. */
    accountIp: Rate;
    /** The same, per account (forgot password: tenant + email) or per link (its token id). */
    accountKey: Rate;
    /** Wrong codes at the sign-in's MFA step per user. */
    mfaUser: Rate;
    /** Calls to an addon's public routes (`r.public.*`: share links, webhooks) per client address and addon. */
    publicIp: Rate;
    /** Deliveries to one automation inbound webhook URL (per token). */
    inboundToken: Rate;
    /** Redis key prefix of the limiters (below REDIS_PREFIX). */
    prefix: string;
  };
}

export interface Rate {
  points: number;
  durationSec: number;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

const DEV_SECRET = 'dev-only-secret-change-me-dev-only-secret';
/** The app role's password in development; refused in production. */
export const DEV_APP_DB_PASSWORD = 'elevate_app';

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const str = (key: string, fallback: string) => env[key]?.trim() || fallback;
  const int = (key: string, fallback: number, min: number, max: number) => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${key}="${raw}" must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const oneOf = <T extends string>(key: string, fallback: T, allowed: readonly T[]): T => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    if (!allowed.includes(raw as T)) {
      problems.push(`${key}="${raw}" must be one of: ${allowed.join(', ')}`);
      return fallback;
    }
    return raw as T;
  };
  const url = (key: string, fallback: string, protocols: string[]) => {
    const raw = str(key, fallback);
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        problems.push(`${key}="${raw}" must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      }
    } catch {
      problems.push(`${key}="${raw}" is not a valid URL`);
    }
    return raw;
  };
  const bool = (key: string, fallback: boolean) => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    problems.push(`${key}="${raw}" must be true or false`);
    return fallback;
  };

  /** `N/S`: N points per S seconds (`5/900`: five per quarter hour). */
  const rate = (key: string, fallback: Rate): Rate => {
    const raw = env[key]?.trim();
    if (!raw) return fallback;
    const m = /^(\d{1,9})\/(\d{1,9})$/.exec(raw);
    const points = Number(m?.[1]);
    const durationSec = Number(m?.[2]);
    if (!m || points < 1 || durationSec < 1) {
      problems.push(`${key}="${raw}" must read N/S: N requests (at least 1) per S seconds, e.g. 5/900`);
      return fallback;
    }
    return { points, durationSec };
  };
  const origins = (key: string): string[] => {
    const out: string[] = [];
    for (const raw of (env[key] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      let origin: string | null = null;
      try {
        const u = new URL(raw);
        if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin === raw.replace(/\/$/, ''))
          origin = u.origin;
      } catch {}
      if (origin) out.push(origin);
      else problems.push(`${key}: "${raw}" is not an origin (scheme://host[:port], no path)`);
    }
    return out;
  };

  const nodeEnv = oneOf('NODE_ENV', 'development', ['development', 'test', 'production'] as const);
  const jwtSecret = str('JWT_SECRET', nodeEnv === 'production' ? '' : DEV_SECRET);
  if (Buffer.byteLength(jwtSecret) < 32) {
    problems.push(
      jwtSecret === ''
        ? 'JWT_SECRET is required in production (at least 32 characters)'
        : 'JWT_SECRET must be at least 32 characters (bytes)',
    );
  } else if (nodeEnv === 'production' && jwtSecret === DEV_SECRET) {
    problems.push('JWT_SECRET is the development default; set a random secret of its own in production');
  }
  const config: Config = {
    env: nodeEnv,
    host: str('HOST', '127.0.0.1'),
    port: int('PORT', 3000, 0, 65535),
    databaseUrl: url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/elevate', ['postgres:', 'postgresql:']),
    appDbUser: str('DATABASE_APP_USER', 'elevate_app'),
    appDbPassword: str('DATABASE_APP_PASSWORD', DEV_APP_DB_PASSWORD),
    dbPoolSize: int('DATABASE_POOL_SIZE', 10, 1, 500),
    redisUrl: url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix: str('REDIS_PREFIX', 'elevate'),
    jwtSecret,
    accessTokenTtlSec: int('ACCESS_TOKEN_TTL', 900, 30, 86_400),
    refreshTokenTtlSec: int('REFRESH_TOKEN_TTL', 30 * 86_400, 300, 365 * 86_400),
    logLevel: oneOf('LOG_LEVEL', nodeEnv === 'test' ? 'silent' : 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ] as const),
    addonPaths: str('ADDON_PATHS', '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    workers: bool('WORKERS', true),
    relayIntervalMs: int('RELAY_INTERVAL_MS', 500, 10, 60_000),
    webBuildDir: webBuildDir(env.WEB_BUILD_DIR, nodeEnv),
    smtpUrl: env.SMTP_URL?.trim() ? url('SMTP_URL', '', ['smtp:', 'smtps:']) : null,
    mailFrom: str('MAIL_FROM', 'ElevateCRM <no-reply@localhost>'),
    mailAttempts: int('MAIL_ATTEMPTS', 5, 1, 50),
    mailBackoffMs: int('MAIL_BACKOFF_MS', 2000, 10, 3_600_000),
    webhooks: {
      allowPrivate: bool('WEBHOOKS_ALLOW_PRIVATE', nodeEnv !== 'production'),
      attempts: int('WEBHOOKS_ATTEMPTS', 13, 1, 50),
      backoffMs: int('WEBHOOKS_BACKOFF_MS', 20_000, 10, 3_600_000),
      timeoutMs: int('WEBHOOKS_TIMEOUT_MS', 10_000, 100, 60_000),
      disableAfter: int('WEBHOOKS_DISABLE_AFTER', 5, 1, 1000),
    },
    automation: {
      maxDepth: int('AUTOMATION_MAX_DEPTH', 5, 1, 50),
      tenantConcurrency: int('AUTOMATION_TENANT_CONCURRENCY', 2, 1, 100),
      workerConcurrency: int('AUTOMATION_WORKER_CONCURRENCY', 4, 1, 100),
      tickMs: int('AUTOMATION_TICK_MS', 60_000, 1000, 3_600_000),
      inboundMaxBytes: int('AUTOMATION_INBOUND_MAX_BYTES', 65_536, 256, 1_048_576),
    },
    publicUrl: url('PUBLIC_URL', 'http://localhost:3000', ['http:', 'https:']).replace(/\/+$/, ''),
    trustProxy: int('TRUST_PROXY', 0, 0, 10),
    corsOrigins: origins('CORS_ORIGINS'),
    signup: oneOf('SIGNUP', 'open', ['open', 'closed'] as const),
    throttle: {
      loginAccount: rate('THROTTLE_LOGIN_ACCOUNT', { points: 5, durationSec: 900 }),
      loginIp: rate('THROTTLE_LOGIN_IP', { points: 50, durationSec: 900 }),
      signupIp: rate('THROTTLE_SIGNUP_IP', { points: 10, durationSec: 3600 }),
      refreshIp: rate('THROTTLE_REFRESH_IP', { points: 600, durationSec: 900 }),
      api: rate('THROTTLE_API', { points: 60_000, durationSec: 60 }),
      accountIp: rate('THROTTLE_ACCOUNT_IP', { points: 30, durationSec: 900 }),
      accountKey: rate('THROTTLE_ACCOUNT_KEY', { points: 10, durationSec: 900 }),
      mfaUser: rate('THROTTLE_MFA_USER', { points: 5, durationSec: 900 }),
      publicIp: rate('THROTTLE_PUBLIC_IP', { points: 300, durationSec: 60 }),
      inboundToken: rate('THROTTLE_INBOUND_TOKEN', { points: 120, durationSec: 60 }),
      prefix: str('THROTTLE_PREFIX', 'throttle'),
    },
  };
  if (nodeEnv === 'production' && config.appDbPassword === DEV_APP_DB_PASSWORD) {
    problems.push(
      'DATABASE_APP_PASSWORD is the development default; set a password of its own in production (ALTER ROLE ... PASSWORD)',
    );
  }
  if (!/^[a-z_][a-z0-9_]*$/.test(config.appDbUser)) {
    problems.push(`DATABASE_APP_USER="${config.appDbUser}" must be a lowercase SQL identifier`);
  }
  if (problems.length) throw new ConfigError(problems);
  return { ...config, ...overrides };
}

/** WEB_BUILD_DIR: a folder, `off`, or unset (auto-detect, but never in tests unless named). */
function webBuildDir(raw: string | undefined, nodeEnv: Config['env']): string | null {
  const v = raw?.trim();
  if (!v) return nodeEnv === 'test' ? null : 'auto';
  return ['off', 'false', 'none', '0'].includes(v.toLowerCase()) ? null : v;
}

/** The app role's connection string: the owner URL with the app role's credentials. */
export function appDatabaseUrl(config: Config): string {
  const u = new URL(config.databaseUrl);
  u.username = config.appDbUser;
  u.password = config.appDbPassword;
  return u.toString();
}
