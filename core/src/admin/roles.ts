import { randomBytes } from 'node:crypto';
import {
  type AnyAddon,
  AppError,
  ConflictError,
  type ErrorDetail,
  NotFoundError,
  SEEDED_ROLES,
  ValidationError,
} from '@elevate/sdk';
import type { TenantTx } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import { declaredText } from '../i18n/declared.ts';
import { SEEDED_ROLE_DEFS } from '../tenancy/tenants.ts';
import { coreMessages, covers, type PermissionGroup, patternProblem, permissionTable } from './permission-table.ts';

export interface RoleView {
  id: string;
  key: string;
  name: string;
  description: string | null;
  permissions: string[];
  /** One of the seeded owner/admin/manager/member: kept, not deletable. */
  seeded: boolean;
  /** The owner role holds `*`; its permissions cannot be edited. */
  editable: boolean;
  userCount: number;
}

export interface RoleInput {
  key?: string;
  name?: string;
  description?: string | null;
  permissions?: string[];
}

/** What the caller brings: their patterns (nobody hands out more than they hold) and the tenant's addons. */
export interface Caller {
  userId: string;
  patterns: readonly string[];
  enabled: ReadonlySet<string>;
}

const KEY = /^[a-z][a-z0-9-]{1,62}$/;
const SEEDED = new Set<string>(SEEDED_ROLES);

const SELECT = `select r.id, r.key, r.name, r.description, r.permissions,
    (select count(*)::int from core_user_role ur where ur.tenant_id = r.tenant_id and ur.role_id = r.id) as "userCount"
  from core_role r`;

const view = (r: Omit<RoleView, 'seeded' | 'editable'>): RoleView => ({
  ...r,
  permissions: [...r.permissions].sort(),
  seeded: SEEDED.has(r.key),
  editable: r.key !== 'owner',
});

/** A key from a name: `Sales rep` → `sales-rep`. */
const keyFrom = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);

/** Custom roles from the enabled addons' permissions, and the seeded defaults. */
export class Roles {
  private readonly addons: readonly AnyAddon[];
  constructor(addons: readonly AnyAddon[]) {
    this.addons = addons;
  }

  table(enabled: ReadonlySet<string>, language?: string | null): PermissionGroup[] {
    return permissionTable(this.addons, enabled, language);
  }

  /** The company's roles; a seeded role still under its seeded name is named in `language`. */
  async list(tx: TenantTx, language?: string | null): Promise<RoleView[]> {
    const rows = await tx.query<Omit<RoleView, 'seeded' | 'editable'>>(
      `${SELECT} where r.tenant_id = $1 order by array_position($2::text[], r.key::text) nulls last, r.name`,
      [tx.tenantId, [...SEEDED_ROLES]],
    );
    return rows.map(view).map((r) => {
      const seeded = r.seeded ? SEEDED_ROLE_DEFS[r.key as keyof typeof SEEDED_ROLE_DEFS] : undefined;
      return seeded && r.name === seeded.name
        ? { ...r, name: declaredText(coreMessages, language, `role.${r.key}`, r.name) }
        : r;
    });
  }

  async get(tx: TenantTx, id: string, lock = false): Promise<RoleView> {
    const rows = isUuid(id)
      ? await tx.query<Omit<RoleView, 'seeded' | 'editable'>>(
          `${SELECT} where r.tenant_id = $1 and r.id = $2${lock ? ' for update of r' : ''}`,
          [tx.tenantId, id],
        )
      : [];
    if (!rows[0]) throw new NotFoundError('Role');
    return view(rows[0]);
  }

  /** Validates the patterns against the permission table and the caller's own grants. */
  private permissions(caller: Caller, given: unknown): string[] {
    const table = this.table(caller.enabled);
    const details: ErrorDetail[] = [];
    const list = given as string[];
    list.forEach((p, i) => {
      const problem = patternProblem(table, p);
      if (problem) details.push({ path: `permissions.${i}`, message: problem });
    });
    if (details.length) throw new ValidationError('Invalid permissions', details);
    const beyond = list.filter((p) => !covers(caller.patterns, p));
    if (beyond.length) {
      throw new AppError('PERMISSION_NOT_HELD', `You cannot grant what you do not hold: ${beyond.join(', ')}`, {
        status: 403,
        details: beyond.map((p) => ({ path: 'permissions', message: `you do not hold "${p}"` })),
      });
    }
    return [...new Set(list)].sort();
  }

  async create(tx: TenantTx, caller: Caller, input: RoleInput): Promise<RoleView> {
    const name = (input.name ?? '').trim();
    const derived = keyFrom(name);
    // A name that makes no usable key (`R`, `Ведущий`) gets one of its own.
    const key =
      input.key ?? (KEY.test(derived) ? derived : `role-${derived || randomBytes(4).toString('hex')}`.slice(0, 63));
    const details: ErrorDetail[] = [];
    if (!name) details.push({ path: 'name', message: 'is required' });
    if (!KEY.test(key)) {
      details.push({
        path: 'key',
        message: 'must be 2-63 lowercase letters, digits or dashes, starting with a letter',
      });
    }
    if (details.length) throw new ValidationError('Invalid role', details);
    if (SEEDED.has(key))
      throw new ConflictError('ROLE_KEY_TAKEN', `"${key}" is a seeded role`, [{ path: 'key', message: 'is taken' }]);
    const permissions = this.permissions(caller, input.permissions ?? []);
    const rows = await tx.query<{ id: string }>(
      `insert into core_role (tenant_id, key, name, description, permissions) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, key) do nothing returning id`,
      [tx.tenantId, key, name, input.description ?? null, permissions],
    );
    if (!rows[0]) {
      throw new ConflictError('ROLE_KEY_TAKEN', `A role with the key "${key}" exists`, [
        { path: 'key', message: 'is taken' },
      ]);
    }
    return this.get(tx, rows[0].id);
  }

  /**
   * Name, description and permissions. The owner role is fixed (`*`). Patterns of addons that
   * are not enabled (not in the editor's table) are kept as they are.
   */
  async update(tx: TenantTx, caller: Caller, id: string, input: RoleInput): Promise<RoleView> {
    const role = await this.get(tx, id, true);
    if (input.key !== undefined && input.key !== role.key) {
      throw new ValidationError('Invalid role', [{ path: 'key', message: 'cannot be changed' }]);
    }
    if (input.name !== undefined && !input.name.trim()) {
      throw new ValidationError('Invalid role', [{ path: 'name', message: 'is required' }]);
    }
    let permissions = role.permissions;
    if (input.permissions !== undefined) {
      if (role.key === 'owner') {
        throw new ConflictError('ROLE_OWNER_FIXED', 'The owner role always holds every permission', [
          { path: 'permissions', message: 'cannot be changed for the owner role' },
        ]);
      }
      // Changing a role the caller could not have granted is handing out what they do not hold.
      const next = this.permissions(caller, input.permissions);
      const inTable = new Set(this.table(caller.enabled).map((g) => g.addon));
      const kept = role.permissions.filter((p) => !inTable.has(p.split('.')[0] ?? ''));
      const removed = role.permissions.filter((p) => !kept.includes(p) && !next.includes(p));
      const beyond = removed.filter((p) => !covers(caller.patterns, p));
      if (beyond.length) {
        throw new AppError('PERMISSION_NOT_HELD', `You cannot take away what you do not hold: ${beyond.join(', ')}`, {
          status: 403,
          details: beyond.map((p) => ({ path: 'permissions', message: `you do not hold "${p}"` })),
        });
      }
      permissions = [...new Set([...kept, ...next])].sort();
    }
    await tx.query(
      `update core_role set name = $3, description = $4, permissions = $5, updated_at = now() where tenant_id = $1 and id = $2`,
      [
        tx.tenantId,
        role.id,
        input.name?.trim() ?? role.name,
        input.description === undefined ? role.description : input.description,
        permissions,
      ],
    );
    return this.get(tx, role.id);
  }

  /** Custom roles only, and only when nobody holds them any more. */
  async remove(tx: TenantTx, id: string): Promise<void> {
    const role = await this.get(tx, id, true);
    if (role.seeded) throw new ConflictError('ROLE_SEEDED', `The ${role.key} role is a default and cannot be deleted`);
    if (role.userCount > 0) {
      throw new ConflictError(
        'ROLE_IN_USE',
        `${role.userCount} user(s) hold the role "${role.name}": change their roles first`,
      );
    }
    await tx.query('delete from core_role where tenant_id = $1 and id = $2', [tx.tenantId, role.id]);
  }
}
