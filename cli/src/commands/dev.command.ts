import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Command } from 'commander';
import { ensureDatabase } from '../database.ts';
import { devServer } from '../dev/child.ts';
import type { Steps } from '../dev/protocol.ts';
import { createDevProxy } from '../dev/proxy.ts';
import { Supervisor } from '../dev/supervisor.ts';
import { watchAddons, watchedAddonDirs } from '../dev/watch.ts';
import { CliError } from '../errors.ts';
import { print } from '../output.ts';
import { checkReachable } from '../preflight.ts';
import { exit, keepAlive, loadCliConfig } from '../runtime.ts';
import { parsePort } from './start.command.ts';

interface DevOptions {
  port?: number;
  host?: string;
  webPort: number;
  web: boolean;
  demo: boolean;
}

/** "then start again" is for `elevate start`; here saving the generated migration reloads. */
function devLine(line: string): string {
  return line.replace(/, then start again$/, ': the dev server reloads when it is written');
}

/** `import 210, kernel 140, migrate 380 (migrations 200, grants 90, ...), listen 150 ms` */
export function formatSteps(steps: Steps): string {
  const top: string[] = [];
  let inner: string[] = [];
  for (const [name, ms] of steps) {
    if (name.startsWith('migrate: ')) {
      inner.push(`${name.slice(9)} ${ms}`);
      continue;
    }
    top.push(`${name} ${ms}${inner.length ? ` (${inner.join(', ')})` : ''}`);
    inner = [];
  }
  return `${top.join(', ')} ms`;
}

function startWeb(root: string, apiUrl: string, port: number, host: string): ChildProcess | null {
  const vite = join(root, 'web/node_modules/vite/bin/vite.js');
  if (!existsSync(vite)) return null;
  return spawn(process.execPath, [vite, 'dev', '--port', String(port), '--strictPort', '--host', host], {
    cwd: join(root, 'web'),
    env: { ...process.env, ELEVATE_API_URL: apiUrl },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function dev(opts: DevOptions): Promise<void> {
  const { findWorkspaceRoot } = await import('@elevate/core');
  const config = await loadCliConfig();
  const port = opts.port ?? config.port;
  const host = opts.host ?? config.host;
  if (opts.web && opts.webPort === port && port !== 0) {
    throw new CliError(`--web-port ${opts.webPort} is the API's port too: pick another`);
  }
  if (await ensureDatabase(config.databaseUrl)) process.stderr.write('elevate: created the database\n');
  await checkReachable(config.redisUrl, 6379);
  const root = findWorkspaceRoot();
  const dirs = watchedAddonDirs(root, config.addonPaths);

  // Kernel logs stay quiet unless asked for; each reload prints one line.
  const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const kernels = new Supervisor(env);
  const proxy = createDevProxy(() => kernels.status());
  const url = await proxy.listen(port, host);
  const first = await kernels.reload(opts.demo, (u) => proxy.setTarget(u));
  if (!first.ok) {
    await kernels.stop();
    await proxy.close();
    throw new CliError(first.lines.map(devLine).join('; '));
  }
  const web = opts.web ? startWeb(root, url, opts.webPort, host) : null;
  keepAlive();

  print('');
  print(`ElevateCRM (dev) is running at ${url}`);
  print('');
  const webUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${opts.webPort}`;
  if (web)
    print(`  Web app:    ${webUrl}${first.login ? `/t/${first.login.tenant}` : ''}   (Vite: pages update in place)`);
  else if (opts.web) print('  Web app:    not here (no web/ with its dependencies): the APIs only');
  if (first.login) {
    print(`  Tenant:     ${first.login.tenant}`);
    print(`  Email:      ${first.login.email}`);
    print(`  Password:   ${first.login.password}`);
  }
  print(`  GraphQL:    ${url}/graphql`);
  print(`  REST:       ${url}/api/v1`);
  print(
    `  Watching:   ${dirs.length ? dirs.map((d) => basename(d)).join(', ') : '(no addon folders)'} — server code reloads on save`,
  );
  print('');
  print('Press Ctrl+C to stop.');

  // One reload at a time; changes meanwhile make one more.
  let running: Promise<void> | null = null;
  let pending: string[] = [];
  const reload = (files: string[]) => {
    kernels.noteChanges(files);
    pending.push(...files);
    if (running) return;
    running = (async () => {
      while (pending.length) {
        const batch = [...new Set(pending)];
        pending = [];
        const res = await kernels.reload(false, (u) => proxy.setTarget(u));
        const what = batch.map((f) => relative(root, f) || f).join(', ');
        if (res.ok)
          print(`reloaded in ${Math.round(res.ms)} ms, ${res.cpuMs} ms of CPU (${what}): ${formatSteps(res.steps)}`);
        else {
          for (const line of res.lines) process.stderr.write(`elevate dev: ${devLine(line)}\n`);
          process.stderr.write('elevate dev: still serving the previous code; fix it and save again\n');
        }
      }
      running = null;
    })();
  };
  const unwatch = watchAddons(dirs, reload, 20);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return void exit(1, `elevate: ${signal} again, exiting without waiting\n`);
    stopping = true;
    process.stderr.write(`\nelevate: ${signal} received, stopping the dev server...\n`);
    unwatch();
    web?.kill('SIGTERM');
    void Promise.all([kernels.stop(), proxy.close()]).then(() => exit(0, 'elevate: dev server stopped\n'));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'development mode: the kernel, workers and the web app (Vite); server code of the workspace and ADDON_PATHS addons reloads on save',
    )
    .option('-p, --port <n>', 'port of the APIs (default: PORT or 3000)', parsePort)
    .option('-H, --host <host>', 'interface to listen on (default: HOST or 127.0.0.1)')
    .option('--web-port <n>', 'port of the web app (Vite dev server)', parsePort, 5173)
    .option('--no-web', 'do not start the web app (APIs only)')
    .option('--no-demo', 'do not create (or reuse) the demo tenant')
    .addHelpText(
      'after',
      `
What reloads: a change to an addon's server code (src/, migrations/, package.json; not web/ or test/)
starts a new kernel process beside the running one and switches to it when it listens (the
database, sessions and tokens carry on). Pages and widgets under web/ update in place through Vite.
A model changed without its migration is reported with the \`elevate addon migration\` command to run;
the previous code keeps serving meanwhile.

Examples:
  $ elevate dev                                   workspace addons, demo tenant, web app on :5173
  $ ADDON_PATHS=../helpdesk elevate dev           also an addon outside the workspace (symlinks followed)
  $ elevate dev --no-web --port 4000              APIs only`,
    )
    .action(dev);
  // The kernel processes `elevate dev` starts; not for direct use.
  program.command('dev-server', { hidden: true }).action(devServer);
}
