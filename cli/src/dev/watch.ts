// Which folders `elevate dev` watches, and the watching: the workspace's addons/* and every
// ADDON_PATHS addon, by their real paths (a symlinked addon is watched where its files are).
// Server code only: pages and widgets under web/ reload through Vite, tests do not reload anything.
import { existsSync, type FSWatcher, readdirSync, readFileSync, realpathSync, watch } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

function isAddonPackage(dir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { elevate?: { addon?: unknown } };
    return pkg.elevate?.addon === true;
  } catch {
    return false;
  }
}

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() || d.isSymbolicLink())
    .map((d) => join(dir, d.name));
}

/** The addon package folders to watch (real paths, each once). */
export function watchedAddonDirs(root: string, addonPaths: readonly string[]): string[] {
  const candidates: string[] = [];
  if (existsSync(join(root, 'addons'))) candidates.push(...subfolders(join(root, 'addons')));
  for (const p of addonPaths) {
    const dir = resolve(root, p);
    if (!existsSync(dir)) continue;
    if (existsSync(join(dir, 'package.json'))) candidates.push(dir);
    else candidates.push(...subfolders(dir));
  }
  const dirs = new Set<string>();
  for (const c of candidates) if (isAddonPackage(c)) dirs.add(realpathSync(c));
  return [...dirs].sort();
}

const IGNORED = new Set(['node_modules', '.git', 'web', 'test', '__snapshots__', 'dist', 'bench']);

/** Does a change of this file (relative to its addon folder) need a new kernel? */
export function reloads(rel: string): boolean {
  const parts = rel.split(sep);
  if (parts.some((p) => IGNORED.has(p) || p.startsWith('.'))) return false;
  return /\.(ts|mts|js|mjs|json)$/.test(rel) && !/\.test\.ts$/.test(rel);
}

/**
 * Calls `onChange` with the changed files (absolute), gathered over a short quiet spell: an editor's
 * save or the migration generator writes several files at once.
 */
export function watchAddons(dirs: readonly string[], onChange: (files: string[]) => void, quietMs = 40): () => void {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    const w = watch(dir, { recursive: true }, (_event, name) => {
      if (!name) return;
      const rel = relative(dir, join(dir, name.toString()));
      if (!reloads(rel)) return;
      changed.add(join(dir, rel));
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        const files = [...changed];
        changed.clear();
        onChange(files);
      }, quietMs);
    });
    w.on('error', () => {});
    watchers.push(w);
  }
  return () => {
    if (timer) clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
