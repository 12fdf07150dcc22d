// Starts the real platform for browser tests: `elevate start` (kernel + web app in one process)
// on a free port, with a database and Redis prefix of its own; and the system Chromium.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createTestDatabase } from '../../../testkit/src/template-db.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = `${ROOT}cli/bin/elevate.js`;
const BUILD = `${ROOT}web/build`;
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

export interface Platform {
  url: string;
  databaseUrl: string;
  /** The platform's Redis key prefix (for the CLI or a second, non-listening kernel on the same data). */
  redisPrefix: string;
  stop(): Promise<void>;
}

interface PgClient {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
// pg and ioredis are the core's dependencies: borrow them from there.
const requireFromCore = () => createRequire(`${ROOT}core/package.json`);

async function dropDatabase(name: string): Promise<void> {
  const { Client } = requireFromCore()('pg') as { Client: new (o: { connectionString: string }) => PgClient };
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

async function dropRedisKeys(prefix: string): Promise<void> {
  const { Redis } = requireFromCore()('ioredis') as {
    Redis: new (
      url: string,
    ) => { keys(p: string): Promise<string[]>; del(...k: string[]): Promise<number>; quit(): Promise<unknown> };
  };
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}

/** `elevate migrate` on another database (a template), as an operator runs it. */
function migrateWithCli(env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'migrate'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`elevate migrate exited with ${code}:\n${output}`)),
    );
  });
}

/** `elevate start` as a child process, like an operator runs it. */
export async function startPlatform(env: Record<string, string> = {}): Promise<Platform> {
  if (!existsSync(`${BUILD}/handler.js`)) {
    throw new Error('web/build is missing: run `pnpm --filter @elevate/web build` (pnpm test does it first)');
  }
  const id = randomBytes(5).toString('hex');
  const db = `elevate_e2e_${id}`;
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${db}`;
  const redisPrefix = `elevate_e2e_${id}`;
  // The database comes migrated from the run's template for the same addons (`elevate migrate`
  // once per run), so `elevate start` finds nothing to migrate.
  const addonPaths = env.ADDON_PATHS ?? process.env.ADDON_PATHS ?? '';
  await createTestDatabase(ADMIN_URL, db, `platform:${addonPaths}`, (templateUrl) =>
    migrateWithCli({
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ADDON_PATHS: addonPaths,
      DATABASE_URL: templateUrl,
      REDIS_PREFIX: `${redisPrefix}_tpl`,
    }),
  );
  const child: ChildProcess = spawn(process.execPath, [BIN, 'start', '--port', '0'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      DATABASE_URL: databaseUrl,
      REDIS_PREFIX: redisPrefix,
      RELAY_INTERVAL_MS: '100',
      WEB_BUILD_DIR: BUILD,
      ELEVATE_API_URL: '', // the child points its web app at itself
      // Every test signs up companies of its own, all from 127.0.0.1.
      THROTTLE_SIGNUP_IP: '10000/3600',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A platform still starting when its file's beforeAll timed out is never stopped by the test:
  // it goes with the test process.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  let output = '';
  const stop = async () => {
    process.off('exit', orphan);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await dropDatabase(db);
    await dropRedisKeys(redisPrefix);
  };
  const up = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`elevate start did not come up:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /running at (http:\/\/\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
      if (process.env.E2E_LOG_LEVEL) process.stderr.write(c);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`elevate start exited with ${code}:\n${output}`));
    });
  });
  let url: string;
  try {
    url = await up;
  } catch (err) {
    // It did not come up (in time): leave no process, database or keys behind.
    await stop().catch(() => {});
    throw err;
  }
  return { url, databaseUrl, redisPrefix, stop };
}

/** The system Chromium, headless; `extra` adds switches (a fake camera, say). */
export async function launchBrowser(extra: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extra,
    ],
  });
}

export async function newContext(browser: Browser, width = 1280): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height: 860 }, colorScheme: 'light', locale: 'en-US' });
  context.setDefaultTimeout(15_000);
  return context;
}

/** Navigates and waits until the page is hydrated (clicks before that would hit inert HTML). */
export async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await ready(page);
}

/** Waits until the current page is hydrated. */
export async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.ready === '1');
}

/** Full-page screenshots of the current page, saved as web/test/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/**
 * After a browser test: when it failed, a screenshot (screenshots/failed-<test>.png) and what the
 * page showed, where; then the test's browser contexts close.
 */
export async function afterBrowserTest(
  task: { name: string; result?: { state?: string } },
  page: Page | null | undefined,
  contexts: BrowserContext[],
): Promise<void> {
  if (task.result?.state === 'fail' && page) {
    await screenshot(page, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => {});
    const shown = await page
      .locator('body')
      .textContent()
      .catch(() => '');
    console.log(`failed at ${page.url()}:\n${shown?.slice(0, 500)}`);
  }
  for (const c of contexts.splice(0)) await c.close().catch(() => {});
}

/** The theme switch in the top bar (remembered per user). */
export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  const pressed = (await toggle.getAttribute('aria-pressed')) === 'true';
  if (pressed !== (theme === 'dark')) await toggle.click();
  await page.waitForFunction((t) => document.documentElement.classList.contains('dark') === (t === 'dark'), theme);
}

/** A JSON API call as a tenant owner, for preparing data (signs up when asked). */
export async function api<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** A company of its own for one test: its owner's session, and helpers bound to it. */
export interface Tenant {
  /** The platform's address (for calls that are not JSON). */
  base: string;
  slug: string;
  name: string;
  owner: { name: string; email: string; password: string };
  token: string;
  /** The tenant's page under /t/<slug>. */
  app(path?: string): string;
  /** A JSON API call as the owner. */
  as<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
}

let tenantCount = 0;

/**
 * Signs up a new company through the API (a slug no other test of the platform uses) and, unless
 * told otherwise, enables crm — so a test needs nothing another test did.
 */
export async function createTenant(
  platform: Platform,
  opts: { prefix?: string; name?: string; crm?: boolean } = {},
): Promise<Tenant> {
  tenantCount += 1;
  const slug = `${opts.prefix ?? 'tenant'}-${tenantCount}-${randomBytes(3).toString('hex')}`;
  const owner = { name: 'Olivia Owner', email: `owner@${slug}.test`, password: `${slug}-secret-1` };
  const name = opts.name ?? `Company ${tenantCount}`;
  const session = await api<{ accessToken: string }>(platform.url, 'POST', '/api/v1/auth/signup', {
    company: name,
    slug,
    ...owner,
  });
  const token = session.accessToken;
  const tenant: Tenant = {
    base: platform.url,
    slug,
    name,
    owner,
    token,
    app: (path = '') => `${platform.url}/t/${slug}${path}`,
    as: <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
      api<T>(platform.url, method, path, body, token),
  };
  if (opts.crm ?? true) await tenant.as('POST', '/api/v1/core/addons/crm/enable', {});
  return tenant;
}

/**
 * Signs the tenant's owner in on a page through the login form; lands on the tenant's home. The
 * fields are found by their ids: the login page speaks the browser's language, which a test may set.
 */
export async function signIn(page: Page, tenant: Tenant): Promise<void> {
  await open(page, tenant.app('/auth/login'));
  await page.locator('#email').fill(tenant.owner.email);
  await page.locator('#password').fill(tenant.owner.password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL(tenant.app());
  // Home may arrive as a full page load: a click before it hydrates would hit inert HTML.
  await ready(page);
}

/**
 * Starts the platform and the browser side by side. If one of them fails, the other is stopped
 * before the error is passed on (a failed browser start must not leave `elevate start` and its
 * database behind); `afterAll` then has nothing to stop.
 */
export async function startAll(env: Record<string, string> = {}): Promise<{ platform: Platform; browser: Browser }> {
  const [p, b] = await Promise.allSettled([startPlatform(env), launchBrowser()]);
  if (p.status === 'fulfilled' && b.status === 'fulfilled') return { platform: p.value, browser: b.value };
  if (p.status === 'fulfilled') await p.value.stop().catch(() => {});
  if (b.status === 'fulfilled') await b.value.close().catch(() => {});
  throw p.status === 'rejected' ? p.reason : (b as PromiseRejectedResult).reason;
}
