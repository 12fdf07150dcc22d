import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { discoverAddonPackages, findWorkspaceRoot } from './discover.ts';

export { findWorkspaceRoot };

/** An addon package's web entry: `exports["./web"]` of its package.json, as an absolute path. */
export interface WebEntry {
  /** The addon's id (from its server entry, as the kernel knows it). */
  id: string;
  /** The package's name, e.g. '@elevate/crm'. */
  name: string;
  /** The package folder. */
  dir: string;
  /** The web entry file. */
  file: string;
}

type ExportTarget = string | { import?: string; default?: string } | undefined;

function webExport(pkg: { exports?: unknown }): string | null {
  const e = pkg.exports;
  if (!e || typeof e !== 'object') return null;
  const target = (e as Record<string, ExportTarget>)['./web'];
  if (typeof target === 'string') return target;
  return target?.import ?? target?.default ?? null;
}

/**
 * The web entries of the addon packages the kernel finds (the workspace's addons/*, installed
 * packages, the extra folders of ADDON_PATHS), sorted by addon id. Packages without a `./web` export
 * contribute no pages.
 */
export async function discoverWebEntries(root: string, extraDirs: readonly string[] = []): Promise<WebEntry[]> {
  const packages = await discoverAddonPackages(root, extraDirs);
  return packages
    .flatMap(({ addon, dir }) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; exports?: unknown };
      const file = webExport(pkg);
      return file ? [{ id: addon.id, name: pkg.name ?? addon.id, dir: resolve(dir), file: resolve(dir, file) }] : [];
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}
