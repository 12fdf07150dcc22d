import pg from 'pg';
import { appDatabaseUrl, type Config } from '../config/config.ts';
import { releaseParked } from './tenant-tx.ts';

const { Pool, types } = pg;

/**
 * A timestamp as `toISOString()` writes it (milliseconds, `Z`). PostgreSQL's UTC text form
 * (`2026-12-01 14:34:05.123456+00`; the session time zone is UTC on our servers) is rewritten
 * as a string: `new Date(text)` goes through V8's slow legacy parser (~0.6 µs a value; 100
 * values in a page of 50 contacts) and reads years below 100 as 19xx/20xx. Other forms (other
 * offsets, BC, years past 9999, infinity) go through Date as before.
 */
export function isoTimestamp(v: string, withZone: boolean): string {
  const n = v.length;
  const end = withZone ? n - 3 : n;
  if (
    n >= 19 &&
    v.charCodeAt(4) === 45 && // a 4-digit year, then "-"
    v.charCodeAt(10) === 32 && // "YYYY-MM-DD hh:mm:ss"
    (!withZone || (v.charCodeAt(end) === 43 && v.charCodeAt(end + 1) === 48 && v.charCodeAt(end + 2) === 48)) // "+00"
  ) {
    if (end === 19) return `${v.slice(0, 10)}T${v.slice(11, 19)}.000Z`;
    if (v.charCodeAt(19) === 46 && end > 20 && end <= 26) {
      const ms = end >= 23 ? v.slice(20, 23) : v.slice(20, end).padEnd(3, '0');
      return `${v.slice(0, 10)}T${v.slice(11, 19)}.${ms}Z`;
    }
  }
  return new Date(withZone ? v : `${v}Z`).toISOString();
}

// Timestamps travel as ISO strings and numerics as strings (exact amounts); both APIs
// serialise them as they are.
const parsers = new Map<number, (v: string) => unknown>([
  [1184, (v) => isoTimestamp(v, true)], // timestamptz
  [1114, (v) => isoTimestamp(v, false)], // timestamp
  [1082, (v) => v], // date
]);
const typeOverrides = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    parsers.get(oid) ?? types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

export interface Pools {
  /** Requests: the app role, under row-level security. */
  app: pg.Pool;
  /** Schema owner: migrations, the outbox relay, tenant directory. */
  owner: pg.Pool;
  close(): Promise<void>;
}

export function createPools(config: Config): Pools {
  const common = { types: typeOverrides, connectionTimeoutMillis: 5000 };
  const app = new Pool({ connectionString: appDatabaseUrl(config), max: config.dbPoolSize, ...common });
  const owner = new Pool({ connectionString: config.databaseUrl, max: 4, ...common });
  // An idle client that errors (server restart) must not crash the process.
  app.on('error', () => {});
  owner.on('error', () => {});
  // Nor a checked-out one between two statements (a request's transaction, the relay's lock
  // holder): pg emits 'error' on the client, and without a listener that is an uncaught
  // exception. Its next statement fails instead, and the request answers 503.
  const keep = (c: pg.PoolClient) => c.on('error', () => {});
  app.on('connect', keep);
  owner.on('connect', keep);
  return {
    app,
    owner,
    async close() {
      // Reads whose ROLLBACK was to ride with the next opening (tenant-tx.ts) end now.
      releaseParked(app);
      releaseParked(owner);
      await Promise.allSettled([app.end(), owner.end()]);
    },
  };
}

export function quoteIdent(ident: string): string {
  return `"${ident.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
