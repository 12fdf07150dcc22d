import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError, UnauthenticatedError, type UserInfo } from '@elevate/sdk';
import { type TenantTx, withTenant } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import type { Runtime } from '../runtime.ts';
import { signAccessToken } from './jwt.ts';
import { dummyHash, verifyPassword } from './passwords.ts';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Login, refresh rotation with reuse detection, logout. A refresh token reads
 * `<tenant id>.<token id>.<secret>`; only a hash of the secret is stored.
 */
export class Sessions {
  private readonly rt: Runtime;
  constructor(rt: Runtime) {
    this.rt = rt;
  }

  async login(tenantSlug: string, email: string, password: string): Promise<TokenPair & { user: UserInfo }> {
    const invalid = () => new AppError('INVALID_CREDENTIALS', 'Email or password is incorrect', { status: 401 });
    const tenant = await this.rt.tenantBySlug(tenantSlug);
    if (!tenant) {
      await verifyPassword(await dummyHash(), password);
      throw invalid();
    }
    return withTenant(this.rt.pools.app, tenant.id, async (tx) => {
      const rows = await tx.query<UserInfo & { password_hash: string; active: boolean }>(
        'select id, email, name, password_hash, active from core_user where tenant_id = $2 and lower(email) = lower($1)',
        [email.trim(), tx.tenantId],
      );
      const user = rows[0];
      const ok = await verifyPassword(user?.password_hash ?? (await dummyHash()), password);
      if (!user || !ok || !user.active) throw invalid();
      const pair = await this.issue(tx, user.id, randomUUID());
      // For the admin's users list (last login).
      await tx.query('update core_user set last_login_at = now() where tenant_id = $1 and id = $2', [
        tx.tenantId,
        user.id,
      ]);
      return { ...pair, user: { id: user.id, email: user.email, name: user.name } };
    });
  }

  private async issue(tx: TenantTx, userId: string, familyId: string): Promise<TokenPair & { tokenId: string }> {
    const secret = randomBytes(32).toString('base64url');
    const rows = await tx.query<{ id: string }>(
      `insert into core_refresh_token (tenant_id, user_id, family_id, token_hash, expires_at)
       values ($1, $2, $3, $4, now() + make_interval(secs => $5)) returning id`,
      [tx.tenantId, userId, familyId, sha256(secret), this.rt.config.refreshTokenTtlSec],
    );
    const tokenId = (rows[0] as { id: string }).id;
    return {
      tokenId,
      accessToken: signAccessToken(
        { sub: userId, tid: tx.tenantId, fid: familyId },
        this.rt.config.jwtSecret,
        this.rt.config.accessTokenTtlSec,
      ),
      refreshToken: `${tx.tenantId}.${tokenId}.${secret}`,
      expiresIn: this.rt.config.accessTokenTtlSec,
      tokenType: 'Bearer',
    };
  }

  private parse(token: string): { tenantId: string; tokenId: string; secret: string } {
    const [tenantId, tokenId, secret] = token.split('.');
    if (!tenantId || !tokenId || !secret || !isUuid(tenantId) || !isUuid(tokenId)) {
      throw new UnauthenticatedError('Invalid refresh token');
    }
    return { tenantId, tokenId, secret };
  }

  /** Rotates: the presented token is spent; presenting a spent token revokes its whole family. */
  async refresh(token: string): Promise<TokenPair> {
    const { tenantId, tokenId, secret } = this.parse(token);
    let reused = false;
    const result = await withTenant(this.rt.pools.app, tenantId, async (tx) => {
      const rows = await tx.query<{
        user_id: string;
        family_id: string;
        token_hash: string;
        revoked_at: string | null;
        expired: boolean;
        active: boolean;
      }>(
        `select t.user_id, t.family_id, t.token_hash, t.revoked_at, t.expires_at < now() as expired, u.active
         from core_refresh_token t join core_user u on u.tenant_id = t.tenant_id and u.id = t.user_id
         where t.tenant_id = $2 and t.id = $1 for update of t`,
        [tokenId, tx.tenantId],
      );
      const row = rows[0];
      if (!row || row.token_hash !== sha256(secret)) throw new UnauthenticatedError('Invalid refresh token');
      if (row.revoked_at) {
        await tx.query(
          'update core_refresh_token set revoked_at = coalesce(revoked_at, now()) where tenant_id = $2 and family_id = $1',
          [row.family_id, tx.tenantId],
        );
        reused = true;
        return null;
      }
      if (row.expired || !row.active) throw new UnauthenticatedError('Refresh token expired');
      const next = await this.issue(tx, row.user_id, row.family_id);
      await tx.query(
        'update core_refresh_token set revoked_at = now(), replaced_by = $2 where tenant_id = $3 and id = $1',
        [tokenId, next.tokenId, tx.tenantId],
      );
      return next;
    });
    if (reused || !result) {
      this.rt.log.warn({ tenantId, tokenId }, 'refresh token reuse detected; session family revoked');
      throw new AppError('REFRESH_TOKEN_REUSED', 'This session was revoked; sign in again', { status: 401 });
    }
    const { tokenId: _, ...pair } = result;
    return pair;
  }

  /** Revokes the session (the refresh token's whole family). */
  async logout(token: string): Promise<void> {
    const { tenantId, tokenId, secret } = this.parse(token);
    await withTenant(this.rt.pools.app, tenantId, async (tx) => {
      const rows = await tx.query<{ family_id: string; token_hash: string }>(
        'select family_id, token_hash from core_refresh_token where tenant_id = $2 and id = $1',
        [tokenId, tx.tenantId],
      );
      const row = rows[0];
      if (!row || row.token_hash !== sha256(secret)) throw new UnauthenticatedError('Invalid refresh token');
      await tx.query(
        'update core_refresh_token set revoked_at = coalesce(revoked_at, now()) where tenant_id = $2 and family_id = $1',
        [row.family_id, tx.tenantId],
      );
    });
  }
}

/**
 * Opens the request's transaction and reads the caller's identity and permission patterns in
 * the same round trip (ids are validated UUIDs, so they can travel as literals). The session
 * family of the access token must still be live: one indexed probe of core_refresh_token
 * (tenant_id, family_id) for a token not revoked and not expired, so a logout, a detected refresh
 * reuse or a deactivation ends the access token at once, not when it expires.
 */
export async function openWithPrincipal(
  tx: TenantTx,
  userId: string,
  familyId: string,
  readOnly: boolean,
): Promise<{ user: UserInfo; patterns: string[] } | null> {
  if (!isUuid(userId) || !isUuid(familyId)) return null;
  const rows = (await tx.open({
    readOnly,
    extra: `select u.id, u.email, u.name, u.active,
       exists (select 1 from core_refresh_token t where t.tenant_id = u.tenant_id and t.family_id = '${familyId}'
          and t.user_id = u.id and t.revoked_at is null and t.expires_at > now()) as live,
       (select array_agg(distinct p) from core_user_role ur join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id,
          unnest(r.permissions) p where ur.tenant_id = u.tenant_id and ur.user_id = u.id) as patterns
     from core_user u where u.tenant_id = '${tx.tenantId}' and u.id = '${userId}'`,
  })) as unknown as (UserInfo & { active: boolean; live: boolean; patterns: string[] | null })[];
  const row = rows[0];
  if (!row?.active || !row.live) return null;
  return { user: { id: row.id, email: row.email, name: row.name }, patterns: row.patterns ?? [] };
}
