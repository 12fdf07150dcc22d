// `elevate addon new` end to end, outside the workspace: the scaffold is written, installed against
// this checkout's SDK and test kit, its first migration generated, and then its own tests run —
// booting a real kernel on a fresh database and answering REST and GraphQL — and its types check.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  it('writes an addon outside the workspace that installs, migrates, passes its tests and type-checks', async () => {
    const dir = join(tmp, 'desk');
    const made = await run(process.execPath, [BIN, 'addon', 'new', 'desk', '--model', 'ticket', '--dir', dir], ROOT);
    expect(made.out).not.toMatch(/elevate: /);
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/Generated .*Migration0001DeskInit\.ts from the model/);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies['@elevate/sdk']).toBe(`link:${join(ROOT, 'sdk')}`);
    expect(readFileSync(join(dir, 'migrations/index.ts'), 'utf8')).toContain('DeskInit0001');
    for (const f of ['web/pages/index.svelte', 'web/widgets/10-tickets.svelte', 'README.md', 'test/desk.test.ts']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }

    const tested = await run('pnpm', ['test'], dir);
    expect(tested.out).toMatch(/Tests\s+.*5 passed/);
    expect(existsSync(join(dir, 'test/__snapshots__/desk.graphql'))).toBe(true);
    expect(readFileSync(join(dir, 'test/__snapshots__/desk.openapi.json'), 'utf8')).toContain('/api/v1/desk/tickets');
    expect(tested.code).toBe(0);
    const typed = await run('pnpm', ['exec', 'tsc', '-p', 'tsconfig.json'], dir);
    expect(typed.out).toBe('');
    expect(typed.code).toBe(0);
    // For docs/performance.md: scaffold (with install and the first migration) and its first test run.
    console.info(`scaffold ${Math.round(made.ms)} ms, tests ${Math.round(tested.ms)} ms`);
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
