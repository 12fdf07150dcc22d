import { type AnyAddon, AppError } from '@elevate/sdk';
import semver from 'semver';
import { checkManifest } from './manifest.ts';

function fail(code: string, message: string): never {
  throw new AppError(code, message, { status: 500, expose: true });
}

/**
 * Validates every manifest and the dependency graph, and returns the addons in
 * dependency order (a dependency always before its dependents).
 */
export function resolveAddons(addons: readonly AnyAddon[], platformVersion: string): AnyAddon[] {
  const byId = new Map<string, AnyAddon>();
  for (const addon of addons) {
    checkManifest(addon);
    const prev = byId.get(addon.id);
    if (prev && prev !== addon) fail('ADDON_DUPLICATE', `Two addons declare the id "${addon.id}"`);
    byId.set(addon.id, addon);
  }
  for (const addon of byId.values()) {
    if (!semver.satisfies(platformVersion, addon.platform, { includePrerelease: true })) {
      fail(
        'ADDON_PLATFORM_MISMATCH',
        `Addon "${addon.id}" was written for platform ${addon.platform}, but this platform is ${platformVersion}: install a version of "${addon.id}" made for platform ${platformVersion}`,
      );
    }
    for (const dep of addon.depends) {
      const found = byId.get(dep.addon.id);
      if (!found) {
        fail('ADDON_MISSING_DEPENDENCY', `Addon "${addon.id}" depends on "${dep.addon.id}", which is not installed`);
      }
      if (!semver.satisfies(found.version, dep.range, { includePrerelease: true })) {
        fail(
          'ADDON_VERSION_MISMATCH',
          `Addon "${addon.id}" needs "${dep.addon.id}" ${dep.range}, but version ${found.version} is installed`,
        );
      }
    }
  }
  checkExtensions(byId);
  // Depth-first topological sort; the path on the stack names a cycle when one is met.
  const order: AnyAddon[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      fail('ADDON_DEPENDENCY_CYCLE', `Addon dependency cycle: ${cycle.join(' → ')}`);
    }
    state.set(id, 'visiting');
    const addon = byId.get(id) as AnyAddon;
    for (const dep of addon.depends) visit(dep.addon.id, [...path, id]);
    state.set(id, 'done');
    order.push(addon);
  };
  for (const id of [...byId.keys()].sort()) visit(id, []);
  return order;
}

/** The addon and everything it needs, dependencies first. */
export function dependencyClosure(addon: AnyAddon, byId: ReadonlyMap<string, AnyAddon>): AnyAddon[] {
  const out: AnyAddon[] = [];
  const seen = new Set<string>();
  const visit = (a: AnyAddon) => {
    if (seen.has(a.id)) return;
    seen.add(a.id);
    for (const dep of a.depends) visit(byId.get(dep.addon.id) ?? dep.addon);
    out.push(a);
  };
  visit(addon);
  return out;
}

/**
 * An addon may extend only models of addons it depends on (directly or through another
 * dependency): their tables exist before its migrations add columns, and a tenant cannot enable it
 * without them.
 */
function checkExtensions(byId: ReadonlyMap<string, AnyAddon>): void {
  const ownerOf = new Map<unknown, string>();
  for (const a of byId.values()) for (const m of a.models) ownerOf.set(m, a.id);
  for (const addon of byId.values()) {
    if (!addon.extensions.length) continue;
    const deps = new Set(dependencyClosure(addon, byId).map((a) => a.id));
    for (const ext of addon.extensions) {
      const owner = ownerOf.get(ext.model);
      if (owner === addon.id) {
        fail(
          'ADDON_EXTENDS_OWN_MODEL',
          `Addon "${addon.id}" extends its own model ${ext.model.name}: add the fields to the model`,
        );
      }
      if (!owner || !deps.has(owner)) {
        fail(
          'ADDON_EXTENDS_UNDECLARED',
          `Addon "${addon.id}" extends ${ext.model.name}, but does not depend on the addon that declares it${owner ? ` ("${owner}")` : ''}`,
        );
      }
    }
  }
}
