import { type AnyAddon, AppError, ConflictError, NotFoundError, ValidationError } from '@elevate/sdk';
import { listCompanyOfUser } from '../auth/identities.ts';
import type { TenantTx } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import { covers } from './permission-table.ts';
import type { Caller } from './roles.ts';

export interface UserView {
  id: string;
  email: string;
  name: string;
  active: boolean;
  roles: string[];
  lastLoginAt: string | null;
  createdAt: string;
}

const SELECT = `select u.id, u.email, u.name, u.active, u.last_login_at as "lastLoginAt", u.created_at as "createdAt",
    coalesce((select array_agg(r.key order by r.key) from core_user_role ur
       join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
       where ur.tenant_id = u.tenant_id and ur.user_id = u.id), '{}') as roles
  from core_user u`;

/** 409 LAST_OWNER: a company always keeps one active owner. */
const lastOwner = (what: string) =>
  new ConflictError('LAST_OWNER', `This is the company's last active owner: ${what}. Make another user owner first.`);

/** The users screen: roles, deactivation, reassigning a leaver's records. */
export class Users {
  private readonly addons: readonly AnyAddon[];
  constructor(addons: readonly AnyAddon[]) {
    this.addons = addons;
  }

  async list(tx: TenantTx): Promise<UserView[]> {
    return tx.query<UserView>(`${SELECT} where u.tenant_id = $1 order by u.active desc, lower(u.name), u.email`, [
      tx.tenantId,
    ]);
  }

  async get(tx: TenantTx, id: string): Promise<UserView> {
    const rows = isUuid(id)
      ? await tx.query<UserView>(`${SELECT} where u.tenant_id = $1 and u.id = $2`, [tx.tenantId, id])
      : [];
    if (!rows[0]) throw new NotFoundError('User');
    return rows[0];
  }

  /**
   * Serialises every change that can take ownership away (row lock on the owner role), then
   * tells whether a user other than `except` is an active owner.
   */
  private async otherOwnerExists(tx: TenantTx, except: string): Promise<boolean> {
    await tx.query(`select id from core_role where tenant_id = $1 and key = 'owner' for update`, [tx.tenantId]);
    const rows = await tx.query(
      `select 1 from core_user u join core_user_role ur on ur.tenant_id = u.tenant_id and ur.user_id = u.id
       join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
       where u.tenant_id = $1 and r.key = 'owner' and u.active and u.id <> $2 limit 1`,
      [tx.tenantId, except],
    );
    return rows.length > 0;
  }

  /** Replaces a user's roles (by key). Only what the caller holds can be given or taken away. */
  async setRoles(tx: TenantTx, caller: Caller, id: string, keys: string[]): Promise<UserView> {
    const user = await this.get(tx, id);
    const wanted = [...new Set(keys)];
    if (wanted.length === 0)
      throw new ValidationError('Invalid roles', [{ path: 'roles', message: 'must name at least one role' }]);
    const roles = await tx.query<{ id: string; key: string; permissions: string[] }>(
      'select id, key, permissions from core_role where tenant_id = $1 and (key = any($2::text[]) or key = any($3::text[]))',
      [tx.tenantId, wanted, user.roles],
    );
    const byKey = new Map(roles.map((r) => [r.key, r]));
    const unknown = wanted.filter((k) => !byKey.has(k));
    if (unknown.length) {
      throw new ValidationError(
        'Invalid roles',
        unknown.map((k) => ({ path: 'roles', message: `no role "${k}"` })),
      );
    }
    const added = wanted.filter((k) => !user.roles.includes(k));
    const removed = user.roles.filter((k) => !wanted.includes(k));
    const beyond = [...added, ...removed].filter(
      (k) => !(byKey.get(k)?.permissions ?? []).every((p) => covers(caller.patterns, p)),
    );
    if (beyond.length) {
      throw new AppError(
        'PERMISSION_NOT_HELD',
        `Only a user holding everything a role grants can give or take it: ${beyond.join(', ')}`,
        {
          status: 403,
          details: beyond.map((k) => ({ path: 'roles', message: `you do not hold everything "${k}" grants` })),
        },
      );
    }
    if (removed.includes('owner') && user.active && !(await this.otherOwnerExists(tx, user.id))) {
      throw lastOwner('the owner role cannot be taken away');
    }
    await tx.query(
      'delete from core_user_role where tenant_id = $1 and user_id = $2 and not (role_id = any($3::uuid[]))',
      [tx.tenantId, user.id, wanted.map((k) => byKey.get(k)?.id)],
    );
    await tx.query(
      `insert into core_user_role (tenant_id, user_id, role_id) select $1, $2, unnest($3::uuid[]) on conflict do nothing`,
      [tx.tenantId, user.id, wanted.map((k) => byKey.get(k)?.id)],
    );
    return this.get(tx, user.id);
  }

  /**
   * Deactivated: their access tokens are refused from the next request (the first round trip
   * checks `active`) and every session (refresh token) is revoked, so reactivating does not
   * bring old sessions back. Their records stay.
   */
  async setActive(tx: TenantTx, caller: Caller, id: string, active: boolean): Promise<UserView> {
    const user = await this.get(tx, id);
    if (!active) {
      if (user.id === caller.userId)
        throw new ConflictError('CANNOT_DEACTIVATE_SELF', 'You cannot deactivate yourself');
      if (user.roles.includes('owner') && !(await this.otherOwnerExists(tx, user.id))) {
        throw lastOwner('they cannot be deactivated');
      }
      if (user.roles.includes('owner') && !caller.patterns.includes('*')) {
        throw new AppError('PERMISSION_NOT_HELD', 'Only an owner can deactivate an owner', { status: 403 });
      }
      await tx.query(
        'update core_refresh_token set revoked_at = now() where tenant_id = $1 and user_id = $2 and revoked_at is null',
        [tx.tenantId, user.id],
      );
    }
    await tx.query('update core_user set active = $3, updated_at = now() where tenant_id = $1 and id = $2', [
      tx.tenantId,
      user.id,
      active,
    ]);
    // The person's other companies no longer offer to switch here (and do again when reactivated).
    await listCompanyOfUser(tx, user.id, active);
    return this.get(tx, user.id);
  }

  /**
   * Hands every record `from` owns, in every owned model of every enabled addon, to `to`, in the
   * caller's transaction (all or nothing). Returns the count per model.
   */
  async reassign(
    tx: TenantTx,
    enabled: ReadonlySet<string>,
    from: string,
    to: unknown,
  ): Promise<{ moved: Record<string, number>; total: number }> {
    const source = await this.get(tx, from);
    if (typeof to !== 'string' || !isUuid(to)) {
      throw new ValidationError('Invalid reassignment', [{ path: 'to', message: 'must be a user id' }]);
    }
    const target = await tx.query<{ active: boolean }>(
      'select active from core_user where tenant_id = $1 and id = $2',
      [tx.tenantId, to],
    );
    if (!target[0]) throw new ValidationError('Invalid reassignment', [{ path: 'to', message: 'no such user' }]);
    if (!target[0].active)
      throw new ValidationError('Invalid reassignment', [{ path: 'to', message: 'is deactivated' }]);
    if (to === source.id)
      throw new ValidationError('Invalid reassignment', [{ path: 'to', message: 'is the same user' }]);
    const moved: Record<string, number> = {};
    let total = 0;
    for (const addon of this.addons) {
      if (!enabled.has(addon.id)) continue;
      for (const model of addon.models) {
        if (!model.owned) continue;
        // Table names come from model names (`addon.noun`, checked by defineModel): safe to quote.
        const rows = await tx.query<{ n: number }>(
          `with m as (update "${model.table}" set owner_id = $3, updated_at = now()
             where tenant_id = $1 and owner_id = $2 returning 1) select count(*)::int as n from m`,
          [tx.tenantId, source.id, to],
        );
        const n = rows[0]?.n ?? 0;
        moved[model.name] = n;
        total += n;
      }
    }
    return { moved, total };
  }
}
