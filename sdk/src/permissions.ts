/** Roles seeded for every tenant. */
export type SeededRole = 'owner' | 'admin' | 'member';

export interface PermissionDef {
  /** Readable description for the role editor. */
  title: string;
  /** Seeded roles that get this permission when the addon is enabled (owner always has all). */
  grant?: readonly SeededRole[];
}

/** The grant table: permission key → definition. Keys look like `addon.noun.action`. */
export type Permissions = Record<string, PermissionDef>;

const PERMISSION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,}$/;

export function definePermissions<const P extends Permissions>(p: P): P {
  for (const key of Object.keys(p)) {
    if (!PERMISSION.test(key)) {
      throw new Error(`Permission "${key}" must look like "addon.noun.action"`);
    }
  }
  return p;
}

/** Does a granted pattern (`*`, `crm.*`, `crm.contact.read`) cover a permission? */
export function permissionMatches(pattern: string, permission: string): boolean {
  if (pattern === '*' || pattern === permission) return true;
  return pattern.endsWith('.*') && permission.startsWith(pattern.slice(0, -1));
}
