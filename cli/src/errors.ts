// Turns any failure into short `elevate: <reason>` lines. Stack traces only with DEBUG=1.

/** A failure whose message is already meant for the user. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface ErrorTargets {
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
}

export const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ECONNRESET: 'connection reset',
};

type ErrorLike = Error & { code?: unknown; port?: unknown; problems?: unknown; errors?: unknown };

function isErrorLike(value: unknown): value is ErrorLike {
  return value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value);
}

/** The error itself, its causes and the members of AggregateErrors, depth first. */
function* chain(err: unknown, depth = 0): Generator<ErrorLike> {
  if (!isErrorLike(err) || depth > 8) return;
  yield err;
  if (Array.isArray(err.errors)) for (const e of err.errors) yield* chain(e, depth + 1);
  if (err.cause !== undefined) yield* chain(err.cause, depth + 1);
}

/** The URL without its password, for messages. */
export function safeUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return raw;
  }
}

/** Does a network error concern this URL? By port, or by host name for DNS failures (which carry no port). */
function concerns(err: ErrorLike, raw: string | undefined, fallback: string, defaultPort: number): boolean {
  let u: URL;
  try {
    u = new URL(raw ?? fallback);
  } catch {
    return false;
  }
  if (typeof err.port === 'number') return err.port === Number(u.port || defaultPort);
  const host = (err as ErrorLike & { hostname?: unknown }).hostname;
  return typeof host === 'string' && host === u.hostname;
}

const DB_HINT =
  'start PostgreSQL 15+ (or `docker compose up -d`) or set DATABASE_URL; to just try it, `elevate start --demo` runs an embedded one';
const REDIS_HINT =
  'start Redis 7 — Debian/Ubuntu: `sudo apt-get install -y redis-server && sudo service redis-server start`; macOS: `brew install redis && brew services start redis`; Docker: `docker run -d --name elevate-redis -p 6379:6379 redis:7` (or `docker compose up -d` here) — or set REDIS_URL';

function networkLine(err: ErrorLike, targets: ErrorTargets): string | undefined {
  const code = typeof err.code === 'string' ? err.code : '';
  const what = NETWORK_CODES[code];
  if (!what) return undefined;
  if (concerns(err, targets.databaseUrl, 'postgres://127.0.0.1:5432', 5432)) {
    const url = targets.databaseUrl ? ` at ${safeUrl(targets.databaseUrl)}` : '';
    return `cannot reach PostgreSQL${url} (${what}): ${DB_HINT}`;
  }
  if (concerns(err, targets.redisUrl, 'redis://127.0.0.1:6379', 6379)) {
    const url = targets.redisUrl ? ` at ${safeUrl(targets.redisUrl)}` : '';
    return `cannot reach Redis${url} (${what}): ${REDIS_HINT}`;
  }
  return `${err.message} (${what})`;
}

function listenLine(err: ErrorLike): string | undefined {
  const e = err as ErrorLike & { address?: unknown };
  const where = `${String(e.address ?? 'this host')} port ${String(e.port ?? '?')}`;
  if (err.code === 'EADDRINUSE') return `${where} is already in use: stop the other process or pick --port / PORT`;
  if (err.code === 'EACCES' && e.port !== undefined)
    return `no permission to listen on ${where}: use a port above 1023`;
  return undefined;
}

function postgresLine(err: ErrorLike, targets: ErrorTargets): string | undefined {
  const url = targets.databaseUrl ? safeUrl(targets.databaseUrl) : 'DATABASE_URL';
  switch (err.code) {
    case '3D000':
      return `${err.message} at ${url}: create it (e.g. \`createdb -h 127.0.0.1 -U postgres elevate\`) or fix DATABASE_URL`;
    case '28P01':
    case '28000':
      return `PostgreSQL refused the credentials of ${url}: ${err.message}`;
    case '42P01':
      return `the database is not migrated yet (${err.message}): run \`elevate migrate\` first`;
    case '57P03':
      return `PostgreSQL at ${url} is starting up; try again in a moment`;
    default:
      return undefined;
  }
}

function isAppError(err: ErrorLike): boolean {
  const e = err as ErrorLike & { status?: unknown; expose?: unknown };
  return typeof e.code === 'string' && typeof e.status === 'number' && typeof e.expose === 'boolean';
}

/** One line per reason, without the `elevate: ` prefix. */
export function describeError(err: unknown, targets: ErrorTargets = {}): string[] {
  if (!isErrorLike(err)) return [String(err)];
  if (err.name === 'ConfigError' && Array.isArray(err.problems)) {
    return err.problems.map((p) => `invalid configuration: ${String(p)}`);
  }
  if (err instanceof CliError || isAppError(err)) return [oneLine(err.message)];
  for (const e of chain(err)) {
    const line = networkLine(e, targets) ?? listenLine(e) ?? postgresLine(e, targets);
    if (line) return [oneLine(line)];
  }
  return [oneLine(err.message || err.name || 'unknown error')];
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export function reportError(err: unknown, targets: ErrorTargets = {}): string {
  let out = describeError(err, targets)
    .map((line) => `elevate: ${line}\n`)
    .join('');
  if (process.env.DEBUG === '1' && err instanceof Error && err.stack) out += `${err.stack}\n`;
  return out;
}
