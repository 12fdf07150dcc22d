// docs/addon-authoring.md, executed: every step the guide marks (see guide-steps.ts) runs in order
// in a temporary folder outside the workspace, holding a link to this checkout as `elevatecrm/`,
// against the real PostgreSQL (a fresh database) and Redis (a private prefix). The files and edits
// the guide shows are applied from its own blocks, and its output blocks must appear in what each
// step prints, so the guide fails here when its text goes wrong.
//
// The path is the one of a third-party developer and of an operator: pack the platform's packages,
// scaffold an addon that depends on the tarballs only, add a field and generate its migration, run
// its tests and type check, start it and call REST and GraphQL; grow it (a relation, an event and a
// subscriber, a schedule with a setting, an upgrade step, record rules, a page checked by
// svelte-check), restart it on the upgraded database, extend its ticket and fill its page's slot
// from a second addon that installs it from its tarball; then install it into a deployment
// folder beside the packed CLI, which discovers it in node_modules and serves it. The tarballs
// themselves are checked after the step that packs them.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase } from '../src/database.ts';
import { extractSteps, missingOutput, type Step } from './guide-steps.ts';
import { dropRedisKeys, run } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GUIDE = join(ROOT, 'docs/addon-authoring.md');
const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'elevate-guide-')));
const suffix = randomBytes(5).toString('hex');
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/elevate_guide_${suffix}`;
const REDIS_PREFIX = `elevate_guide_${suffix}`;
const servers: ChildProcess[] = [];

afterAll(async () => {
  for (const s of servers) if (s.exitCode === null && s.pid) process.kill(-s.pid, 'SIGKILL');
  await dropDatabase(DATABASE_URL).catch(() => {});
  await dropRedisKeys(REDIS_PREFIX);
  rmSync(tmp, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The files and package.json of a tarball. */
async function contents(tgz: string): Promise<{ files: string[]; pkg: Record<string, unknown> }> {
  const list = await run('tar', ['tzf', tgz], tmp);
  const pkg = await run('tar', ['xzf', tgz, '-O', 'package/package.json'], tmp);
  return { files: list.out.trim().split('\n'), pkg: JSON.parse(pkg.out) };
}

/** What packages.test.ts checked of the tarballs: publishable as they are, compiled, self-contained. */
async function checkTarballs(packs: string): Promise<void> {
  const tarballs = readdirSync(packs).sort();
  expect(tarballs).toEqual([
    'elevate-cli-1.0.0.tgz',
    'elevate-core-1.0.0.tgz',
    'elevate-sdk-1.0.0.tgz',
    'elevate-testkit-1.0.0.tgz',
  ]);
  for (const name of tarballs) {
    const { files, pkg } = await contents(join(packs, name));
    expect(JSON.stringify(pkg), name).not.toMatch(/"(workspace|link|file):/);
    expect(pkg.private, name).toBeUndefined();
    expect(pkg.version, name).toBe('1.0.0');
    expect(
      files.every((f) => f.startsWith('package/')),
      name,
    ).toBe(true);
    expect(
      files.filter((f) => /\.test\.ts$|\/test\/|node_modules/.test(f)),
      name,
    ).toEqual([]);
    // Server code is compiled: every export resolves to JavaScript with its declarations beside it.
    const dot = (pkg.exports as Record<string, { types?: string; default?: string }>)['.'];
    expect(dot?.default, name).toMatch(/^\.\/dist\/.*\.js$/);
    expect(files, name).toContain(`package/${dot?.types?.slice(2)}`);
    expect(
      files.filter((f) => f.includes('/dist/') && /\.ts$/.test(f) && !f.endsWith('.d.ts')),
      name,
    ).toEqual([]);
  }
  const sdk = await contents(join(packs, 'elevate-sdk-1.0.0.tgz'));
  // The UI kit ships as Svelte and TypeScript sources, which Vite and svelte-check compile.
  expect(sdk.files).toContain('package/src/web/components/DataTable.svelte');
  expect((sdk.pkg.exports as Record<string, string>)['./web']).toBe('./src/web/index.ts');
  const cli = await contents(join(packs, 'elevate-cli-1.0.0.tgz'));
  expect(cli.pkg.bin).toEqual({ elevate: './bin/elevate.js' });
}

/** Starts a server step in its own process group, as a terminal would, so that Ctrl+C reaches all of it. */
function background(script: string, cwd: string, env: NodeJS.ProcessEnv): { child: ChildProcess; out: () => string } {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, detached: true });
  servers.push(child);
  let out = '';
  const add = (chunk: Buffer) => {
    out += chunk.toString();
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return { child, out: () => stripVTControlCharacters(out) };
}

async function until(check: () => boolean, what: () => string, child: ChildProcess): Promise<void> {
  while (!check()) {
    if (child.exitCode !== null) throw new Error(`${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('docs/addon-authoring.md', { timeout: 900_000 }, () => {
  it('runs as written: pack, scaffold, a field and its migration, tests, start, REST and GraphQL, growing it, a deployment', async () => {
    const port = await freePort();
    // The one liberty the test takes: its own port instead of the guide's 3000.
    const local = (s: string) => s.replace(/(localhost|127\.0\.0\.1):3000\b/g, `$1:${port}`);
    const steps: Step[] = extractSteps(readFileSync(GUIDE, 'utf8'));
    const names = steps.flatMap((s) => (s.kind === 'run' ? [s.name] : []));
    // The guide's path, in order: a step dropped or renamed in the guide fails here.
    expect(names).toEqual([
      'pack',
      'new',
      'unmigrated',
      'migration',
      'test',
      'start',
      'api',
      'queues-migration',
      'queues-test',
      'triage-test',
      'purge-test',
      'roles-test',
      'web-check',
      'test-all',
      'restart',
      'upgraded-api',
      'sla-new',
      'sla-migration',
      'sla-test',
      'deploy',
      'deployed',
      'deployed-api',
    ]);
    expect(steps.filter((s) => s.kind === 'edit')).toHaveLength(24);
    expect(steps.filter((s) => s.kind === 'file')).toHaveLength(14);

    symlinkSync(ROOT, join(tmp, 'elevatecrm'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL,
      REDIS_PREFIX,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // The checkout's pnpm store: every third-party package is already there.
      pnpm_config_store_dir: join(ROOT, '.pnpm-store'),
      NO_COLOR: '1',
    };
    // A scaffold's first test run writes its API snapshots, as on a developer's machine.
    for (const k of ['VITEST', 'CI', 'NODE_ENV', 'FORCE_COLOR']) delete env[k];
    let cwd = tmp;
    let server: { child: ChildProcess; out: () => string } | undefined;
    const times: string[] = [];

    for (const step of steps) {
      const started = performance.now();
      if (step.kind === 'file' || step.kind === 'edit') {
        const file = join(cwd, step.path);
        if (step.kind === 'file') {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, step.content);
        } else {
          const text = readFileSync(file, 'utf8');
          // The edit's context and removed lines are in the file as the guide shows them, once.
          expect(text.split(step.before).length - 1, `${step.path}: ${step.before}`).toBe(1);
          writeFileSync(
            file,
            text.replace(step.before, () => step.after),
          );
        }
        continue;
      }
      if (step.kind === 'stop') {
        expect(server, 'a stop with no server started').toBeDefined();
        const child = server?.child as ChildProcess;
        const exited = new Promise<number | null>((r) => child.once('exit', r));
        process.kill(-(child.pid as number), 'SIGINT'); // Ctrl+C
        expect(await exited, server?.out()).toBe(0);
        expect(server?.out()).toContain('ElevateCRM stopped');
        server = undefined;
        continue;
      }
      const script = local(step.script);
      if (step.background) {
        expect(server, `${step.name}: a server is still running`).toBeUndefined();
        const s = background(script, cwd, env);
        server = s;
        await until(
          () => s.out().includes(step.background?.wait as string),
          () => `${step.name} exited ${s.child.exitCode}:\n${s.out()}`,
          s.child,
        );
        if (step.output) expect(missingOutput(local(step.output), s.out()), s.out()).toBeUndefined();
      } else {
        const state = join(tmp, '.cwd');
        const res = await run(
          'bash',
          ['-euo', 'pipefail', '-c', `${script}\npwd -P > ${state}`],
          cwd,
          env as Record<string, string>,
        );
        const out = stripVTControlCharacters(res.out);
        expect(res.code, `${step.name}:\n${out}`).toBe(step.exit);
        if (step.output) expect(missingOutput(local(step.output), out), `${step.name}:\n${out}`).toBeUndefined();
        if (res.code === 0) cwd = readFileSync(state, 'utf8').trim();
      }
      times.push(`${step.name} ${Math.round(performance.now() - started)} ms`);

      // What the guide's output blocks do not show.
      if (step.name === 'pack') await checkTarballs(join(tmp, 'packages'));
      if (step.name === 'new') {
        const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
        expect(pkg.peerDependencies).toEqual({ '@elevate/sdk': '^1.0.0' });
        expect(pkg.devDependencies).toMatchObject({ '@elevate/cli': '^1.0.0', '@elevate/testkit': '^1.0.0' });
        // One copy of the SDK: the addon's, the test kit's and the CLI's are the same package.
        const copies = readdirSync(join(cwd, 'node_modules/.pnpm')).filter((d) => d.startsWith('@elevate+sdk@'));
        expect(copies).toHaveLength(1);
      }
      if (step.name === 'test') {
        expect(readFileSync(join(cwd, 'test/__snapshots__/helpdesk.graphql'), 'utf8')).toContain(
          'priority: HelpdeskTicketPriority!',
        );
      }
      if (step.name === 'test-all') {
        // The snapshots -u rewrote: the relation on both sides of the API.
        expect(readFileSync(join(cwd, 'test/__snapshots__/helpdesk.graphql'), 'utf8')).toContain(
          'queueRef: HelpdeskQueue',
        );
        expect(readFileSync(join(cwd, 'test/__snapshots__/helpdesk.openapi.json'), 'utf8')).toContain(
          '/helpdesk/queues',
        );
      }
    }
    expect(server, 'the guide leaves a server running').toBeUndefined();
    // For docs/performance.md.
    console.info(times.join(', '));
  });
});
