// The addons' web contributions: the `web` export of each addon package's exports["./web"], which
// the build finds wherever the kernel finds addons (the workspace, node_modules, ADDON_PATHS).
// Nothing here names an addon. Page and widget modules are code-split; menus are tiny and bundled
// with the shell.

import { contributions } from 'virtual:elevate/addon-web';
import {
  type Api,
  allows,
  type ContributedModule,
  iconNames,
  type LoadArgs,
  labelIn,
  type MenuEntry,
  registerMessages,
} from '@elevate/sdk/web';
import { contributionPath, matchRoute, pageSegments, unknownIcons } from './routes.ts';
import { loadSlot, type Viewer } from './slots.ts';

// Said once, where the app starts (the server's log) and in the browser's console.
for (const line of unknownIcons(contributions, iconNames)) console.warn(line);

// Each addon's message catalogues (docs/i18n.md), loaded per language by the app's layouts.
for (const { id, web } of contributions) if (web.messages) registerMessages(id, web.messages);

/** A menu entry's label in the user's language (its `labelKey` in the addon's catalogue), else its label. */
export function menuLabel(entry: ResolvedMenuEntry): string {
  return labelIn(entry.addon, entry.labelKey, entry.label);
}

type Loader = () => Promise<ContributedModule>;

interface PageRoute {
  addon: string;
  segments: string[];
  load: Loader;
}

const pages: PageRoute[] = contributions.flatMap(({ id, web }) =>
  Object.entries(web.pages ?? {}).flatMap(([file, load]) => {
    const rest = contributionPath(file, 'pages');
    return rest === null ? [] : [{ addon: id, segments: pageSegments(rest), load }];
  }),
);

/** Addon ids that contribute pages, menus or widgets. */
export const webAddons: ReadonlySet<string> = new Set(contributions.map((c) => c.id));

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
  for (const { id, web } of contributions) {
    if (!enabled.includes(id)) continue;
    for (const entry of web.menu ?? []) {
      out.push({ ...entry, addon: id, href: `/${id}${entry.path ? `/${entry.path}` : ''}` });
    }
  }
  return out.sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.label.localeCompare(b.label));
}

/** Dashboard widgets of the given (enabled) addons, in file order per addon. */
export function widgetLoaders(enabled: readonly string[]): { addon: string; name: string; load: Loader }[] {
  return contributions
    .filter((c) => enabled.includes(c.id))
    .flatMap(({ id, web }) =>
      Object.entries(web.widgets ?? {}).flatMap(([file, load]) => {
        const name = contributionPath(file, 'widgets');
        return name === null ? [] : [{ addon: id, name, load }];
      }),
    )
    .sort((a, b) => a.addon.localeCompare(b.addon) || a.name.localeCompare(b.name));
}

/** The arguments of a page's or widget's load: the API, parameters, permission check and slots. */
export function loadArgs(viewer: Viewer, api: Api, params: Record<string, string>, url: URL): LoadArgs {
  const can = (p: string) => allows(viewer.permissions, viewer.enabledAddons, p);
  const base = { api, params, url, can };
  return { ...base, slot: (slot, props) => loadSlot(contributions, viewer, slot, props, base) };
}
