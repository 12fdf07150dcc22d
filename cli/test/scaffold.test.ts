// `elevate addon new`: the package it writes linked to a checkout or inside the workspace, and the
// mistakes it refuses. The scaffold installed, migrated, tested and booted outside the workspace is
// cli/test/guide.test.ts, which runs the authoring guide's tutorial.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { scaffoldFiles } from '../src/scaffold.ts';

const BIN = fileURLToPath(new URL('../bin/elevate.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'elevate-scaffold-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; out: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
    delete env.VITEST;
    // The scaffold's first test run writes its API snapshots, as on a developer's machine.
    delete env.CI;
    delete env.NODE_ENV;
    const child = spawn(cmd, args, { cwd, env });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, ms: performance.now() - started }));
  });
}

describe('elevate addon new', { timeout: 240_000 }, () => {
  // Installed, migrated, tested and booted outside the workspace: cli/test/guide.test.ts (the
  // authoring guide's tutorial, with the packed packages). Here: the variant linked to a checkout.
  it('outside the workspace without --packages links the package to this checkout', async () => {
    const dir = join(tmp, 'desk');
    const made = await run(
      process.execPath,
      [BIN, 'addon', 'new', 'desk', '--model', 'ticket', '--dir', dir, '--no-install'],
      ROOT,
    );
    expect(made.out).not.toMatch(/elevate: /);
    expect(made.code).toBe(0);
    expect(made.out).toContain(`ADDON_PATHS=${dir} ./elevate addon migration desk --name init`);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies['@elevate/sdk']).toBe(`link:${join(ROOT, 'sdk')}`);
    expect(pkg.devDependencies['@elevate/testkit']).toBe(`link:${join(ROOT, 'testkit')}`);
    expect(pkg.scripts).toEqual({ test: 'vitest run' });
    for (const f of ['web/pages/index.svelte', 'web/widgets/10-tickets.svelte', 'README.md', 'test/desk.test.ts']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    // No overrides: the links are the whole story.
    expect(existsSync(join(dir, 'pnpm-workspace.yaml'))).toBe(false);
  });

  it('inside the workspace the package uses workspace versions and the workspace’s Vitest setup', () => {
    const files = scaffoldFiles({
      id: 'desk',
      noun: 'ticket',
      title: 'Desk',
      deps: { sdk: 'workspace:*', testkit: 'workspace:*', extra: { '@elevate/crm': 'workspace:*' } },
      depends: [{ pkg: '@elevate/crm', exportName: 'crm', id: 'crm' }],
      standalone: false,
    });
    const pkg = JSON.parse(files['package.json'] as string);
    expect(pkg.dependencies).toEqual({ '@elevate/sdk': 'workspace:*', '@elevate/crm': 'workspace:*' });
    expect(pkg.devDependencies).toEqual({ '@elevate/testkit': 'workspace:*' });
    expect(files['vitest.config.ts']).toBeUndefined();
    expect(files['src/index.ts']).toContain('depends: [crm]');
    expect(files['test/desk.test.ts']).toContain('addons: [crm, desk]');
  });

  it('--with page,job,webhook writes a nightly reminder and a signed inbound webhook whose own tests pass', async () => {
    const dir = join(tmp, 'hooks');
    const made = await run(
      process.execPath,
      [BIN, 'addon', 'new', 'hooks', '--model', 'ticket', '--dir', dir, '--with', 'page,job,webhook', '--no-install'],
      ROOT,
    );
    expect(made.code, made.out).toBe(0);
    for (const f of ['src/jobs/reminders.schedule.ts', 'src/rest/inbound.routes.ts', 'web/pages/index.svelte']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    // What its author does next: install (links to this checkout), the first migration, its tests, tsc.
    const pnpm = process.env.npm_execpath?.includes('pnpm') ? [process.env.npm_execpath] : [];
    const [cmd, ...pre] = pnpm.length ? [process.execPath, ...pnpm] : ['pnpm'];
    const installed = await run(cmd as string, [...pre, 'install', '--prefer-offline'], dir);
    expect(installed.code, installed.out).toBe(0);
    const migrated = await run(process.execPath, [BIN, 'addon', 'migration', 'hooks', '--name', 'init'], dir);
    expect(migrated.code, migrated.out).toBe(0);
    expect(migrated.out).toContain('Migration0001HooksInit.ts');
    const tested = await run(cmd as string, [...pre, 'test'], dir);
    expect(tested.code, tested.out).toBe(0);
    expect(stripVTControlCharacters(tested.out)).toMatch(/Tests\s+7 passed/);
    const typed = await run(cmd as string, [...pre, 'exec', 'tsc', '-p', 'tsconfig.json'], dir);
    expect(typed.code, typed.out).toBe(0);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `addon new --with page,job,webhook: write ${s(made.ms)}, pnpm install ${s(installed.ms)}, first migration ${s(migrated.ms)}, its 7 tests ${s(tested.ms)}, tsc ${s(typed.ms)}`,
    );
  });

  it('without the page, writes no web folder and exports none', async () => {
    const dir = join(tmp, 'quiet');
    const made = await run(
      process.execPath,
      [BIN, 'addon', 'new', 'quiet', '--dir', dir, '--with', 'job', '--no-install'],
      ROOT,
    );
    expect(made.code, made.out).toBe(0);
    expect(existsSync(join(dir, 'web'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).exports).toEqual({ '.': './src/index.ts' });
    const bad = await run(
      process.execPath,
      [BIN, 'addon', 'new', 'other', '--dir', join(tmp, 'o'), '--with', 'page,cron'],
      ROOT,
    );
    expect(bad.code).toBe(1);
    expect(bad.out.trim()).toBe('elevate: --with: no part "cron" (known: page, job, webhook)');
  });

  it('refuses a bad id or model noun, naming it', async () => {
    const bad = await run(process.execPath, [BIN, 'addon', 'new', 'Bad-Id', '--dir', join(tmp, 'bad')], ROOT);
    expect(bad.code).toBe(1);
    expect(bad.out.trim()).toMatch(/^elevate: addon id "Bad-Id" must be/);
    const noun = await run(
      process.execPath,
      [BIN, 'addon', 'new', 'okid', '--model', 'Two Words', '--dir', join(tmp, 'n')],
      ROOT,
    );
    expect(noun.code).toBe(1);
    expect(noun.out.trim()).toMatch(/^elevate: --model "Two Words" must be one lowercase word/);
    expect(existsSync(join(tmp, 'bad'))).toBe(false);
  });
});

describe('elevate addon new --packages', { timeout: 120_000 }, () => {
  it('refuses a folder without the tarballs, a workspace addon, and a dependency on an unpublished addon, naming each', async () => {
    const none = await run(
      process.execPath,
      [BIN, 'addon', 'new', 'okid', '--dir', join(tmp, 'p1'), '--packages', join(tmp, 'nothing')],
      ROOT,
    );
    expect(none.code).toBe(1);
    expect(none.out.trim()).toBe(
      `elevate: --packages: no elevate-sdk-<version>.tgz in ${join(tmp, 'nothing')} (write them with \`node scripts/pack-packages.ts ${join(tmp, 'nothing')}\` in a checkout)`,
    );
    const inside = await run(
      process.execPath,
      [BIN, 'addon', 'new', 'okid', '--dir', join(ROOT, 'addons/okid'), '--packages', tmp],
      ROOT,
    );
    expect(inside.code).toBe(1);
    expect(inside.out.trim()).toBe('elevate: --packages is for an addon outside the workspace (use --dir)');
    // Tarball names are all the check needs before --depends is looked at.
    const packs = join(tmp, 'packs');
    mkdirSync(packs);
    for (const name of ['sdk', 'core', 'testkit', 'cli']) writeFileSync(join(packs, `elevate-${name}-1.0.0.tgz`), '');
    const depends = await run(
      process.execPath,
      [BIN, 'addon', 'new', 'okid', '--dir', join(tmp, 'p2'), '--depends', 'crm', '--packages', packs],
      ROOT,
    );
    expect(depends.code).toBe(1);
    expect(depends.out.trim()).toMatch(
      /^elevate: --depends crm: the first-party addons are not published packages yet/,
    );
    for (const d of ['p1', 'p2']) expect(existsSync(join(tmp, d))).toBe(false);
    expect(existsSync(join(ROOT, 'addons/okid'))).toBe(false);
  });
});
