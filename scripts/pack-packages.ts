// Packs the publishable packages (@elevate/sdk with the UI kit, @elevate/core, @elevate/testkit,
// @elevate/cli) into tarballs with `pnpm pack`:
//   node scripts/pack-packages.ts [out-folder]      (default: dist/packages)
//
// Server code ships compiled (.js + .d.ts from one tsc run, scripts/tsconfig.pack.json): Node does
// not strip types inside node_modules, Vitest loads dependencies through Node, and a consumer's tsc
// then reads declarations instead of type-checking our sources under its own compiler options. The
// UI kit (@elevate/sdk/web) ships as TypeScript and Svelte sources, as Svelte libraries do: only
// Vite and svelte-check read it, and both compile it. pnpm pack swaps in `publishConfig.exports`
// and turns `workspace:*` into the version.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PACKAGES = ['sdk', 'core', 'testkit', 'cli'] as const;

/** Copies what tsc does not emit (HTML, browser JS, ...) beside the compiled files, tests left out. */
function copyAssets(src: string, dist: string): void {
  for (const entry of readdirSync(src, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || /\.(ts|svelte)$/.test(entry.name)) continue;
    const from = join(entry.parentPath, entry.name);
    cpSync(from, join(dist, relative(src, from)));
  }
}

export function packPackages(out: string): string[] {
  const build = join(ROOT, 'dist/build');
  rmSync(build, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'scripts/tsconfig.pack.json')], { stdio: 'inherit' });
  const tarballs: string[] = [];
  for (const name of PACKAGES) {
    const dir = join(ROOT, name);
    const dist = join(dir, 'dist');
    rmSync(dist, { recursive: true, force: true });
    cpSync(join(build, name, 'src'), dist, { recursive: true });
    copyAssets(join(dir, 'src'), dist);
    try {
      const res = execFileSync('pnpm', ['pack', '--pack-destination', out, '--json'], { cwd: dir, encoding: 'utf8' });
      tarballs.push((JSON.parse(res) as { filename: string }).filename);
    } finally {
      // The workspace resolves to src/; a dist/ left behind would only go stale.
      rmSync(dist, { recursive: true, force: true });
    }
  }
  rmSync(build, { recursive: true, force: true });
  return tarballs;
}

// realpath: run through a symlinked checkout, argv names the link and import.meta the file.
if (process.argv[1] && realpathSync(resolve(process.argv[1])) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? join(ROOT, 'dist/packages'));
  const tarballs = packPackages(out);
  for (const t of tarballs) process.stdout.write(`${existsSync(t) ? t : join(out, t)}\n`);
}
