// One kernel process of `elevate dev` (the hidden `dev-server` command). It loads the core, its
// libraries and the addons as they are first — nearly all of a process's start-up — then waits,
// warm, until the supervisor says go. Only the addons whose files changed since (and those that
// depend on them) are imported again (fresh-modules.ts), and `migrate` runs only for addons whose
// migrations, models or version changed (fingerprint.ts), so an edit of a route costs the import of
// one addon plus the kernel's own start.
import { realpathSync } from 'node:fs';
import { sep } from 'node:path';
import type { AnyAddon } from '@elevate/sdk';
import { describeError } from '../errors.ts';
import type { Kernel } from '../runtime.ts';
import { keepAlive, loadCliConfig } from '../runtime.ts';
import { fingerprints, toMigrate } from './fingerprint.ts';
import { freshFrom, installFreshModules } from './fresh-modules.ts';
import type { FromChild, Steps, ToChild } from './protocol.ts';
import { watchedAddonDirs } from './watch.ts';

function send(msg: FromChild): void {
  process.send?.(msg);
}

interface Loaded {
  addon: AnyAddon;
  dir: string;
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/** The addons to import again: those holding a changed file, then every addon depending on one. */
export function staleAddons(loaded: readonly Loaded[] | null, changed: readonly string[]): Loaded[] | 'all' {
  if (!loaded || changed.some((f) => f.endsWith(`${sep}package.json`))) return 'all';
  const within = (f: string, dir: string) => f.startsWith(dir + sep);
  const stale = new Set(loaded.filter((l) => changed.some((f) => within(f, realDir(l.dir)))).map((l) => l.addon.id));
  if (changed.some((f) => !loaded.some((l) => within(f, realDir(l.dir))))) return 'all';
  for (let grew = true; grew; ) {
    grew = false;
    for (const l of loaded) {
      if (stale.has(l.addon.id) || !l.addon.depends.some((d) => stale.has(d.addon.id))) continue;
      stale.add(l.addon.id);
      grew = true;
    }
  }
  return loaded.filter((l) => stale.has(l.addon.id));
}

export async function devServer(): Promise<void> {
  if (!process.send) throw new Error('dev-server runs under `elevate dev` only');
  keepAlive();
  installFreshModules();
  const { createKernel, discoverAddonPackages, findWorkspaceRoot } = await import('@elevate/core');
  const root = findWorkspaceRoot();
  const config = await loadCliConfig({ port: 0, host: '127.0.0.1', webBuildDir: null });
  // The addons as they are now; a failure (a syntax error being typed) is met again on go.
  const first = await discoverAddonPackages(root, config.addonPaths).catch(() => null);
  // A throwaway kernel of those addons, stopped at once: the first `createKernel` of a process
  // runs cold (the GraphQL clash check's schema build and the ORM's entity discovery take 3-4
  // times as long as later ones), so the spare pays that while it waits instead of after a save.
  // It opens no database connection; its failure is met again on go.
  if (first) {
    const warm = await createKernel({ config, addons: first.map((l) => l.addon), lazyValidators: true }).catch(
      () => null,
    );
    await warm?.stop().catch(() => {});
  }
  let kernel: Kernel | null = null;
  const stop = async () => {
    await kernel?.stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => {}); // the supervisor decides; Ctrl+C reaches the whole group
  process.on('disconnect', () => void stop());
  process.on('message', async (msg: ToChild) => {
    if (msg.type === 'stop') return void stop();
    if (msg.type !== 'go') return;
    const cpu = process.cpuUsage();
    const steps: Steps = [];
    let at = performance.now();
    const step = (name: string) => {
      const now = performance.now();
      steps.push([name, Math.round(now - at)]);
      at = now;
    };
    try {
      const stale = staleAddons(first, msg.changed);
      let addons = first?.map((l) => l.addon) ?? [];
      if (stale === 'all' || stale.length) {
        const dirs = stale === 'all' ? watchedAddonDirs(root, config.addonPaths) : stale.map((l) => l.dir);
        await freshFrom([...new Set([...dirs, ...dirs.map(realDir)])]);
        addons = (await discoverAddonPackages(root, config.addonPaths)).map((p) => p.addon);
      }
      step(`import ${stale === 'all' ? 'all' : stale.map((l) => l.addon.id).join(' ') || 'none'}`);
      kernel = await createKernel({ config, addons, lazyValidators: true });
      step('kernel');
      const migrated = fingerprints(kernel.addons);
      const only = toMigrate(migrated, msg.migrated);
      if (only?.length === 0) steps.push(['migrate: none changed', 0]);
      else
        await kernel.migrate({
          ...(only ? { only } : {}),
          onStep: (n, ms) => steps.push([`migrate: ${n}`, Math.round(ms)]),
        });
      step(only ? `migrate ${only.join(' ')}`.trim() : 'migrate all');
      const demo = msg.demo ? await kernel.seedDemo() : null;
      if (demo) step('demo');
      const { url } = await kernel.listen();
      step('listen');
      const used = process.cpuUsage(cpu);
      send({
        type: 'ready',
        url,
        login: demo && { tenant: demo.tenant.slug, email: demo.email, password: demo.password },
        cpuMs: Math.round((used.user + used.system) / 1000),
        steps,
        migrated,
      });
    } catch (err) {
      send({ type: 'failed', lines: describeError(err) });
      await kernel?.stop().catch(() => {});
      process.exit(1);
    }
  });
  send({ type: 'warm' });
}
