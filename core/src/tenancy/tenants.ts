import {
  AppError,
  ConflictError,
  type CorePermission,
  type PermissionDef,
  SEEDED_ROLES,
  type SeededRole,
  type TenantInfo,
  type UserInfo,
  ValidationError,
} from '@elevate/sdk';
import { insertAccount } from '../auth/identities.ts';
import { hashPassword } from '../auth/passwords.ts';
import { type TenantTx, withTenant } from '../db/tenant-tx.ts';
import type { CreateTenantInput, RoleKey } from '../kernel-api.ts';
import type { Runtime } from '../runtime.ts';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED = new Set(['www', 'api', 'app', 'admin', 'static', 'assets', 'graphql', 'healthz', 'readyz']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Core permissions; owner holds '*', admin holds 'core.*' plus addon grants. */
export const corePermissions = {
  'core.addons.manage': { title: 'Enable, disable and configure addons' },
  'core.users.manage': { title: 'Invite users and assign roles' },
  'core.settings.manage': { title: 'Change company settings and branding (logo, colours)' },
  'core.audit.read': { title: 'Read and export the audit log (who changed what, logins, exports)' },
  'core.apikeys.manage': { title: 'Create and revoke API keys for integrations' },
  'core.webhooks.manage': { title: 'Manage outgoing webhooks (endpoints, secrets, deliveries)' },
  'core.automation.manage': { title: 'Build automation rules and read their run history' },
  'core.privacy.manage': { title: 'Export or erase everything about a person (privacy requests)' },
  'core.money.manage': { title: 'Set the company currency and manage exchange rates' },
  'core.comments.moderate': { title: "Delete anyone's comments" },
  'core.views.share': { title: 'Share saved views of lists with everyone in the company' },
  'core.views.manage': { title: "Change or delete other users' shared views" },
  'core.customfields.manage': { title: 'Add, change and archive custom fields; see every custom value' },
} satisfies Record<CorePermission, PermissionDef>;

/** What each seeded role starts with; addons add their grants on enable (keyed by the one role list). */
export const SEEDED_ROLE_DEFS: Record<SeededRole, { name: string; permissions: string[] }> = {
  owner: { name: 'Owner', permissions: ['*'] },
  admin: { name: 'Administrator', permissions: ['core.*'] },
  manager: { name: 'Manager', permissions: ['core.views.share'] },
  member: { name: 'Member', permissions: [] },
};

export function validateCredentials(email: string, password: string): void {
  const details = [];
  if (!EMAIL.test(email) || email.length > 320) details.push({ path: 'email', message: 'must be an email address' });
  if (password.length < 8 || password.length > 256) {
    details.push({ path: 'password', message: 'must be 8 to 256 characters' });
  }
  if (details.length) throw new ValidationError('Invalid credentials format', details);
}

export class Tenants {
  private readonly rt: Runtime;
  constructor(rt: Runtime) {
    this.rt = rt;
  }

  /** Creates a tenant, its seeded roles and its owner, in one transaction per step. */
  async create(input: CreateTenantInput): Promise<{ tenant: TenantInfo; owner: UserInfo }> {
    const slug = input.slug.trim().toLowerCase();
    const details = [];
    if (!SLUG.test(slug) || RESERVED.has(slug)) {
      details.push({ path: 'slug', message: 'must be 1-63 lowercase letters, digits or dashes, and not reserved' });
    }
    if (!input.name.trim() || input.name.length > 200)
      details.push({ path: 'name', message: 'must be 1-200 characters' });
    if (details.length) throw new ValidationError('Invalid tenant', details);
    validateCredentials(input.ownerEmail, input.ownerPassword);
    const passwordHash = await hashPassword(input.ownerPassword);
    const client = await this.rt.pools.app.connect();
    let tenant: TenantInfo;
    try {
      const res = await client.query<TenantInfo>(
        'insert into core_tenant (slug, name) values ($1, $2) returning id, slug, name',
        [slug, input.name.trim()],
      );
      tenant = res.rows[0] as TenantInfo;
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new ConflictError('TENANT_SLUG_TAKEN', `The company address "${slug}" is already taken`);
      }
      throw err;
    } finally {
      client.release();
    }
    try {
      const owner = await withTenant(this.rt.pools.app, tenant.id, async (tx) => {
        await tx.query(
          `insert into core_role (tenant_id, key, name, permissions)
           select $1, r.key, r.name, array(select jsonb_array_elements_text(r.permissions))
           from jsonb_to_recordset($2::jsonb) as r(key text, name text, permissions jsonb)`,
          [tenant.id, JSON.stringify(SEEDED_ROLES.map((key) => ({ key, ...SEEDED_ROLE_DEFS[key] })))],
        );
        return insertUser(tx, {
          email: input.ownerEmail,
          name: input.ownerName ?? input.ownerEmail.split('@')[0] ?? 'Owner',
          passwordHash,
          role: 'owner',
        });
      });
      // The kernel's per-tenant job schedulers (the daily digest); bounded, a failure is only logged.
      await this.rt
        .syncSchedules(tenant.id)
        .catch((err) => this.rt.log.warn({ err: String(err) }, 'job schedulers of a new tenant not created yet'));
      return { tenant, owner };
    } catch (err) {
      await this.rt.pools.app.query('delete from core_tenant where id = $1', [tenant.id]);
      throw err;
    }
  }

  async createUser(
    tenantId: string,
    input: { email: string; password: string; name?: string; role: RoleKey },
  ): Promise<UserInfo> {
    validateCredentials(input.email, input.password);
    const passwordHash = await hashPassword(input.password);
    return withTenant(this.rt.pools.app, tenantId, (tx) =>
      insertUser(tx, {
        email: input.email,
        name: input.name ?? input.email.split('@')[0] ?? input.email,
        passwordHash,
        role: input.role,
      }),
    );
  }

  async list(): Promise<TenantInfo[]> {
    return (await this.rt.pools.app.query<TenantInfo>('select id, slug, name from core_tenant order by slug')).rows;
  }
}

async function insertUser(
  tx: TenantTx,
  u: { email: string; name: string; passwordHash: string; role: RoleKey },
): Promise<UserInfo> {
  const { identityId: _, ...user } = await insertAccount(tx, {
    email: u.email,
    name: u.name,
    passwordHash: u.passwordHash,
  });
  const role = await tx.query<{ id: string }>('select id from core_role where tenant_id = $2 and key = $1', [
    u.role,
    tx.tenantId,
  ]);
  if (!role[0]) throw new AppError('ROLE_NOT_FOUND', `No role "${u.role}"`, { status: 400 });
  await tx.query('insert into core_user_role (tenant_id, user_id, role_id) values ($1, $2, $3)', [
    tx.tenantId,
    user.id,
    role[0].id,
  ]);
  return user;
}
