// `pnpm exec tsx cli/bench/dev-reload.bench.ts`: edit → visible in `elevate dev`, as
// cli/test/dev.test.ts measures it, without the rest of that test. A scaffolded addon outside the
// workspace (linked through ADDON_PATHS, beside the workspace's addons) has its route edited
// BENCH_EDITS times (default 5); each time from the file write until the API answers the new text.
// Prints the times, their p50, and each reload's line (CPU and the phases). BENCH_WEB=0: no Vite.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabase } from '../src/database.ts';
import { dropRedisKeys, run } from '../test/helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'cli/bin/elevate.js');
const EDITS = Number(process.env.BENCH_EDITS ?? 5);
const WEB = process.env.BENCH_WEB !== '0';
const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'elevate-dev-bench-')));
const dir = join(tmp, 'desk');
const suffix = randomBytes(5).toString('hex');
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/elevate_devbench_${suffix}`;
const REDIS_PREFIX = `elevate_devbench_${suffix}`;
const ROUTE = join(dir, 'src/rest/hello.routes.ts');

const route = (greeting: string) => `import type { RestRouter } from '@elevate/sdk';

export function helloRoutes(r: RestRouter): void {
  r.get('/hello', { permission: 'desk.ticket.read', summary: 'Say hello' }, async () => ({ greeting: '${greeting}' }));
}
`;

let out = '';
let dev: ChildProcess | undefined;

function waitFor(pattern: RegExp, from = 0): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = pattern.exec(out.slice(from));
      if (m) {
        clearInterval(timer);
        resolve(m);
      } else if (dev?.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`elevate dev exited: ${out}`));
      }
    }, 5);
  });
}

async function main(): Promise<void> {
  const made = await run(
    process.execPath,
    [BIN, 'addon', 'new', 'desk', '--model', 'ticket', '--dir', dir, '--no-install'],
    tmp,
  );
  if (made.code !== 0) throw new Error(made.out);
  mkdirSync(join(dir, 'node_modules/@elevate'), { recursive: true });
  symlinkSync(join(ROOT, 'sdk'), join(dir, 'node_modules/@elevate/sdk'));
  const migrated = await run(process.execPath, [BIN, 'addon', 'migration', 'desk', '--name', 'init'], dir);
  if (migrated.code !== 0) throw new Error(migrated.out);
  mkdirSync(join(dir, 'src/rest'));
  writeFileSync(ROUTE, route('v0'));
  const index = readFileSync(join(dir, 'src/index.ts'), 'utf8')
    .replace(
      "import { permissions } from './permissions.ts';",
      "$&\nimport { helloRoutes } from './rest/hello.routes.ts';",
    )
    .replace(/^ {2}permissions,$/m, '  permissions,\n  rest: helloRoutes,');
  writeFileSync(join(dir, 'src/index.ts'), index);

  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL, REDIS_PREFIX, ADDON_PATHS: dir };
  delete env.VITEST;
  const args = [BIN, 'dev', '--port', '0', ...(WEB ? ['--web-port', '0'] : ['--no-web'])];
  dev = spawn(process.execPath, args, { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
  dev.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  dev.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const url = (await waitFor(/ElevateCRM \(dev\) is running at (\S+)/))[1] as string;
  await waitFor(/Press Ctrl\+C/);
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'demo', email: 'admin@demo.test', password: 'elevate-demo' }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const headers = { authorization: `Bearer ${accessToken}` };
  const hello = async () =>
    ((await (await fetch(`${url}/api/v1/desk/hello`, { headers })).json()) as { greeting?: string }).greeting;
  const spare = async () => ((await (await fetch(`${url}/__dev`)).json()) as { spare: string | null }).spare;

  const times: number[] = [];
  for (let i = 1; i <= EDITS; i++) {
    while ((await spare()) !== 'warm') await new Promise((r) => setTimeout(r, 20));
    // A developer's edits are seconds apart: let the machine settle after the previous switch.
    await new Promise((r) => setTimeout(r, 1500));
    const from = out.length;
    const started = performance.now();
    writeFileSync(ROUTE, route(`v${i}`));
    while ((await hello()) !== `v${i}`) await new Promise((r) => setImmediate(r));
    times.push(performance.now() - started);
    const line = (await waitFor(/reloaded in [^\n]*/, from))[0];
    console.info(`edit ${i}: ${Math.round(times.at(-1) ?? 0)} ms — ${line}`);
  }
  const p50 = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;
  console.info(`edit → visible: ${times.map((t) => Math.round(t)).join(', ')} ms, p50 ${Math.round(p50)} ms`);
}

try {
  await main();
} finally {
  if (dev && dev.exitCode === null) {
    dev.kill('SIGTERM');
    await new Promise((r) => dev?.once('exit', r));
  }
  await dropDatabase(DATABASE_URL).catch(() => {});
  await dropRedisKeys(REDIS_PREFIX).catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
}
