import { type Command, InvalidArgumentError } from 'commander';
import { ensureDatabase } from '../database.ts';
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
  const config = await loadCliConfig(overrides);
  if (await ensureDatabase(config.databaseUrl)) process.stderr.write('elevate: created the database\n');
  await checkReachable(config.redisUrl, 6379);
  const kernel: Kernel = await startKernel(config);
  try {
    await kernel.migrate();
    const demo = opts.demo ? await kernel.seedDemo() : null;
    const { url, web } = await kernel.listen();
    keepAlive();
    stopOnSignals(kernel, 'ElevateCRM');
    const tenants = demo ? [] : (await kernel.tenants.list()).map((t) => t.slug);
    banner(url, web, demo && { tenant: demo.tenant.slug, email: demo.email, password: demo.password }, tenants);
  } catch (err) {
    await kernel.stop().catch(() => {});
    throw err;
  }
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('migrate the database, then serve the web app and the APIs (GraphQL, REST) with workers')
    .option('--demo', 'create (or reuse) the demo tenant with every addon enabled and print its login')
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

Stops gracefully on Ctrl+C (SIGINT) or SIGTERM.`,
    )
    .action(start);
}
