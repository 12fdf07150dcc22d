import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError, NotFoundError, UnauthenticatedError, type UserInfo } from '@elevate/sdk';
import { CUSTOM_FIELDS_STAMP_SQL } from '../custom-fields/stamp.ts';
import { type TenantTx, withTenant } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import type { Runtime } from '../runtime.ts';
import { accountCredentials, accountOfIdentity } from './identities.ts';
import { signAccessToken } from './jwt.ts';
import type { MfaMethod } from './mfa.ts';
import { dummyHash, verifyPassword } from './passwords.ts';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Where a sign-in or refresh came from (the sessions list shows it). */
export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

/** The password step's answer when the user has a second factor: no session yet, a challenge. */
export interface MfaChallenge {
  mfaRequired: true;
  /** Send back with the code to POST /api/v1/auth/mfa, or with a passkey to /api/v1/auth/mfa/webauthn (5 minutes). */
  mfaToken: string;
  /** The factors this account has: `totp` (a code, or a backup code), `webauthn` (a passkey). */
  methods: MfaMethod[];
  expiresIn: number;
  user: UserInfo;
}

export type LoginResult = (TokenPair & { user: UserInfo; mfaEnrolmentRequired?: boolean }) | MfaChallenge;

/** A signed-in session (one refresh-token family) as its user sees it. */
export interface SessionInfo {
  id: string;
  device: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

/** A short, readable name for a user agent: "Firefox on Windows". */
export function deviceName(ua: string | null | undefined): string {
  if (!ua) return 'Unknown device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrome\/|Chromium\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : /curl\//i.test(ua)
              ? 'curl'
              : /node|undici/i.test(ua)
                ? 'Script'
                : 'Browser';
  const os = /iPhone|iPad|iPod/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : null;
  return os ? `${browser} on ${os}` : browser;
}

/**
 * Login, refresh rotation with reuse detection, logout. A refresh token reads
 * `<tenant id>.<token id>.<secret>`; only a hash of the secret is stored.
 */
export class Sessions {
  private readonly rt: Runtime;
  constructor(rt: Runtime) {
    this.rt = rt;
  }

  /** Set by the kernel: the second-factor check of the password step (mfa.ts). */
  mfa: {
    state(tx: TenantTx, userId: string): Promise<{ enabled: boolean; required: boolean; methods: MfaMethod[] }>;
    challenge(tenantId: string, userId: string): { token: string; expiresIn: number };
  } | null = null;

  async login(tenantSlug: string, email: string, password: string, client: ClientInfo = {}): Promise<LoginResult> {
    const invalid = () => new AppError('INVALID_CREDENTIALS', 'Email or password is incorrect', { status: 401 });
    const tenant = await this.rt.tenantBySlug(tenantSlug);
    if (!tenant) {
      await verifyPassword(await dummyHash(), password);
      throw invalid();
    }
    return withTenant(this.rt.pools.app, tenant.id, async (tx) => {
      const user = await accountCredentials(tx, { email });
      const ok = await verifyPassword(user?.password_hash ?? (await dummyHash()), password);
      if (!user || !ok || !user.active) throw invalid();
      return this.afterPassword(tx, { id: user.id, email: user.email, name: user.name }, client);
    });
  }

  /**
   * What follows a proven password: with a second factor, a challenge and no token (the code
   * step issues them); without, a session (gated to enrolment if the company requires a factor).
   */
  private async afterPassword(tx: TenantTx, info: UserInfo, client: ClientInfo): Promise<LoginResult> {
    const mfa = this.mfa ? await this.mfa.state(tx, info.id) : { enabled: false, required: false, methods: [] };
    if (mfa.enabled && this.mfa) {
      const c = this.mfa.challenge(tx.tenantId, info.id);
      return {
        mfaRequired: true,
        mfaToken: c.token,
        expiresIn: c.expiresIn,
        methods: mfa.methods,
        user: info,
      } as const;
    }
    const { tokenId: _, ...pair } = await this.issue(tx, info.id, randomUUID(), client);
    await this.recordLogin(tx, info.id);
    return { ...pair, user: info, ...(mfa.required ? { mfaEnrolmentRequired: true } : {}) };
  }

  /**
   * The signed-in person opens their account in another company they belong to (the tenant
   * switcher): their identity's password was proven by the current session, so the steps are
   * those after the password in that company — its second factor if the account has one, its
   * gate if it requires one. `404` for a company the person has no active account in.
   */
  async switchTo(
    identityId: string,
    slug: string,
    client: ClientInfo = {},
  ): Promise<LoginResult & { tenant: { slug: string } }> {
    const tenant = await this.rt.tenantBySlug(slug.trim().toLowerCase());
    if (!tenant) throw new NotFoundError('Company');
    return withTenant(this.rt.pools.app, tenant.id, async (tx) => {
      const user = await accountOfIdentity(tx, identityId);
      if (!user) throw new NotFoundError('Company');
      return { tenant: { slug: tenant.slug }, ...(await this.afterPassword(tx, user, client)) };
    });
  }

  /** A new session for a user who passed every factor (the MFA step calls it too). */
  async start(tx: TenantTx, user: UserInfo, client: ClientInfo = {}): Promise<TokenPair & { user: UserInfo }> {
    const { tokenId: _, ...pair } = await this.issue(tx, user.id, randomUUID(), client);
    await this.recordLogin(tx, user.id);
    return { ...pair, user };
  }

  /** For the admin's users list (last login): when a session starts, after every factor. */
  private async recordLogin(tx: TenantTx, userId: string): Promise<void> {
    await tx.query('update core_user set last_login_at = now() where tenant_id = $1 and id = $2', [
      tx.tenantId,
      userId,
    ]);
  }

  private async issue(
    tx: TenantTx,
    userId: string,
    familyId: string,
    client: ClientInfo = {},
  ): Promise<TokenPair & { tokenId: string }> {
    const secret = randomBytes(32).toString('base64url');
    const rows = await tx.query<{ id: string }>(
      `insert into core_refresh_token (tenant_id, user_id, family_id, token_hash, expires_at, user_agent, ip)
       values ($1, $2, $3, $4, now() + make_interval(secs => $5), $6, $7) returning id`,
      [
        tx.tenantId,
        userId,
        familyId,
        sha256(secret),
        this.rt.config.refreshTokenTtlSec,
        client.userAgent?.slice(0, 512) ?? null,
        client.ip?.slice(0, 64) ?? null,
      ],
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
  async refresh(token: string, client: ClientInfo = {}): Promise<TokenPair> {
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
      const next = await this.issue(tx, row.user_id, row.family_id, client);
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
 * The user's live sessions, newest use first: one per refresh-token family, with the device it
 * was signed in on (the sign-in's user agent: the web app's server refreshes for the browser) and
 * the address of its last sign-in or refresh. "Last used" is the last refresh (an access token lives 15
 * minutes, so it is at most that stale; recording every request would be a write per request).
 */
export async function listSessions(tx: TenantTx, userId: string, currentFamily?: string): Promise<SessionInfo[]> {
  const rows = await tx.query<{
    id: string;
    user_agent: string | null;
    ip: string | null;
    created_at: string;
    last_used_at: string;
  }>(
    `select family_id as id, min(created_at) as created_at, max(created_at) as last_used_at,
       (array_agg(user_agent order by created_at) filter (where user_agent is not null))[1] as user_agent,
       (array_agg(ip order by created_at desc) filter (where ip is not null))[1] as ip
     from core_refresh_token where tenant_id = $2 and user_id = $1
       and family_id in (select family_id from core_refresh_token where tenant_id = $2 and user_id = $1
         and revoked_at is null and expires_at > now())
     group by family_id order by max(created_at) desc`,
    [userId, tx.tenantId],
  );
  return rows.map((r) => ({
    id: r.id,
    device: deviceName(r.user_agent),
    userAgent: r.user_agent,
    ip: r.ip,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    current: r.id === currentFamily,
  }));
}

/**
 * Signs a user out: one session (`familyId`), or every one (but `except`, when given). Their
 * access tokens stop at once (the family check in `openWithPrincipal`). Returns how many ended.
 */
export async function revokeSessions(
  tx: TenantTx,
  userId: string,
  opts: { familyId?: string; except?: string } = {},
): Promise<number> {
  const rows = await tx.query<{ family_id: string }>(
    `update core_refresh_token set revoked_at = now()
     where tenant_id = $2 and user_id = $1 and revoked_at is null
       and ($3::uuid is null or family_id = $3) and ($4::uuid is null or family_id <> $4)
     returning family_id`,
    [userId, tx.tenantId, opts.familyId ?? null, opts.except ?? null],
  );
  return new Set(rows.map((r) => r.family_id)).size;
}

/**
 * Opens the request's transaction and reads the caller's identity and permission patterns in
 * the same round trip (ids are validated UUIDs, so they can travel as literals). The session
 * family of the access token must still be live: one indexed probe of core_refresh_token
 * (tenant_id, family_id) for a token not revoked and not expired, so a logout, a detected refresh
 * reuse or a deactivation ends the access token at once, not when it expires. `mfaGate`: the
 * company requires two-step sign-in and the user has no factor yet (mfa-gate.ts); two more
 * index probes, only for a company that requires it.
 */
export async function openWithPrincipal(
  tx: TenantTx,
  userId: string,
  familyId: string,
  readOnly: boolean,
): Promise<{ user: UserInfo; patterns: string[]; mfaGate: boolean; customFieldsStamp: string } | null> {
  if (!isUuid(userId) || !isUuid(familyId)) return null;
  const rows = (await tx.open({
    readOnly,
    extra: `select u.id, u.email, u.name, u.locale, u.time_zone as "timeZone", u.language, u.active,
       exists (select 1 from core_refresh_token t where t.tenant_id = u.tenant_id and t.family_id = '${familyId}'
          and t.user_id = u.id and t.revoked_at is null and t.expires_at > now()) as live,
       (select array_agg(distinct p) from core_user_role ur join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id,
          unnest(r.permissions) p where ur.tenant_id = u.tenant_id and ur.user_id = u.id) as patterns,
       case when coalesce((select s.require_mfa from core_security_settings s where s.tenant_id = u.tenant_id), false)
         then not (exists (select 1 from core_user_mfa m where m.tenant_id = u.tenant_id and m.user_id = u.id
                     and m.confirmed_at is not null)
                   or exists (select 1 from core_webauthn_credential w where w.tenant_id = u.tenant_id and w.user_id = u.id))
         else false end as mfa_gate,
       ${CUSTOM_FIELDS_STAMP_SQL}
     from core_user u where u.tenant_id = '${tx.tenantId}' and u.id = '${userId}'`,
  })) as unknown as (UserInfo & {
    active: boolean;
    live: boolean;
    patterns: string[] | null;
    mfa_gate: boolean;
    cf_stamp: string;
  })[];
  const row = rows[0];
  if (!row?.active || !row.live) return null;
  return {
    user: {
      id: row.id,
      email: row.email,
      name: row.name,
      locale: row.locale ?? null,
      timeZone: row.timeZone ?? null,
      language: row.language ?? null,
    },
    patterns: row.patterns ?? [],
    mfaGate: row.mfa_gate === true,
    customFieldsStamp: row.cf_stamp,
  };
}
