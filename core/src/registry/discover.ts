import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AnyAddon, AppError } from '@elevate/sdk';

interface PackageJson {
  name?: string;
  exports?: string | Record<string, string | Record<string, string>>;
  main?: string;
  elevate?: { addon?: boolean; export?: string };
}

/** The workspace root: the nearest folder upward holding pnpm-workspace.yaml (else ELEVATE_ROOT). */
export function findWorkspaceRoot(from = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // Outside any workspace: the platform checkout the CLI runs from (it sets ELEVATE_ROOT).
  const root = process.env.ELEVATE_ROOT;
  return root && existsSync(join(root, 'pnpm-workspace.yaml')) ? root : resolve(from);
}

function entryOf(pkg: PackageJson): string | null {
  const e = pkg.exports;
  if (typeof e === 'string') return e;
  const dot = e?.['.'];
  if (typeof dot === 'string') return dot;
  if (dot && typeof dot === 'object') return dot.import ?? dot.default ?? null;
  return pkg.main ?? null;
}

function packageDirs(root: string): string[] {
  const dirs: string[] = [];
  const addonsDir = join(root, 'addons');
  if (existsSync(addonsDir)) {
    for (const d of readdirSync(addonsDir, { withFileTypes: true }))
      if (d.isDirectory()) dirs.push(join(addonsDir, d.name));
  }
  const nm = join(root, 'node_modules');
  if (existsSync(nm)) {
    for (const d of readdirSync(nm, { withFileTypes: true })) {
      if (d.name.startsWith('.')) continue;
      if (d.name.startsWith('@')) {
        for (const s of readdirSync(join(nm, d.name), { withFileTypes: true })) dirs.push(join(nm, d.name, s.name));
      } else dirs.push(join(nm, d.name));
    }
  }
  return dirs;
}

/** An extra folder is either an addon package itself or a folder of packages. */
function expandExtra(dir: string): string[] {
  if (existsSync(join(dir, 'package.json'))) return [dir];
  if (!existsSync(dir)) throw new Error(`Addon folder ${dir} does not exist`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(dir, d.name));
}

/**
 * Finds addon packages: the workspace's addons/* and installed packages whose
 * package.json says `"elevate": { "addon": true }`. Extra folders (ADDON_PATHS) can be
 * addon packages or folders holding them.
 */
export async function discoverAddons(root: string, extraDirs: readonly string[] = []): Promise<AnyAddon[]> {
  return (await discoverAddonPackages(root, extraDirs)).map((p) => p.addon);
}

/** Like discoverAddons, with each addon's package folder (where its migrations live). */
export async function discoverAddonPackages(
  root: string,
  extraDirs: readonly string[] = [],
): Promise<{ addon: AnyAddon; dir: string }[]> {
  const found = new Map<string, { addon: AnyAddon; from: string; dir: string }>();
  const dirs = [...packageDirs(root), ...extraDirs.flatMap((d) => expandExtra(resolve(root, d)))];
  for (const dir of dirs) {
    const pkgPath = join(dir, 'package.json');
    if (!existsSync(pkgPath)) continue;
    let pkg: PackageJson;
    try {
      pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as PackageJson;
    } catch {
      continue;
    }
    if (pkg.elevate?.addon !== true) continue;
    const entry = entryOf(pkg);
    if (!entry) throw new Error(`Addon package ${pkg.name ?? dir} has no entry point ("exports")`);
    const mod = (await import(pathToFileURL(join(dir, entry)).href)) as Record<string, unknown>;
    const exportName = pkg.elevate.export;
    const candidate = exportName
      ? mod[exportName]
      : Object.values(mod).find((v) => (v as { kind?: string } | null)?.kind === 'addon');
    if ((candidate as { kind?: string } | undefined)?.kind !== 'addon') {
      throw new Error(
        `Addon package ${pkg.name ?? dir} does not export an addon${exportName ? ` named "${exportName}"` : ''}`,
      );
    }
    const addon = candidate as AnyAddon;
    const prev = found.get(addon.id);
    // The same package reached twice (a workspace addon also linked into node_modules) is fine.
    if (prev && prev.addon !== addon) {
      throw new AppError(
        'ADDON_DUPLICATE',
        `Two packages declare the addon id "${addon.id}": ${prev.from} and ${pkg.name ?? dir}`,
        {
          status: 500,
        },
      );
    }
    if (!prev) found.set(addon.id, { addon, from: pkg.name ?? dir, dir });
  }
  return [...found.values()].map((f) => ({ addon: f.addon, dir: f.dir }));
}
