// `elevate dev` end to end: a scaffolded addon outside the workspace, reached through a symlink in
// ADDON_PATHS, is served by the dev server; editing its route five times shows each new answer
// over the same session (the database and the tokens carry on); a model changed without its
// migration is reported with the command to run while the previous code keeps serving; in the
// browser, an edit of the addon's page markup updates it in place (no reload) and an edit of its
// module script reloads it with the new exports.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase } from '../src/database.ts';
import { dropRedisKeys, run } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'cli/bin/elevate.js');
const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'elevate-dev-')));
const dir = join(tmp, 'desk');
const linked = join(tmp, 'linked-desk');
const suffix = randomBytes(5).toString('hex');
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/elevate_dev_${suffix}`;
const REDIS_PREFIX = `elevate_dev_${suffix}`;
const ENV = { DATABASE_URL, REDIS_PREFIX };
const ROUTE = join(dir, 'src/rest/hello.routes.ts');

const route = (greeting: string) => `import type { RestRouter } from '@elevate/sdk';

export function helloRoutes(r: RestRouter): void {
  r.get('/hello', { permission: 'desk.ticket.read', summary: 'Say hello' }, async () => ({ greeting: '${greeting}' }));
}
`;

let dev: ChildProcess | undefined;
let webUrl = '';
let out = '';
let url = '';

/** Resolves once the output (from offset `from` on) matches. */
function waitFor(pattern: RegExp, from = 0): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      // Without colour codes: Vite colours its banner whenever CI is set, even into a pipe.
      const m = pattern.exec(stripVTControlCharacters(out.slice(from)));
      if (m) {
        dev?.stdout?.off('data', check);
        dev?.stderr?.off('data', check);
        resolve(m);
      }
    };
    dev?.stdout?.on('data', check);
    dev?.stderr?.on('data', check);
    dev?.once('exit', (code) => reject(new Error(`elevate dev exited ${code}: ${out}`)));
    check();
  });
}

beforeAll(async () => {
  // The scaffold without its install: the one link pnpm would make is the SDK (the checkout's).
  const made = await run(
    process.execPath,
    [BIN, 'addon', 'new', 'desk', '--model', 'ticket', '--dir', dir, '--no-install'],
    tmp,
  );
  expect(made.code, made.out).toBe(0);
  mkdirSync(join(dir, 'node_modules/@elevate'), { recursive: true });
  symlinkSync(join(ROOT, 'sdk'), join(dir, 'node_modules/@elevate/sdk'));
  const migrated = await run(process.execPath, [BIN, 'addon', 'migration', 'desk', '--name', 'init'], dir);
  expect(migrated.code, migrated.out).toBe(0);
  mkdirSync(join(dir, 'src/rest'));
  writeFileSync(ROUTE, route('v0'));
  const index = readFileSync(join(dir, 'src/index.ts'), 'utf8')
    .replace(
      "import { permissions } from './permissions.ts';",
      "$&\nimport { helloRoutes } from './rest/hello.routes.ts';",
    )
    .replace(/^ {2}permissions,$/m, '  permissions,\n  rest: helloRoutes,');
  writeFileSync(join(dir, 'src/index.ts'), index);
  symlinkSync(dir, linked);

  const env: NodeJS.ProcessEnv = { ...process.env, ...ENV, ADDON_PATHS: linked };
  delete env.VITEST;
  delete env.NODE_ENV;
  const webPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  dev = spawn(process.execPath, [BIN, 'dev', '--port', '0', '--web-port', String(webPort)], { cwd: tmp, env });
  dev.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  dev.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  url = (await waitFor(/ElevateCRM \(dev\) is running at (\S+)[\s\S]*Press Ctrl\+C/))[1] as string;
  webUrl = (await waitFor(/Web app: +(http:\S+)\/t\/demo/))[1] as string;
}, 300_000);

afterAll(async () => {
  if (dev && dev.exitCode === null) {
    dev.kill('SIGTERM');
    await new Promise((r) => dev?.once('exit', r));
  }
  await dropDatabase(DATABASE_URL).catch(() => {});
  await dropRedisKeys(REDIS_PREFIX);
  rmSync(tmp, { recursive: true, force: true });
});

async function status(): Promise<{ reloads: number; spare: string | null }> {
  return (await (await fetch(`${url}/__dev`)).json()) as { reloads: number; spare: string | null };
}

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setImmediate(r));
  }
}

describe('elevate dev', { timeout: 300_000 }, () => {
  it('shows each edit of an addon route in the next answer, keeping the session and the data', async () => {
    expect(out).toContain('Watching:   ');
    expect(out).toContain('desk');
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'demo', email: 'admin@demo.test', password: 'elevate-demo' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const hello = async () =>
      ((await (await fetch(`${url}/api/v1/desk/hello`, { headers })).json()) as { greeting?: string }).greeting;
    expect(await hello()).toBe('v0');
    const kept = await fetch(`${url}/api/v1/desk/tickets`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Kept' }),
    });
    expect(kept.status).toBe(201);

    const times: number[] = [];
    for (let i = 1; i <= 5; i++) {
      // A developer's edits are seconds apart: by then the next kernel process is loaded.
      await until(async () => ((await status()).spare === 'warm' ? true : undefined));
      const before = (await status()).reloads;
      const started = performance.now();
      writeFileSync(ROUTE, route(`v${i}`));
      await until(async () => ((await hello()) === `v${i}` ? true : undefined));
      times.push(performance.now() - started);
      expect((await status()).reloads).toBe(before + 1);
    }
    const list = await fetch(`${url}/api/v1/desk/tickets?q=Kept`, { headers });
    expect(((await list.json()) as { data: { name: string }[] }).data.map((t) => t.name)).toEqual(['Kept']);
    const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const cpu = [...out.matchAll(/reloaded in \d+ ms, (\d+) ms of CPU/g)].slice(-5).map((m) => Number(m[1]));
    // For docs/performance.md.
    console.info(
      `edit → visible: ${times.map((t) => Math.round(t)).join(', ')} ms, p50 ${Math.round(p50(times))} ms; new kernel's CPU per reload: ${cpu.join(', ')} ms, p50 ${p50(cpu)} ms`,
    );
  });

  it('names the migration command for a model changed without one, serves the previous code meanwhile, then applies it', async () => {
    const model = join(dir, 'src/models/ticket.model.ts');
    const original = readFileSync(model, 'utf8');
    const from = out.length;
    let migrated = false;
    try {
      writeFileSync(
        model,
        original.replace('notes: f.text(),', 'notes: f.text(),\n    priority: f.string({ max: 20 }),'),
      );
      const reported = await waitFor(
        /elevate dev: (.*elevate addon migration desk --name.*)\n[\s\S]*still serving the previous code/,
        from,
      );
      expect(reported[1]).toContain('Model desk.ticket has no column "priority"');
      expect(reported[1]).toContain('the dev server reloads when it is written');
      const headers = { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' };
      expect((await fetch(`${url}/api/v1/desk/tickets`, { headers })).status).toBe(200);

      // The command it names writes the migration; saving it reloads and migrates.
      const before = (await status()).reloads;
      const generated = await run(process.execPath, [BIN, 'addon', 'migration', 'desk', '--name', 'priority'], dir);
      expect(generated.code, generated.out).toBe(0);
      migrated = true;
      await until(async () => ((await status()).reloads > before ? true : undefined));
      const created = await fetch(`${url}/api/v1/desk/tickets`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'Urgent one', priority: 'high' }),
      });
      expect(created.status).toBe(201);
      expect(((await created.json()) as { priority: string }).priority).toBe('high');
    } finally {
      // Without its migration the field would stop every later reload: put the model back.
      if (!migrated) {
        const before = (await status()).reloads;
        writeFileSync(model, original);
        await until(async () => ((await status()).reloads > before ? true : undefined));
      }
    }
  });
});

async function token(): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'demo', email: 'admin@demo.test', password: 'elevate-demo' }),
  });
  return ((await login.json()) as { accessToken: string }).accessToken;
}

describe('elevate dev refuses', { timeout: 120_000 }, () => {
  it('a bad port, its kernel command run by hand, the same port for the web app, and an unreachable database, each in one line', async () => {
    const bad = await run(process.execPath, [BIN, 'dev', '--port', 'abc'], tmp, ENV);
    expect(bad.code).toBe(1);
    expect(bad.out.trim()).toMatch(
      /^elevate: option '-p, --port <n>' argument 'abc' is invalid\. It must be a whole number/,
    );
    const direct = await run(process.execPath, [BIN, 'dev-server'], tmp, ENV);
    expect(direct.code).toBe(1);
    expect(direct.out.trim()).toBe('elevate: dev-server runs under `elevate dev` only');
    const same = await run(process.execPath, [BIN, 'dev', '--port', '4123', '--web-port', '4123'], tmp, ENV);
    expect(same.code).toBe(1);
    expect(same.out.trim()).toBe("elevate: --web-port 4123 is the API's port too: pick another");
    const closed = await run(process.execPath, [BIN, 'dev', '--no-web'], tmp, {
      ...ENV,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/elevate',
    });
    expect(closed.code).toBe(1);
    expect(closed.out.trim()).toMatch(
      /^elevate: cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/elevate \(connection refused\)/,
    );
  });
});

describe('elevate dev, the web app (Vite)', { timeout: 300_000 }, () => {
  it("updates an addon's page in place when its markup changes, and reloads it when its module script does", async () => {
    // Each step's time is printed: under a loaded machine the first page compiles slowly.
    const t0 = performance.now();
    const step = (what: string) => console.info(`dev web: ${what} after ${Math.round(performance.now() - t0)} ms`);
    await waitFor(/VITE v\S+ +ready in/);
    step('Vite ready');
    const page_ = join(dir, 'web/pages/index.svelte');
    const original = readFileSync(page_, 'utf8');
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${webUrl}/t/demo/auth/login`, { timeout: 180_000 });
      step('login page');
      await page.getByLabel('Email').fill('admin@demo.test');
      await page.getByLabel('Password').fill('elevate-demo');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${webUrl}/t/demo`, { timeout: 180_000 });
      step('signed in');
      await page.goto(`${webUrl}/t/demo/desk`, { timeout: 180_000 });
      await page.getByRole('heading', { name: 'Desk', exact: true }).waitFor({ timeout: 180_000 });
      await page.waitForLoadState('networkidle');
      step('desk page');
      // Survives an update in place; a reload of the page clears it.
      await page.evaluate(() => Object.assign(window, { __kept: 42 }));
      const kept = () => page.evaluate(() => (window as unknown as { __kept?: number }).__kept);

      const started = performance.now();
      writeFileSync(page_, original.replace('<PageHeader title="Desk"', '<PageHeader title="Help desk"'));
      await page.getByRole('heading', { name: 'Help desk' }).waitFor({ timeout: 60_000 });
      const inPlace = performance.now() - started;
      expect(await kept()).toBe(42);

      // The module script holds what the app keeps (load, title, permission): a change reloads.
      writeFileSync(
        page_,
        original
          .replace('<PageHeader title="Desk"', '<PageHeader title="Help desk"')
          .replace('export const title = "Desk";', 'export const title = "Tickets";'),
      );
      await expect.poll(() => page.title(), { timeout: 60_000 }).toBe('Tickets · ElevateCRM');
      expect(await kept()).toBeUndefined();
      // For docs/performance.md.
      console.info(`page edit → updated in place: ${Math.round(inPlace)} ms`);
    } finally {
      writeFileSync(page_, original);
      await browser.close();
    }
  });
});
