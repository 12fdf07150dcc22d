// Creating the configured database on first run, so `elevate start --demo` works on a fresh server.
import { createRequire } from 'node:module';

interface PgClient {
  connect(): Promise<unknown>;
  query(sql: string): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
interface PgModule {
  Client: new (opts: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient;
}

// pg is a dependency of @elevate/core; the CLI borrows that copy instead of pinning a second one.
function loadPg(): PgModule {
  return createRequire(import.meta.resolve('@elevate/core'))('pg') as PgModule;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function run(connectionString: string, sql: string): Promise<void> {
  const { Client } = loadPg();
  const client = new Client({ connectionString, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The same server and credentials, but the maintenance database `postgres`. */
function maintenanceUrl(databaseUrl: string): { url: string; name: string } {
  const u = new URL(databaseUrl);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  u.pathname = '/postgres';
  return { url: u.toString(), name };
}

/** Returns true when the database did not exist and was created. Other failures are thrown as they are. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  try {
    await run(databaseUrl, 'select 1');
    return false;
  } catch (err) {
    if ((err as { code?: unknown }).code !== '3D000') throw err;
    const { url, name } = maintenanceUrl(databaseUrl);
    if (!name) throw err;
    try {
      await run(url, `create database ${quoteIdent(name)}`);
    } catch (createErr) {
      // Another process may have created it meanwhile; otherwise report the original problem.
      if ((createErr as { code?: unknown }).code === '42P04') return false;
      throw err;
    }
    return true;
  }
}

/** Drops a database, disconnecting its sessions (tests). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const { url, name } = maintenanceUrl(databaseUrl);
  await run(url, `drop database if exists ${quoteIdent(name)} with (force)`);
}
