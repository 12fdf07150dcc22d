// The addons' pages, menus and widgets, found through each addon package's exports["./web"] (the
// packages the kernel finds: the workspace's addons/*, node_modules, ADDON_PATHS; set ADDON_PATHS for
// the build as for the kernel). They reach the app as one virtual module, `virtual:elevate/addon-web`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { Plugin } from 'vite';

export interface WebEntry {
  id: string;
  name: string;
  dir: string;
  file: string;
}

const ID = 'virtual:elevate/addon-web';
const RESOLVED = `\0${ID}`;

/** Source of the virtual module: each entry's `web` export under its addon id. */
export function virtualModule(entries: readonly WebEntry[]): string {
  const imports = entries.map((e, i) => `import { web as w${i} } from ${JSON.stringify(e.file)};`);
  const list = entries.map((e, i) => `{ id: ${JSON.stringify(e.id)}, web: w${i} }`);
  return `${imports.join('\n')}\nexport const contributions = [${list.join(', ')}];\n`;
}

/** Tailwind scans only what a file pattern names: the Svelte and TS files beside each web entry. */
export function tailwindSources(entries: readonly WebEntry[]): string {
  return entries
    .flatMap((e) => [join(dirname(e.file), '**/*.svelte'), join(dirname(e.file), '**/*.ts')])
    .map((p) => `@source ${JSON.stringify(p)};`)
    .join('\n');
}

function discover(webDir: string): WebEntry[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(webDir, 'scripts/addon-web-entries.ts')], {
    cwd: webDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out) as WebEntry[];
}

export function addonWeb(webDir: string): Plugin[] {
  let entries: WebEntry[] | null = null;
  const found = () => {
    entries ??= discover(webDir);
    return entries;
  };
  const main: Plugin = {
    name: 'elevate:addon-web',
    enforce: 'pre',
    config() {
      const list = found();
      return {
        // One copy of the UI kit (its context key, its format settings) and of SvelteKit for every
        // addon, however the addon package was installed.
        resolve: { dedupe: ['@elevate/sdk', '@sveltejs/kit'] },
        // Addon packages ship source (Svelte, TypeScript): compile them, never externalise them.
        ssr: { noExternal: ['@elevate/sdk', ...list.map((e) => e.name)] },
        optimizeDeps: { exclude: ['@elevate/sdk', ...list.map((e) => e.name)] },
        server: { fs: { allow: [join(webDir, '..'), ...list.map((e) => e.dir)] } },
      };
    },
    resolveId(id) {
      return id === ID ? RESOLVED : null;
    },
    load(id) {
      return id === RESOLVED ? virtualModule(found()) : null;
    },
    transform(code, id) {
      if (!id.startsWith(join(webDir, 'src/app.css'))) return null;
      return { code: code.replace('/* @addon-sources */', tailwindSources(found())), map: null };
    },
  };
  return [main, ...addonPageHmr(found)];
}

const PARTIAL_ACCEPT = 'import.meta.hot.acceptExports(["default"],(module) => {';

/**
 * Hot updates for an addon's page in place. vite-plugin-svelte makes a component accept updates of
 * its default export only; an addon page also exports `load`, `title` and `permission` from its
 * module script, and its importer is the addon's `import.meta.glob` (a dynamic import, whose bindings
 * Vite cannot see), so every edit of a page climbed to the root and reloaded the whole page, losing
 * its state. Here the page accepts itself: an edit of its markup, style or instance script updates
 * the component in place; an edit of its module script (the loader and the exports the app holds)
 * still reloads, because the app keeps the old ones. Development only; the build is untouched.
 */
export function patchPageHmr(code: string, source: string): string | null {
  if (!code.includes(PARTIAL_ACCEPT)) return null;
  const moduleScript = /<script\b[^>]*\bmodule\b[^>]*>([\s\S]*?)<\/script>/.exec(source)?.[1] ?? '';
  const sig = createHash('sha256').update(moduleScript).digest('hex').slice(0, 16);
  return `${code.replace(
    PARTIAL_ACCEPT,
    'import.meta.hot.accept((module) => {\n\t\tif (module?.__moduleScript !== __moduleScript) return import.meta.hot.invalidate();',
  )}\nexport const __moduleScript = ${JSON.stringify(sig)};\n`;
}

/** The dev server's half of the addon pages (see `patchPageHmr`), for the entries `found` lists. */
function addonPageHmr(found: () => WebEntry[]): Plugin[] {
  let dirs: string[] | null = null;
  const sources = new Map<string, string>();
  const inAddon = (id: string) => {
    // Vite names a module by its real path; an addon may be reached through a symlink.
    dirs ??= found().flatMap((e) => [dirname(e.file), realpathSync(dirname(e.file))].map((d) => `${d}${sep}`));
    return id.endsWith('.svelte') && dirs.some((d) => id.startsWith(d));
  };
  return [
    {
      name: 'elevate:addon-page-source',
      apply: 'serve',
      enforce: 'pre',
      transform(code, id) {
        // Before Svelte compiles it: the source, whose module script decides reload or update.
        if (inAddon(id)) sources.set(id, code);
        return null;
      },
    },
    {
      name: 'elevate:addon-page-hmr',
      apply: 'serve',
      enforce: 'post',
      transform(code, id) {
        const source = sources.get(id);
        if (source === undefined) return null;
        const patched = patchPageHmr(code, source);
        return patched === null ? null : { code: patched, map: null };
      },
    },
  ];
}
