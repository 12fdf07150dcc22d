// The publishable packages, end to end: @elevate/sdk (with the UI kit), core, testkit and cli are
// packed with `pnpm pack`; an addon is scaffolded into a temporary folder outside the workspace
// that depends on those tarballs only (pnpm from its store, the npm registry for anything missing);
// its own tests pass and its types check against the shipped declarations. Then, as an operator
// would, a deployment folder installs the CLI and the addon's own tarball, and the packed CLI boots
// it from node_modules (discovered there, TypeScript loaded through tsx) answering REST and GraphQL.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase } from '../src/database.ts';
import { dropRedisKeys, run } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'cli/bin/elevate.js');
const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'elevate-packages-')));
const suffix = randomBytes(5).toString('hex');
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/elevate_pkg_${suffix}`;
const REDIS_PREFIX = `elevate_pkg_${suffix}`;
// The checkout's pnpm store: every third-party package is already there.
const ENV = { pnpm_config_store_dir: join(ROOT, '.pnpm-store'), DATABASE_URL, REDIS_PREFIX };
let server: ChildProcess | undefined;

afterAll(async () => {
  server?.kill('SIGTERM');
  await dropDatabase(DATABASE_URL).catch(() => {});
  await dropRedisKeys(REDIS_PREFIX);
  rmSync(tmp, { recursive: true, force: true });
});

/** The files and package.json of a tarball. */
async function contents(tgz: string): Promise<{ files: string[]; pkg: Record<string, unknown> }> {
  const list = await run('tar', ['tzf', tgz], tmp);
  const pkg = await run('tar', ['xzf', tgz, '-O', 'package/package.json'], tmp);
  return { files: list.out.trim().split('\n'), pkg: JSON.parse(pkg.out) };
}

/** Starts the installed `elevate start --demo` in a folder and resolves with its URL once it listens. */
function boot(dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...ENV, LOG_LEVEL: 'warn' };
    delete env.VITEST;
    const child = spawn(
      process.execPath,
      [join(dir, 'node_modules/@elevate/cli/bin/elevate.js'), 'start', '--demo', '--port', '0'],
      {
        cwd: dir,
        env,
      },
    );
    server = child;
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const url = /ElevateCRM is running at (\S+)/.exec(out)?.[1];
      if (url) resolve(url);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`elevate start exited ${code}: ${out}`)));
  });
}

describe('the packed packages', { timeout: 600_000 }, () => {
  it('install outside the workspace, run a new addon’s tests and boot it answering REST and GraphQL', async () => {
    const started = performance.now();
    const packs = join(tmp, 'packages');
    const packed = await run(process.execPath, [join(ROOT, 'scripts/pack-packages.ts'), packs], ROOT);
    expect(packed.code, packed.out).toBe(0);
    const tarballs = packed.out
      .trim()
      .split('\n')
      .filter((l) => l.endsWith('.tgz'));
    expect(tarballs.map((t) => t.slice(packs.length + 1)).sort()).toEqual([
      'elevate-cli-1.0.0.tgz',
      'elevate-core-1.0.0.tgz',
      'elevate-sdk-1.0.0.tgz',
      'elevate-testkit-1.0.0.tgz',
    ]);
    const packMs = performance.now() - started;

    for (const tgz of tarballs) {
      const { files, pkg } = await contents(tgz);
      const json = JSON.stringify(pkg);
      expect(json, tgz).not.toMatch(/"(workspace|link|file):/);
      expect(pkg.private, tgz).toBeUndefined();
      expect(pkg.version, tgz).toBe('1.0.0');
      expect(
        files.every((f) => f.startsWith('package/')),
        tgz,
      ).toBe(true);
      expect(
        files.filter((f) => /\.test\.ts$|\/test\/|node_modules/.test(f)),
        tgz,
      ).toEqual([]);
      // Server code is compiled: every export resolves to JavaScript with its declarations beside it.
      const dot = (pkg.exports as Record<string, { types?: string; default?: string }>)['.'];
      expect(dot?.default, tgz).toMatch(/^\.\/dist\/.*\.js$/);
      expect(files, tgz).toContain(`package/${dot?.types?.slice(2)}`);
      expect(
        files.filter((f) => f.includes('/dist/') && /\.ts$/.test(f) && !f.endsWith('.d.ts')),
        tgz,
      ).toEqual([]);
    }
    const sdk = await contents(tarballs.find((t) => t.includes('elevate-sdk-')) as string);
    // The UI kit ships as Svelte and TypeScript sources, which Vite and svelte-check compile.
    expect(sdk.files).toContain('package/src/web/components/DataTable.svelte');
    expect((sdk.pkg.exports as Record<string, string>)['./web']).toBe('./src/web/index.ts');
    const cli = await contents(tarballs.find((t) => t.includes('elevate-cli-')) as string);
    expect(cli.pkg.bin).toEqual({ elevate: './bin/elevate.js' });

    const dir = join(tmp, 'desk');
    const made = await run(
      process.execPath,
      [BIN, 'addon', 'new', 'desk', '--model', 'ticket', '--dir', dir, '--packages', packs],
      tmp,
      ENV,
    );
    expect(made.code, made.out).toBe(0);
    expect(made.out).toMatch(/Wrote migrations\/Migration0001DeskInit\.ts/);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.peerDependencies).toEqual({ '@elevate/sdk': '^1.0.0' });
    expect(pkg.devDependencies).toMatchObject({ '@elevate/cli': '^1.0.0', '@elevate/testkit': '^1.0.0' });
    // One copy of the SDK: the addon's, the test kit's and the CLI's are the same package.
    const sdkCopies = (await run('ls', [join(dir, 'node_modules/.pnpm')], dir)).out
      .split('\n')
      .filter((d) => d.startsWith('@elevate+sdk@'));
    expect(sdkCopies).toHaveLength(1);
    const installMs = made.ms;

    const tested = await run('pnpm', ['test'], dir, ENV);
    expect(tested.out).toMatch(/Tests\s+.*5 passed/);
    expect(tested.code).toBe(0);
    const typed = await run('pnpm', ['exec', 'tsc', '-p', 'tsconfig.json'], dir);
    expect(typed.out).toBe('');
    expect(typed.code).toBe(0);

    // An operator's deployment: a folder depending on the CLI, the SDK and the addon's own tarball.
    const bootStarted = performance.now();
    const addonPack = await run('pnpm', ['pack', '--pack-destination', packs, '--json'], dir);
    expect(addonPack.code, addonPack.out).toBe(0);
    const deploy = join(tmp, 'deployment');
    mkdirSync(deploy);
    writeFileSync(
      join(deploy, 'package.json'),
      JSON.stringify({
        name: 'acme-elevate',
        private: true,
        type: 'module',
        dependencies: {
          '@elevate/cli': '^1.0.0',
          '@elevate/sdk': '^1.0.0',
          '@acme/desk': `file:${JSON.parse(addonPack.out).filename}`,
        },
      }),
    );
    // The addon's overrides (the @elevate tarballs) and allowed builds serve the deployment too.
    copyFileSync(join(dir, 'pnpm-workspace.yaml'), join(deploy, 'pnpm-workspace.yaml'));
    const deployed = await run('pnpm', ['install', '--prefer-offline'], deploy, ENV);
    expect(deployed.code, deployed.out).toBe(0);
    const url = await boot(deploy);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'demo', email: 'admin@demo.test', password: 'elevate-demo' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const created = await fetch(`${url}/api/v1/desk/tickets`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'From the tarballs' }),
    });
    expect(created.status).toBe(201);
    const gql = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ query: '{ deskTickets { data { name status } } }' }),
    });
    expect(await gql.json()).toEqual({
      data: { deskTickets: { data: [{ name: 'From the tarballs', status: 'open' }] } },
    });
    // For docs/performance.md.
    console.info(
      `pack ${Math.round(packMs)} ms, scaffold+install+migration ${Math.round(installMs)} ms, tests ${Math.round(tested.ms)} ms, tsc ${Math.round(typed.ms)} ms, deployment install+boot+REST+GraphQL ${Math.round(performance.now() - bootStarted)} ms, total ${Math.round(performance.now() - started)} ms`,
    );
  });
});
