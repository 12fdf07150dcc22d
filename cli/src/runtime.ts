// Loading the configuration and the kernel for one command, and shutting down cleanly.
import type { createKernel, loadConfig } from '@elevate/core';
import { CliError, type ErrorTargets, reportError } from './errors.ts';

export type Config = ReturnType<typeof loadConfig>;
export type Kernel = Awaited<ReturnType<typeof createKernel>>;
export type Tenant = NonNullable<Awaited<ReturnType<Kernel['tenants']['bySlug']>>>;

let targets: ErrorTargets = {};
let longRunning = false;

/** Reads the environment (plus command-line overrides). The core is imported lazily so --help stays fast. */
export async function loadCliConfig(overrides: Partial<Config> = {}, quiet = false): Promise<Config> {
  const { loadConfig } = await import('@elevate/core');
  // One-shot commands keep their output readable: only warnings unless LOG_LEVEL says otherwise.
  const env = quiet && !process.env.LOG_LEVEL ? { ...process.env, LOG_LEVEL: 'warn' } : process.env;
  const config = loadConfig(env, overrides);
  targets = { databaseUrl: config.databaseUrl, redisUrl: config.redisUrl };
  return config;
}

export async function startKernel(config: Config): Promise<Kernel> {
  const { createKernel } = await import('@elevate/core');
  return createKernel({ config });
}

/** Runs one short task against a kernel that never listens, then stops it. */
export async function withKernel<T>(task: (kernel: Kernel) => Promise<T>): Promise<T> {
  const config = await loadCliConfig({ workers: false }, true);
  const kernel = await startKernel(config);
  try {
    return await task(kernel);
  } finally {
    await kernel.stop().catch(() => {});
  }
}

export async function tenantBySlug(kernel: Kernel, slug: string): Promise<Tenant> {
  const tenant = await kernel.tenants.bySlug(slug);
  if (!tenant) throw new CliError(`no tenant with slug "${slug}"`);
  return tenant;
}

/** Marks the process as a server: main() must not exit once the command's action returns. */
export function keepAlive(): void {
  longRunning = true;
}

export function isLongRunning(): boolean {
  return longRunning;
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => (text ? stream.write(text, () => resolve()) : resolve()));
}

/** Exits once stdout and stderr are flushed (pipes are asynchronous on some platforms). */
export async function exit(code: number, stderrText = ''): Promise<never> {
  await write(process.stderr, stderrText);
  await write(process.stdout, '');
  process.exit(code);
}

export function fail(err: unknown): Promise<never> {
  return exit(1, reportError(err, targets));
}

/** On SIGINT/SIGTERM: stop gracefully and exit 0; a second signal exits at once. */
export function stopOnSignals(kernel: { stop(): Promise<void> }, what: string): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      void exit(1, `elevate: ${signal} again, exiting without waiting\n`);
      return;
    }
    stopping = true;
    process.stderr.write(`\nelevate: ${signal} received, stopping ${what}...\n`);
    kernel.stop().then(
      () => exit(0, `elevate: ${what} stopped\n`),
      (err: unknown) => fail(err),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
