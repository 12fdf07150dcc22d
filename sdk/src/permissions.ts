// No imports here: the web app's browser bundle imports this file (`@elevate/sdk/permissions`),
// so the kernel and the sidebar decide with the same function.

/** Roles seeded for every tenant, in order of reach (the one list the kernel, CLI and web use). */
export const SEEDED_ROLES = ['owner', 'admin', 'manager', 'member'] as const;

/** Roles seeded for every tenant. */
export type SeededRole = (typeof SEEDED_ROLES)[number];

/**
 * Record rules: how much of a model a grant covers. `all` rows, the rows owned by the user's
 * `team` (anyone sharing a team with them), or only the user's `own` rows.
 */
export type RecordScope = 'all' | 'team' | 'own';

/** A seeded role, optionally limited to a record scope: `'member@own'`, `'manager@team'`. */
export type Grant = SeededRole | `${SeededRole}@${'own' | 'team'}`;

export interface PermissionDef {
  /** Readable description for the role editor. */
  title: string;
  /** Seeded roles that get this permission when the addon is enabled (owner always has all). */
  grant?: readonly Grant[];
}

/** The grant table: permission key → definition. Keys look like `addon.noun.action`. */
export type Permissions = Record<string, PermissionDef>;

/** The core's own permissions (core/src/tenancy/tenants.ts declares them with these keys). */
export type CorePermission =
  | 'core.addons.manage'
  | 'core.users.manage'
  | 'core.settings.manage'
  | 'core.audit.read'
  | 'core.apikeys.manage'
  | 'core.webhooks.manage'
  | 'core.automation.manage'
  | 'core.privacy.manage'
  | 'core.money.manage'
  | 'core.comments.moderate'
  | 'core.views.share'
  | 'core.views.manage'
  | 'core.customfields.manage';

/**
 * The permission strings a declaration may name, from grant tables (`typeof permissions`, the
 * value of `definePermissions`) or literal strings, plus the core's: `PermissionOf<typeof
 * permissions & typeof crmPermissions>`, `PermissionOf<typeof permissions | 'crm.contact.read'>`.
 * A plain `Permissions` (no literal keys) allows any string, as before.
 */
export type PermissionOf<P = Permissions> = P extends string
  ? P | CorePermission
  : string extends keyof P
    ? string
    : (keyof P & string) | CorePermission;

const PERMISSION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,}$/;

export function definePermissions<const P extends Permissions>(p: P): P {
  for (const key of Object.keys(p)) {
    if (!PERMISSION.test(key)) {
      throw new Error(`Permission "${key}" must look like "addon.noun.action"`);
    }
  }
  return p;
}

/**
 * Splits a granted pattern into its permission part and record scope (`crm.contact.read@own`).
 * An unknown scope narrows to `own`: a typo must never widen what a role sees.
 */
export function parseGrant(pattern: string): { pattern: string; scope: RecordScope } {
  const at = pattern.indexOf('@');
  if (at < 0) return { pattern, scope: 'all' };
  const scope = pattern.slice(at + 1);
  return {
    pattern: pattern.slice(0, at),
    scope: scope === 'own' || scope === 'team' || scope === 'all' ? scope : 'own',
  };
}

/** Does a granted pattern (`*`, `crm.*`, `crm.contact.read`, `crm.contact.read@own`) cover a permission? */
export function permissionMatches(granted: string, permission: string): boolean {
  const { pattern } = parseGrant(granted);
  if (pattern === '*' || pattern === permission) return true;
  return pattern.endsWith('.*') && permission.startsWith(pattern.slice(0, -1));
}

/**
 * The rule of the kernel and of the web app (which only shows or hides; the API enforces it):
 * a permission passes when its addon (first segment) is `core` or enabled for the tenant, and a
 * granted pattern covers it, whatever the pattern's record scope.
 */
export function allows(
  granted: readonly string[],
  enabled: ReadonlySet<string> | readonly string[],
  permission: string,
): boolean {
  const owner = permission.split('.')[0] ?? '';
  const on = 'has' in enabled ? enabled.has(owner) : enabled.includes(owner);
  return (owner === 'core' || on) && granted.some((g) => permissionMatches(g, permission));
}

const RANK: Record<RecordScope, number> = { own: 1, team: 2, all: 3 };

/** The widest record scope the granted patterns give for a permission, or null. */
export function widestScope(granted: readonly string[], permission: string): RecordScope | null {
  let best: RecordScope | null = null;
  for (const g of granted) {
    if (!permissionMatches(g, permission)) continue;
    const { scope } = parseGrant(g);
    if (!best || RANK[scope] > RANK[best]) best = scope;
  }
  return best;
}
