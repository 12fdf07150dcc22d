import { relative } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { ensureDatabase } from '../database.ts';
import { type EmbeddedPostgres, embeddedDataDir, startEmbeddedPostgres } from '../embedded-postgres.ts';
import { describeError, NETWORK_CODES, safeUrl } from '../errors.ts';
import { print } from '../output.ts';
import { checkReachable } from '../preflight.ts';
import { type Config, type Kernel, keepAlive, loadCliConfig, startKernel, stopOnSignals } from '../runtime.ts';

interface StartOptions {
  demo?: boolean;
  port?: number;
  host?: string;
  workers: boolean;
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('It must be a whole number from 0 to 65535.');
  return n;
}

function banner(
  url: string,
  web: boolean,
  login: { tenant: string; email: string; password: string } | null,
  tenants: string[],
) {
  const base = url.replace(/\/$/, '');
  print('');
  print(`ElevateCRM is running at ${base}`);
  print('');
  if (login && web) {
    print(
      `  Web app:    ${base}/t/${login.tenant}   (or http://${login.tenant}.localhost:${new URL(base).port || 80})`,
    );
    print(`  Email:      ${login.email}`);
    print(`  Password:   ${login.password}`);
  } else if (login) {
    // No web app build (pnpm build:web): the API is the way in.
    print(`  Log in:     POST ${base}/api/v1/auth/login  {"tenant","email","password"}`);
    print(`  Tenant:     ${login.tenant}`);
    print(`  Email:      ${login.email}`);
    print(`  Password:   ${login.password}`);
  } else if (web) {
    print(`  Web app:    ${base}/   (sign in, or create a company at ${base}/signup)`);
  } else if (tenants.length) {
    print(
      `  Log in:     POST ${base}/api/v1/auth/login  (tenants: ${tenants.slice(0, 5).join(', ')}${tenants.length > 5 ? ', ...' : ''})`,
    );
  } else {
    print('  No tenant yet: restart with `elevate start --demo`, or run');
    print('  `elevate tenant create --slug acme --name "Acme" --owner-email you@acme.test --owner-password ...`');
  }
  print('');
  print(`  GraphQL:    ${base}/graphql`);
  print(`  REST:       ${base}/api/v1`);
  print(`  Health:     ${base}/healthz`);
  print('');
  print('Press Ctrl+C to stop.');
}

async function start(opts: StartOptions): Promise<void> {
  const overrides: Partial<Config> = {};
  if (opts.port !== undefined) overrides.port = opts.port;
  if (opts.host !== undefined) overrides.host = opts.host;
  if (!opts.workers) overrides.workers = false;
  let config = await loadCliConfig(overrides);
  // Trying it with no PostgreSQL at hand: a real one from the embedded-postgres package.
  let embedded: EmbeddedPostgres | null = null;
  if (opts.demo) {
    const down = await unreachable(config.databaseUrl);
    if (down) {
      await checkReachable(config.redisUrl, 6379);
      const { findWorkspaceRoot } = await import('@elevate/core');
      const database = decodeURIComponent(new URL(config.databaseUrl).pathname.slice(1)) || 'elevate';
      embedded = await startEmbeddedPostgres(embeddedDataDir(findWorkspaceRoot()), database);
      const rel = relative(process.cwd(), embedded.dir);
      const dir = rel && !rel.startsWith('..') ? rel : embedded.dir;
      process.stderr.write(
        `elevate: no PostgreSQL at ${safeUrl(config.databaseUrl)} (${down}): started an embedded PostgreSQL ${embedded.version} on 127.0.0.1:${embedded.port} for trying it (data in ${dir}, kept between runs); set DATABASE_URL to use a server of your own\n`,
      );
      config = await loadCliConfig({ ...overrides, databaseUrl: embedded.url });
    }
  }
  const stopEmbedded = async () => {
    await embedded?.stop().catch(() => {});
  };
  try {
    if (await ensureDatabase(config.databaseUrl)) process.stderr.write('elevate: created the database\n');
    await checkReachable(config.redisUrl, 6379);
  } catch (err) {
    await stopEmbedded();
    throw err;
  }
  const kernel: Kernel = await startKernel(config);
  try {
    await kernel.migrate();
    const demo = opts.demo ? await kernel.seedDemo() : null;
    const { url, web } = await kernel.listen();
    keepAlive();
    stopOnSignals(
      {
        stop: async () => {
          await kernel.stop();
          await stopEmbedded();
        },
      },
      'ElevateCRM',
    );
    const tenants = demo ? [] : (await kernel.tenants.list()).map((t) => t.slug);
    banner(url, web, demo && { tenant: demo.tenant.slug, email: demo.email, password: demo.password }, tenants);
  } catch (err) {
    await kernel.stop().catch(() => {});
    await stopEmbedded();
    throw err;
  }
}

/** Why PostgreSQL cannot be reached at all (refused, unknown host, ...), or null when it answers. */
async function unreachable(databaseUrl: string): Promise<string | null> {
  try {
    await checkReachable(databaseUrl, 5432);
    return null;
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? '');
    return NETWORK_CODES[code] ?? (describeError(err)[0] || 'not reachable');
  }
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('migrate the database, then serve the web app and the APIs (GraphQL, REST) with workers')
    .option(
      '--demo',
      'create (or reuse) the demo tenant with every addon enabled and print its login; with no PostgreSQL reachable, start an embedded one',
    )
    .option('-p, --port <n>', 'port to listen on (default: PORT or 3000)', parsePort)
    .option('-H, --host <host>', 'interface to listen on (default: HOST or 127.0.0.1)')
    .option('--no-workers', 'do not run job workers in this process (run `elevate worker` separately)')
    .addHelpText(
      'after',
      `
Examples:
  $ elevate start --demo               try it: demo tenant, login printed
  $ elevate start --port 8080 --host 0.0.0.0
  $ elevate start --no-workers         API only; run \`elevate worker\` beside it

With --demo and no PostgreSQL at DATABASE_URL, a real PostgreSQL from the embedded-postgres package
runs in .elevate/postgres (or EMBEDDED_PG_DIR), with the same migrations, app role and row-level
security. Redis is still needed: the error says how to get one.

Stops gracefully on Ctrl+C (SIGINT) or SIGTERM.`,
    )
    .action(start);
}
