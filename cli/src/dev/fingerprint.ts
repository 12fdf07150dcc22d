// What `elevate dev` compares to skip `migrate` for an addon on a reload: a hash of everything of
// the addon that the database has to match — its version (install and upgrade hooks), its
// migrations (their names and their code) and its models and model extensions (fields, indexes,
// relations). A route, a service or a GraphQL fragment changed: same fingerprint, no migrate.
import { createHash } from 'node:crypto';
import type { AnyAddon } from '@elevate/sdk';

/** JSON with functions as their source and any model reached inside another as its name. */
function stable(value: unknown): string {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, top: boolean): unknown => {
    if (typeof v === 'function') return `fn:${String(v)}`;
    if (typeof v !== 'object' || v === null) return v;
    const kind = (v as { kind?: unknown }).kind;
    if (!top && kind === 'model') return `model:${(v as { name: string }).name}`;
    if (seen.has(v)) return '[cycle]';
    seen.add(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, false));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = walk((v as Record<string, unknown>)[k], false);
    return out;
  };
  return JSON.stringify(walk(value, true));
}

export function addonFingerprint(addon: AnyAddon): string {
  const h = createHash('sha256');
  h.update(`${addon.id}@${addon.version}\n`);
  for (const m of addon.migrations) h.update(`migration ${m.name}\n${String(m)}\n`);
  for (const m of addon.models) h.update(`model ${stable(m)}\n`);
  for (const e of addon.extensions) h.update(`extends ${e.model.name} ${stable({ ...e, model: e.model.name })}\n`);
  return h.digest('hex');
}

/** Addon id → fingerprint, for every addon the kernel runs. */
export function fingerprints(addons: readonly AnyAddon[]): Record<string, string> {
  return Object.fromEntries(addons.map((a) => [a.id, addonFingerprint(a)]));
}

/**
 * The addons to migrate, given what was migrated last time (null: never in this `elevate dev`, so
 * all of them). Empty: the database matches every addon as it is.
 */
export function toMigrate(now: Record<string, string>, last: Record<string, string> | null): string[] | null {
  if (!last) return null;
  return Object.keys(now).filter((id) => last[id] !== now[id]);
}
