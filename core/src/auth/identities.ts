import { randomUUID } from 'node:crypto';
import { ConflictError, type UserInfo } from '@elevate/sdk';
import type pg from 'pg';
import { audit } from '../audit/audit.ts';
import { type TenantTx, withTenant } from '../db/tenant-tx.ts';

/**
 * A person's identity: one password however many companies they belong to (core-0016). Each
 * company's account (`core_user`) points at it; a transaction sees an identity only through a
 * user of its own company (the policy on core_identity), so these functions work inside one
 * company's transaction like every other query.
 */

/** A new account in the transaction's company: a new identity, or `identityId` (joining with an existing one). */
export async function insertAccount(
  tx: TenantTx,
  u: { email: string; name: string; passwordHash?: string; identityId?: string; language?: string; verified?: boolean },
): Promise<UserInfo & { identityId: string }> {
  const identityId = u.identityId ?? randomUUID();
  if (!u.identityId) {
    if (!u.passwordHash) throw new Error('a new identity needs a password');
    // No RETURNING: the row is invisible to this company until its user points at it.
    await tx.query('insert into core_identity (id, password_hash, tenant_ids) values ($1, $2, array[$3::uuid])', [
      identityId,
      u.passwordHash,
      tx.tenantId,
    ]);
  }
  let user: UserInfo;
  try {
    const rows = await tx.query<UserInfo>(
      `insert into core_user (tenant_id, email, name, identity_id, language, email_verified_at)
       values ($1, $2, $3, $4, $5, case when $6 then now() end) returning id, email, name`,
      [tx.tenantId, u.email.trim(), u.name, identityId, u.language ?? null, u.verified === true],
    );
    user = rows[0] as UserInfo;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new ConflictError('USER_EMAIL_TAKEN', `A user with the email ${u.email} already exists`);
    }
    throw err;
  }
  if (u.identityId) {
    // The joined company is now one of the person's (the tenant switcher lists them).
    await tx.query(
      `update core_identity set tenant_ids = array_append(array_remove(tenant_ids, $2::uuid), $2::uuid), updated_at = now()
       where id = $1`,
      [identityId, tx.tenantId],
    );
  }
  return { ...user, identityId };
}

/** The password hash of a user of the transaction's company (with its identity). */
export async function accountCredentials(
  tx: TenantTx,
  where: { userId: string } | { email: string },
): Promise<(UserInfo & { active: boolean; identity_id: string; password_hash: string }) | undefined> {
  const byId = 'userId' in where;
  const rows = await tx.query<UserInfo & { active: boolean; identity_id: string; password_hash: string }>(
    `select u.id, u.email, u.name, u.active, u.identity_id, i.password_hash
     from core_user u join core_identity i on i.id = u.identity_id
     where u.tenant_id = $2 and ${byId ? 'u.id = $1' : 'lower(u.email) = lower($1)'}`,
    [byId ? where.userId : where.email.trim(), tx.tenantId],
  );
  return rows[0];
}

/**
 * Sets the person's password (every company they belong to uses it) and signs them out of
 * this company at once; their sessions in the person's other companies end after the commit,
 * one company transaction each (`otherSessions`).
 */
export async function setIdentityPassword(
  tx: TenantTx,
  pool: pg.Pool,
  userId: string,
  passwordHash: string,
): Promise<void> {
  const rows = await tx.query<{ identity_id: string; tenant_ids: string[] }>(
    `update core_identity i set password_hash = $3, updated_at = now()
     from core_user u where u.tenant_id = $1 and u.id = $2 and i.id = u.identity_id
     returning i.id as identity_id, i.tenant_ids`,
    [tx.tenantId, userId, passwordHash],
  );
  await tx.query(
    'update core_refresh_token set revoked_at = coalesce(revoked_at, now()) where tenant_id = $1 and user_id = $2',
    [tx.tenantId, userId],
  );
  const row = rows[0];
  if (!row) return;
  // The hash is on the identity (no tenant table, no trigger): the change is an entry of its own.
  await audit(tx, { action: 'password_changed', table: 'core_user', recordId: userId, userId });
  const others = row.tenant_ids.filter((t) => t !== tx.tenantId);
  if (others.length) tx.onCommit(() => void revokeIdentitySessions(pool, row.identity_id, others));
}

async function revokeIdentitySessions(pool: pg.Pool, identityId: string, tenantIds: string[]): Promise<void> {
  for (const tenantId of tenantIds) {
    await withTenant(pool, tenantId, (tx) =>
      tx.query(
        `update core_refresh_token t set revoked_at = coalesce(t.revoked_at, now())
         from core_user u where u.tenant_id = $1 and u.identity_id = $2 and t.tenant_id = u.tenant_id and t.user_id = u.id
           and t.revoked_at is null`,
        [tenantId, identityId],
      ),
    ).catch(() => undefined);
  }
}

/** The companies the person behind this user belongs to (the tenant switcher), this one included. */
export async function identityCompanies(
  tx: TenantTx,
  userId: string,
): Promise<{ id: string; slug: string; name: string; current: boolean }[]> {
  return tx.query(
    `select t.id, t.slug, t.name, t.id = $1 as current
     from core_user u join core_identity i on i.id = u.identity_id
       join core_tenant t on t.id = any(i.tenant_ids)
     where u.tenant_id = $1 and u.id = $2
     order by t.id = $1 desc, t.name`,
    [tx.tenantId, userId],
  );
}

/** The person's account in the transaction's company, if they have an active one there. */
export async function accountOfIdentity(tx: TenantTx, identityId: string): Promise<UserInfo | undefined> {
  const rows = await tx.query<UserInfo>(
    'select id, email, name from core_user where tenant_id = $1 and identity_id = $2 and active',
    [tx.tenantId, identityId],
  );
  return rows[0];
}

/**
 * Lists (or unlists) the transaction's company among the companies of the user's identity: a
 * deactivated account's company leaves the person's tenant switcher, and comes back with them.
 */
export async function listCompanyOfUser(tx: TenantTx, userId: string, listed: boolean): Promise<void> {
  await tx.query(
    `update core_identity i set tenant_ids = case when $3 then array_append(array_remove(i.tenant_ids, $1::uuid), $1::uuid)
        else array_remove(i.tenant_ids, $1::uuid) end, updated_at = now()
     from core_user u where u.tenant_id = $1 and u.id = $2 and i.id = u.identity_id`,
    [tx.tenantId, userId, listed],
  );
}
