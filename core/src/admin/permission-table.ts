import { type AnyAddon, parseGrant, permissionMatches, type RecordScope, serverMessages } from '@elevate/sdk';
import { addonTitle, declaredText } from '../i18n/declared.ts';
import { corePermissions } from '../tenancy/tenants.ts';

/** The core's group title, permission titles and seeded role names in other languages (./messages/<lang>.json). */
export const coreMessages = serverMessages(new URL('./messages/', import.meta.url));

/** One row of the role editor's table: a permission an addon declares, and the scopes it takes. */
export interface PermissionRow {
  key: string;
  title: string;
  /**
   * The grant forms it takes: `all` for every permission; `team` and `own` too when it guards an
   * owned model's rows (`<access>.read|write|delete` of a model with `owned: true`), where record
   * rules apply.
   */
  scopes: RecordScope[];
}

export interface PermissionGroup {
  addon: string;
  title: string;
  permissions: PermissionRow[];
}

const RANK: Record<RecordScope, number> = { own: 1, team: 2, all: 3 };
const ROW_ACTIONS = ['read', 'write', 'delete'];

function rows(
  perms: Record<string, { title: string }>,
  addon: AnyAddon | null,
  language: string | null | undefined,
): PermissionRow[] {
  const messages = addon ? addon.messages : coreMessages;
  const owned = new Set((addon?.models ?? []).filter((m) => m.owned).map((m) => m.access));
  return Object.entries(perms)
    .map(([key, def]) => {
      const dot = key.lastIndexOf('.');
      const scoped = owned.has(key.slice(0, dot)) && ROW_ACTIONS.includes(key.slice(dot + 1));
      const title = declaredText(messages, language, `permission.${key}`, def.title);
      return { key, title, scopes: scoped ? (['all', 'team', 'own'] as RecordScope[]) : ['all' as const] };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * The permission table of a tenant: the core's, then each enabled addon's (in dependency order),
 * titled in `language` where the addon's catalogue says so (`permission.<key>`).
 */
export function permissionTable(
  addons: readonly AnyAddon[],
  enabled: ReadonlySet<string>,
  language?: string | null,
): PermissionGroup[] {
  return [
    {
      addon: 'core',
      title: declaredText(coreMessages, language, 'group.core', 'Administration'),
      permissions: rows(corePermissions, null, language),
    },
    ...addons
      .filter((a) => enabled.has(a.id) && Object.keys(a.permissions).length > 0)
      .map((a) => ({ addon: a.id, title: addonTitle(a, language), permissions: rows(a.permissions, a, language) })),
  ];
}

/**
 * Why a pattern may not go into a custom role, or null. Allowed: a declared permission of the
 * table (`crm.contact.read`), with a scope it takes (`crm.contact.read@own`), or a whole addon
 * of the table (`crm.*`). `*` is the owner's alone.
 */
export function patternProblem(table: readonly PermissionGroup[], pattern: string): string | null {
  const { pattern: key, scope } = parseGrant(pattern);
  const at = pattern.indexOf('@');
  if (at >= 0 && !['own', 'team', 'all'].includes(pattern.slice(at + 1)))
    return `"${pattern}": scope must be own, team or all`;
  if (key.endsWith('.*')) {
    const addon = key.slice(0, -2);
    if (!table.some((g) => g.addon === addon)) return `"${pattern}": no enabled addon "${addon}"`;
    return at >= 0 ? `"${pattern}": a whole addon takes no scope` : null;
  }
  const row = table.flatMap((g) => g.permissions).find((p) => p.key === key);
  if (!row) return `"${pattern}" is not a permission of an enabled addon`;
  if (!row.scopes.includes(scope)) return `"${pattern}": ${key} takes no record scope`;
  return null;
}

/**
 * Does the caller's set of patterns cover a pattern entirely (the same or a wider permission,
 * with the same or a wider record scope)? Nobody hands out more than they hold.
 */
export function covers(held: readonly string[], pattern: string): boolean {
  const { pattern: key, scope } = parseGrant(pattern);
  return held.some((h) => {
    const { pattern: hk, scope: hs } = parseGrant(h);
    if (RANK[hs] < RANK[scope]) return false;
    if (hk === '*') return true;
    if (key === '*') return false;
    if (key.endsWith('.*')) return hk === key || (hk.endsWith('.*') && key.startsWith(hk.slice(0, -1)));
    return permissionMatches(hk, key);
  });
}
