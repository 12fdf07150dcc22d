// The addons' web contributions, found by file convention in every workspace addon's own
// package (addons/<id>/web/). Nothing here names an addon: a new addon folder with a web/
// folder shows up at the next build. The folder name is the addon id (as the kernel's addons do).
// Page and widget modules are code-split; menus are tiny and bundled with the shell.
import type { ContributedModule, MenuEntry } from '../kit/types.ts';
import { matchRoute, pageSegments, parseFile } from './routes.ts';

type Loader = () => Promise<ContributedModule>;

const pageFiles = import.meta.glob<ContributedModule>('../../../../addons/*/web/pages/**/*.svelte');
const widgetFiles = import.meta.glob<ContributedModule>([
  '../../../../addons/*/web/widgets/*.svelte',
  // Test fixture addons' widgets (code-split: loaded only for a tenant that enabled such an addon,
  // which a kernel has only when ADDON_PATHS names it, as browser tests do).
  '../../../../tests/fixtures/addons/*/web/widgets/*.svelte',
]);
const menuFiles = import.meta.glob<{ menu?: MenuEntry[] }>('../../../../addons/*/web/menu.ts', { eager: true });

interface PageRoute {
  addon: string;
  segments: string[];
  load: Loader;
}

const pages: PageRoute[] = Object.entries(pageFiles).flatMap(([file, load]) => {
  const p = parseFile(file);
  return p ? [{ addon: p.addon, segments: pageSegments(p.rest), load }] : [];
});

/** Addon ids that contribute pages, menus or widgets. */
export const webAddons: ReadonlySet<string> = new Set(
  [...Object.keys(pageFiles), ...Object.keys(widgetFiles), ...Object.keys(menuFiles)].flatMap(
    (f) => parseFile(f)?.addon ?? [],
  ),
);

/** The page of `addon` for a path below it (['contacts', '42']), with its parameters. */
export function findPage(
  addon: string,
  path: string[],
): { load: Loader; params: Record<string, string>; file: string } | null {
  const found = matchRoute(pages, addon, path);
  return found
    ? { load: found.route.load, params: found.params, file: found.route.segments.join('/') || 'index' }
    : null;
}

export interface ResolvedMenuEntry extends MenuEntry {
  addon: string;
  /** '/<addon>/<path>' (without the tenant base). */
  href: string;
}

/** Menu entries of the given (enabled) addons, sorted by `order`, then label. */
export function menuEntries(enabled: readonly string[]): ResolvedMenuEntry[] {
  const out: ResolvedMenuEntry[] = [];
  for (const [file, mod] of Object.entries(menuFiles)) {
    const p = parseFile(file);
    if (!p || !enabled.includes(p.addon)) continue;
    for (const entry of mod.menu ?? []) {
      out.push({ ...entry, addon: p.addon, href: `/${p.addon}${entry.path ? `/${entry.path}` : ''}` });
    }
  }
  return out.sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.label.localeCompare(b.label));
}

/** Dashboard widgets of the given (enabled) addons, in file order per addon. */
export function widgetLoaders(enabled: readonly string[]): { addon: string; name: string; load: Loader }[] {
  return Object.entries(widgetFiles)
    .flatMap(([file, load]) => {
      const p = parseFile(file);
      return p && enabled.includes(p.addon) ? [{ addon: p.addon, name: p.rest, load }] : [];
    })
    .sort((a, b) => a.addon.localeCompare(b.addon) || a.name.localeCompare(b.name));
}
