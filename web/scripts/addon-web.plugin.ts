// The addons' pages, menus and widgets, found through each addon package's exports["./web"] (the
// packages the kernel finds: the workspace's addons/*, node_modules, ADDON_PATHS; set ADDON_PATHS for
// the build as for the kernel). They reach the app as one virtual module, `virtual:elevate/addon-web`.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
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

export function addonWeb(webDir: string): Plugin {
  let entries: WebEntry[] | null = null;
  const found = () => {
    entries ??= discover(webDir);
    return entries;
  };
  return {
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
}
