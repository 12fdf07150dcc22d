import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, ConflictError, NotFoundError, UnauthenticatedError, type UserInfo } from '@elevate/sdk';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { type TenantTx, withTenant } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import type { Runtime } from '../runtime.ts';
import { SecretBox } from './secret-box.ts';
import type { ClientInfo, Sessions, TokenPair } from './sessions.ts';
import { relyingParty, WebAuthn } from './webauthn.ts';

/** TOTP per RFC 6238: 6 digits, 30-second steps; a code one step early or late is accepted. */
export const TOTP_PERIOD_SEC = 30;
/** ±30 s: the step before and after the current one (a phone's clock a little off), not two. */
export const TOTP_TOLERANCE_SEC = 30;
export const BACKUP_CODE_COUNT = 10;
const CHALLENGE_TTL_SEC = 300;
const CODE = /^\d{6}$/;

/**
 * A wrong code. Signed in (enrol, disable), it is bad input: 400 naming `code` (a 401 would read
 * as "your session ended"). At the sign-in's code step it is 401 (see `complete`).
 */
const invalidCode = (status = 400) =>
  new AppError('INVALID_MFA_CODE', 'The code is not right; try the current one', {
    status,
    details: [{ path: 'code', message: 'is not right' }],
  });

/**
 * Checks a TOTP code at `epoch` (seconds), refusing a step at or before `afterStep` (a code
 * used once cannot be replayed). Returns the matched step, or null.
 */
export async function checkTotp(
  secret: string,
  code: string,
  opts: { epoch?: number; afterStep?: number } = {},
): Promise<number | null> {
  if (!CODE.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    period: TOTP_PERIOD_SEC,
    epochTolerance: TOTP_TOLERANCE_SEC,
    ...(opts.epoch !== undefined ? { epoch: opts.epoch } : {}),
    ...(opts.afterStep ? { afterTimeStep: opts.afterStep } : {}),
  });
  // TOTP results carry the matched step (the union type also covers HOTP).
  return result.valid ? (result as unknown as { timeStep: number }).timeStep : null;
}

/** Backup codes read `xxxxx-xxxxx` (lowercase base32, 50 random bits); typed with or without the dash. */
function newBackupCode(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(10);
  let s = '';
  for (const b of bytes) s += alphabet[b % 32];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}
const normalizeBackup = (code: string) => code.trim().toLowerCase().replaceAll('-', '').replaceAll(' ', '');

/** The second factors of a sign-in: an authenticator app's code (or a backup code), a passkey. */
export type MfaMethod = 'totp' | 'webauthn';

export interface MfaStatus {
  /** The authenticator app (TOTP) is on. */
  enabled: boolean;
  /** Passkeys registered (each is a second factor too). */
  passkeys: number;
  /** Enrolment started, not yet confirmed with a first code. */
  pending: boolean;
  backupCodesLeft: number;
  /** The company requires every user to have a second factor. */
  required: boolean;
}

export interface Enrolment {
  secret: string;
  otpauthUrl: string;
  /** The otpauth URL as a QR code (PNG data URL) for an authenticator app. */
  qr: string;
}

/**
 * TOTP second factor: enrolment (confirmed by a first code), backup codes, the login's code
 * step, disable, an admin's reset, the tenant's "require MFA" setting. The shared secret is kept
 * encrypted (AES-256-GCM, a key derived from JWT_SECRET); backup codes as HMAC-SHA-256 under the
 * same derived secret, so a copy of the database alone cannot brute-force them.
 */
export class Mfa {
  private readonly rt: Runtime;
  private readonly box: SecretBox;
  /** Signs login challenges (the TOTP secrets' key derivation, kept as it was). */
  private readonly key: Buffer;
  private readonly hmacKey: Buffer;
  /** Passkeys, the other second factor (webauthn.ts); valid on PUBLIC_URL's host and its subdomains. */
  readonly passkeys: WebAuthn;
  constructor(rt: Runtime) {
    this.rt = rt;
    this.box = new SecretBox('elevate-mfa-secret', rt.config.jwtSecret);
    this.passkeys = new WebAuthn(relyingParty(rt.config.publicUrl));
    this.key = createHash('sha256').update(`elevate-mfa-secret:${rt.config.jwtSecret}`).digest();
    this.hmacKey = createHash('sha256').update(`elevate-mfa-backup:${rt.config.jwtSecret}`).digest();
  }

  private seal(secret: string): string {
    return this.box.seal(secret);
  }

  private open(sealed: string): string {
    return this.box.open(sealed);
  }

  private backupHash(userId: string, code: string): string {
    return createHmac('sha256', this.hmacKey)
      .update(`${userId}:${normalizeBackup(code)}`)
      .digest('hex');
  }

  /** For the password step: does the user have a confirmed factor, does the company require one? */
  async state(tx: TenantTx, userId: string): Promise<{ enabled: boolean; required: boolean; methods: MfaMethod[] }> {
    const rows = await tx.query<{ totp: boolean; passkey: boolean; required: boolean }>(
      `select exists (select 1 from core_user_mfa where tenant_id = $2 and user_id = $1 and confirmed_at is not null) as totp,
         exists (select 1 from core_webauthn_credential where tenant_id = $2 and user_id = $1) as passkey,
         coalesce((select require_mfa from core_security_settings where tenant_id = $2), false) as required`,
      [userId, tx.tenantId],
    );
    const r = rows[0] ?? { totp: false, passkey: false, required: false };
    const methods: MfaMethod[] = [
      ...(r.totp ? (['totp'] as const) : []),
      ...(r.passkey ? (['webauthn'] as const) : []),
    ];
    return { enabled: methods.length > 0, required: r.required, methods };
  }

  async status(tx: TenantTx, userId: string): Promise<MfaStatus> {
    const rows = await tx.query<MfaStatus>(
      `select coalesce(m.confirmed_at is not null, false) as enabled,
         coalesce(m.confirmed_at is null and m.user_id is not null, false) as pending,
         (select count(*)::int from core_mfa_backup_code b where b.tenant_id = $2 and b.user_id = $1 and b.used_at is null) as "backupCodesLeft",
         (select count(*)::int from core_webauthn_credential w where w.tenant_id = $2 and w.user_id = $1) as passkeys,
         coalesce((select require_mfa from core_security_settings where tenant_id = $2), false) as required
       from (select 1) one left join core_user_mfa m on m.tenant_id = $2 and m.user_id = $1`,
      [userId, tx.tenantId],
    );
    return rows[0] as MfaStatus;
  }

  /** Starts (or restarts) enrolment: a new secret, shown once; refused while a factor is enabled. */
  async enrol(tx: TenantTx, user: UserInfo, issuer: string): Promise<Enrolment> {
    const rows = await tx.query<{ confirmed_at: string | null }>(
      'select confirmed_at from core_user_mfa where tenant_id = $2 and user_id = $1 for update',
      [user.id, tx.tenantId],
    );
    if (rows[0]?.confirmed_at) {
      throw new ConflictError(
        'MFA_ALREADY_ENABLED',
        'Two-step sign-in is already on; turn it off first to start again',
      );
    }
    const secret = generateSecret();
    await tx.query(
      `insert into core_user_mfa (tenant_id, user_id, secret) values ($2, $1, $3)
       on conflict (tenant_id, user_id) do update set secret = excluded.secret, last_step = 0, created_at = now()`,
      [user.id, tx.tenantId, this.seal(secret)],
    );
    const otpauthUrl = generateURI({ issuer, label: user.email, secret, period: TOTP_PERIOD_SEC });
    return { secret, otpauthUrl, qr: await QRCode.toDataURL(otpauthUrl, { margin: 1, width: 240 }) };
  }

  /** Confirms enrolment with a first code; answers the 10 backup codes (shown once). */
  async confirm(tx: TenantTx, userId: string, code: string): Promise<{ backupCodes: string[] }> {
    const rows = await tx.query<{ secret: string; confirmed_at: string | null }>(
      'select secret, confirmed_at from core_user_mfa where tenant_id = $2 and user_id = $1 for update',
      [userId, tx.tenantId],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError('MFA enrolment', { code: 'MFA_NOT_ENROLLING' });
    if (row.confirmed_at) throw new ConflictError('MFA_ALREADY_ENABLED', 'Two-step sign-in is already on');
    const step = await checkTotp(this.open(row.secret), code);
    if (step === null) throw invalidCode();
    await tx.query(
      'update core_user_mfa set confirmed_at = now(), last_step = $3 where tenant_id = $2 and user_id = $1',
      [userId, tx.tenantId, step],
    );
    return { backupCodes: await this.newBackupCodes(tx, userId) };
  }

  private async newBackupCodes(tx: TenantTx, userId: string): Promise<string[]> {
    const codes = Array.from({ length: BACKUP_CODE_COUNT }, newBackupCode);
    await tx.query('delete from core_mfa_backup_code where tenant_id = $2 and user_id = $1', [userId, tx.tenantId]);
    await tx.query(
      'insert into core_mfa_backup_code (tenant_id, user_id, code_hash) select $2, $1, unnest($3::text[])',
      [userId, tx.tenantId, codes.map((c) => this.backupHash(userId, c))],
    );
    return codes;
  }

  /**
   * Checks a code of an enabled factor: a TOTP code (each step once) or an unused backup code
   * (then spent). Throws INVALID_MFA_CODE (401).
   */
  async check(tx: TenantTx, userId: string, code: string): Promise<'totp' | 'backup'> {
    const rows = await tx.query<{ secret: string; last_step: string }>(
      'select secret, last_step from core_user_mfa where tenant_id = $2 and user_id = $1 and confirmed_at is not null for update',
      [userId, tx.tenantId],
    );
    const row = rows[0];
    if (!row) throw new AppError('MFA_NOT_ENABLED', 'Two-step sign-in is not on for this user', { status: 409 });
    const trimmed = code.trim().replaceAll(' ', '');
    if (CODE.test(trimmed)) {
      const step = await checkTotp(this.open(row.secret), trimmed, { afterStep: Number(row.last_step) });
      if (step === null) throw invalidCode();
      await tx.query('update core_user_mfa set last_step = $3 where tenant_id = $2 and user_id = $1', [
        userId,
        tx.tenantId,
        step,
      ]);
      return 'totp';
    }
    const spent = await tx.query(
      `update core_mfa_backup_code set used_at = now()
       where tenant_id = $2 and user_id = $1 and code_hash = $3 and used_at is null returning 1`,
      [userId, tx.tenantId, this.backupHash(userId, trimmed)],
    );
    if (!spent[0]) throw invalidCode();
    return 'backup';
  }

  /**
   * Turns the factor off (needs a current code or a backup code). Refused when the company
   * requires two-step sign-in and this is the user's only factor (no passkey).
   */
  async disable(tx: TenantTx, userId: string, code: string): Promise<void> {
    await this.check(tx, userId, code);
    const rows = await tx.query<{ last: boolean }>(
      `select coalesce((select require_mfa from core_security_settings where tenant_id = $2), false)
         and not exists (select 1 from core_webauthn_credential where tenant_id = $2 and user_id = $1) as last`,
      [userId, tx.tenantId],
    );
    if (rows[0]?.last) {
      throw new ConflictError(
        'MFA_REQUIRED',
        'Your company requires two-step sign-in: add a passkey before turning the authenticator app off',
      );
    }
    await this.reset(tx, userId);
  }

  /** Has the user a confirmed factor (an authenticator app or a passkey)? */
  async hasFactor(tx: TenantTx, userId: string): Promise<boolean> {
    const rows = await tx.query<{ has: boolean }>(
      `select exists (select 1 from core_user_mfa where tenant_id = $2 and user_id = $1 and confirmed_at is not null)
         or exists (select 1 from core_webauthn_credential where tenant_id = $2 and user_id = $1) as has`,
      [userId, tx.tenantId],
    );
    return rows[0]?.has === true;
  }

  /** New backup codes (the old ones stop working); needs a current code. */
  async regenerateBackupCodes(tx: TenantTx, userId: string, code: string): Promise<{ backupCodes: string[] }> {
    await this.check(tx, userId, code);
    return { backupCodes: await this.newBackupCodes(tx, userId) };
  }

  /** An admin's recovery for a user who lost their phone and codes: the factor is removed. */
  async reset(tx: TenantTx, userId: string): Promise<boolean> {
    await tx.query('delete from core_mfa_backup_code where tenant_id = $2 and user_id = $1', [userId, tx.tenantId]);
    const rows = await tx.query('delete from core_user_mfa where tenant_id = $2 and user_id = $1 returning 1', [
      userId,
      tx.tenantId,
    ]);
    return rows.length > 0;
  }

  async settings(tx: TenantTx): Promise<{ requireMfa: boolean }> {
    const rows = await tx.query<{ requireMfa: boolean }>(
      'select require_mfa as "requireMfa" from core_security_settings where tenant_id = $1',
      [tx.tenantId],
    );
    return rows[0] ?? { requireMfa: false };
  }

  /**
   * Changes the company's settings. Requiring two-step sign-in needs the admin to have a factor
   * first: otherwise their own next request would be gated (mfa-gate.ts).
   */
  async setSettings(tx: TenantTx, s: { requireMfa: boolean }, callerId?: string): Promise<{ requireMfa: boolean }> {
    if (s.requireMfa && callerId && !(await this.hasFactor(tx, callerId))) {
      throw new ConflictError('MFA_NOT_ENABLED', 'Turn on two-step sign-in for yourself before requiring it', [
        { path: 'requireMfa', message: 'needs your own two-step sign-in first' },
      ]);
    }
    await tx.query(
      `insert into core_security_settings (tenant_id, require_mfa) values ($1, $2)
       on conflict (tenant_id) do update set require_mfa = excluded.require_mfa, updated_at = now()`,
      [tx.tenantId, s.requireMfa],
    );
    return { requireMfa: s.requireMfa };
  }

  // The challenge between the password step and the code step: HMAC-signed, 5 minutes.
  private sign(data: string): string {
    return createHmac('sha256', this.key).update(`mfa-challenge:${data}`).digest('base64url');
  }

  challenge(tenantId: string, userId: string): { token: string; expiresIn: number } {
    const exp = Math.floor(Date.now() / 1000) + CHALLENGE_TTL_SEC;
    const data = `${tenantId}.${userId}.${exp}`;
    return { token: `${data}.${this.sign(data)}`, expiresIn: CHALLENGE_TTL_SEC };
  }

  /** The tenant and user of a challenge token, or UNAUTHENTICATED. */
  readChallenge(token: string): { tenantId: string; userId: string } {
    const parts = token.split('.');
    const bad = () => new UnauthenticatedError('The sign-in step expired; enter your password again');
    if (parts.length !== 4) throw bad();
    const [tenantId, userId, exp, sig] = parts as [string, string, string, string];
    const expected = Buffer.from(this.sign(`${tenantId}.${userId}.${exp}`));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw bad();
    if (!isUuid(tenantId) || !isUuid(userId) || !(Number(exp) > Date.now() / 1000)) throw bad();
    return { tenantId, userId };
  }

  /** The login's second step: a code (or backup code) for a challenge → the session. */
  async complete(
    sessions: Sessions,
    token: string,
    code: string,
    client: ClientInfo,
  ): Promise<TokenPair & { user: UserInfo }> {
    return this.secondStep(token, async (tx, userId) => {
      try {
        await this.check(tx, userId, code);
      } catch (err) {
        if (err instanceof AppError && err.code === 'INVALID_MFA_CODE') throw invalidCode(401);
        throw err;
      }
      return (u) => sessions.start(tx, u, client);
    });
  }

  /**
   * Runs `proof` for the user of a challenge in their company's transaction (an active user
   * only); `proof` checks the factor and answers what to do then.
   */
  async secondStep<T>(
    token: string,
    proof: (tx: TenantTx, userId: string) => Promise<(user: UserInfo) => Promise<T>>,
  ): Promise<T> {
    const { tenantId, userId } = this.readChallenge(token);
    return withTenant(this.rt.pools.app, tenantId, async (tx) => {
      const users = await tx.query<UserInfo & { active: boolean }>(
        'select id, email, name, active from core_user where tenant_id = $2 and id = $1',
        [userId, tx.tenantId],
      );
      const u = users[0];
      if (!u?.active) throw new UnauthenticatedError('The sign-in step expired; enter your password again');
      const then = await proof(tx, userId);
      return then({ id: u.id, email: u.email, name: u.name });
    });
  }
}
