import pg from 'pg';
import { appDatabaseUrl, type Config } from '../config/config.ts';

const { Pool, types } = pg;

// Timestamps travel as ISO strings and numerics as strings (exact amounts); both APIs
// serialise them as they are.
const parsers = new Map<number, (v: string) => unknown>([
  [1184, (v) => new Date(v).toISOString()], // timestamptz
  [1114, (v) => new Date(`${v}Z`).toISOString()], // timestamp
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

export const isoTimestamp = (v: string, z: boolean) => new Date(z ? v : `${v}Z`).toISOString();
