import { randomUUID } from 'node:crypto';
import { AppError, ConflictError, NotFoundError, type UserInfo } from '@elevate/sdk';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { TenantTx } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';

/** A ceremony's challenge is good for 5 minutes, once. */
const CHALLENGE_TTL_SEC = 300;
const MAX_PASSKEYS = 20;

/** A passkey as its owner sees it (never the public key). */
export interface Passkey {
  id: string;
  name: string;
  deviceType: string | null;
  backedUp: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Where passkeys are valid: the relying party id (a host name) and which page origins may use it. */
export interface RelyingParty {
  id: string;
  name: string;
}

/**
 * The relying party of a deployment: the host of PUBLIC_URL (so passkeys work on it and on every
 * company's subdomain of it).
 */
export function relyingParty(publicUrl: string): RelyingParty {
  return { id: new URL(publicUrl).hostname, name: 'ElevateCRM' };
}

/**
 * The origin the browser signed for, if it is one this deployment serves: the relying party's host
 * or a subdomain of it (a company's host), over https — or http on localhost, which browsers treat
 * as secure. Checked before the library's own check, which then compares it exactly.
 */
function servedOrigin(rp: RelyingParty, clientDataJSON: unknown): string {
  let origin = '';
  try {
    const data = JSON.parse(Buffer.from(String(clientDataJSON), 'base64url').toString('utf8')) as { origin?: unknown };
    origin = typeof data.origin === 'string' ? data.origin : '';
    const u = new URL(origin);
    const host = u.hostname;
    const ours = host === rp.id || host.endsWith(`.${rp.id}`);
    const secure =
      u.protocol === 'https:' || (u.protocol === 'http:' && (host === 'localhost' || host.endsWith('.localhost')));
    if (ours && secure) return u.origin;
  } catch {
    // refused below
  }
  throw refused('the page origin is not one of this server');
}

const refused = (why: string) =>
  new AppError('WEBAUTHN_FAILED', `The passkey could not be verified: ${why}`, {
    status: 400,
    details: [{ path: 'response', message: `could not be verified: ${why}` }],
  });

/**
 * Passkeys (WebAuthn, @simplewebauthn/server) as a second factor of a company account:
 * registration by the signed-in user, and the sign-in's second step instead of a TOTP code.
 * Challenges are kept in core_webauthn_challenge (single use, 5 minutes) under the company's
 * row-level security like every other row.
 */
export class WebAuthn {
  private readonly rp: RelyingParty;
  constructor(rp: RelyingParty) {
    this.rp = rp;
  }

  async list(tx: TenantTx, userId: string): Promise<Passkey[]> {
    return tx.query<Passkey>(
      `select id, name, device_type as "deviceType", backed_up as "backedUp", created_at as "createdAt",
         last_used_at as "lastUsedAt"
       from core_webauthn_credential where tenant_id = $1 and user_id = $2 order by created_at`,
      [tx.tenantId, userId],
    );
  }

  private async challenge(tx: TenantTx, userId: string, kind: 'register' | 'authenticate', challenge: string) {
    const id = randomUUID();
    // Spent or expired ones of this user go first (they are never used again).
    await tx.query(
      'delete from core_webauthn_challenge where tenant_id = $1 and user_id = $2 and (expires_at < now() or kind = $3)',
      [tx.tenantId, userId, kind],
    );
    await tx.query(
      `insert into core_webauthn_challenge (tenant_id, id, user_id, kind, challenge, expires_at)
       values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [tx.tenantId, id, userId, kind, challenge, CHALLENGE_TTL_SEC],
    );
    return id;
  }

  /** Spends a challenge: its value, or WEBAUTHN_FAILED (unknown, another user's, expired, used). */
  private async spend(tx: TenantTx, userId: string, kind: string, id: string): Promise<string> {
    const rows = isUuid(id)
      ? await tx.query<{ challenge: string }>(
          `delete from core_webauthn_challenge where tenant_id = $1 and id = $2 and user_id = $3 and kind = $4
             and expires_at > now() returning challenge`,
          [tx.tenantId, id, userId, kind],
        )
      : [];
    if (!rows[0]) {
      throw new AppError('WEBAUTHN_FAILED', 'The passkey step expired; start again', {
        status: 400,
        details: [{ path: 'challengeId', message: 'is unknown, used or expired' }],
      });
    }
    return rows[0].challenge;
  }

  /** Registration, step 1: the options for `navigator.credentials.create` (startRegistration). */
  async registrationOptions(
    tx: TenantTx,
    user: UserInfo,
  ): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
    const existing = await tx.query<{ id: string; transports: string[] }>(
      'select id, transports from core_webauthn_credential where tenant_id = $1 and user_id = $2',
      [tx.tenantId, user.id],
    );
    if (existing.length >= MAX_PASSKEYS) {
      throw new ConflictError('PASSKEY_LIMIT', `At most ${MAX_PASSKEYS} passkeys per account: remove one first`);
    }
    const options = await generateRegistrationOptions({
      rpName: this.rp.name,
      rpID: this.rp.id,
      userName: user.email,
      userDisplayName: user.name,
      // The user handle: the company and user ids as raw bytes (32; at most 64 are allowed).
      userID: new Uint8Array(Buffer.from(`${tx.tenantId}${user.id}`.replaceAll('-', ''), 'hex')),
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    return { challengeId: await this.challenge(tx, user.id, 'register', options.challenge), options };
  }

  /** Registration, step 2: the authenticator's answer → a passkey of the user. */
  async register(
    tx: TenantTx,
    userId: string,
    input: { challengeId: string; name: string; response: RegistrationResponseJSON },
  ): Promise<Passkey> {
    const expectedChallenge = await this.spend(tx, userId, 'register', input.challengeId);
    const expectedOrigin = servedOrigin(this.rp, input.response.response?.clientDataJSON);
    let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      result = await verifyRegistrationResponse({
        response: input.response,
        expectedChallenge,
        expectedOrigin,
        expectedRPID: this.rp.id,
        requireUserVerification: false,
      });
    } catch (err) {
      throw refused(err instanceof Error ? err.message : 'malformed');
    }
    if (!result.verified) throw refused('not verified');
    const info = result.registrationInfo;
    const rows = await tx.query<{ id: string }>(
      `insert into core_webauthn_credential (tenant_id, id, user_id, public_key, counter, transports, device_type, backed_up, name)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (tenant_id, id) do nothing returning id`,
      [
        tx.tenantId,
        info.credential.id,
        userId,
        Buffer.from(info.credential.publicKey),
        info.credential.counter,
        info.credential.transports ?? [],
        info.credentialDeviceType,
        info.credentialBackedUp,
        input.name.trim() || 'Passkey',
      ],
    );
    if (!rows[0]) throw new ConflictError('PASSKEY_EXISTS', 'This passkey is registered already');
    const list = await this.list(tx, userId);
    return list.find((p) => p.id === info.credential.id) as Passkey;
  }

  /**
   * Removes a passkey of the user; refused for the last factor while the company requires one
   * (no authenticator app either).
   */
  async remove(tx: TenantTx, userId: string, id: string): Promise<void> {
    const rows = await tx.query<{ last: boolean }>(
      `select coalesce((select require_mfa from core_security_settings where tenant_id = $1), false)
         and not exists (select 1 from core_user_mfa where tenant_id = $1 and user_id = $2 and confirmed_at is not null)
         and (select count(*) from core_webauthn_credential where tenant_id = $1 and user_id = $2) <= 1 as last,
         exists (select 1 from core_webauthn_credential where tenant_id = $1 and user_id = $2 and id = $3) as found`,
      [tx.tenantId, userId, id],
    );
    const r = rows[0] as { last: boolean; found: boolean } | undefined;
    if (!r?.found) throw new NotFoundError('Passkey');
    if (r.last) {
      throw new ConflictError(
        'MFA_REQUIRED',
        'Your company requires two-step sign-in: add another passkey or an authenticator app before removing this one',
      );
    }
    await tx.query('delete from core_webauthn_credential where tenant_id = $1 and user_id = $2 and id = $3', [
      tx.tenantId,
      userId,
      id,
    ]);
  }

  /** How many passkeys the user has (the sign-in's second step offers them). */
  async count(tx: TenantTx, userId: string): Promise<number> {
    const rows = await tx.query<{ n: number }>(
      'select count(*)::int as n from core_webauthn_credential where tenant_id = $1 and user_id = $2',
      [tx.tenantId, userId],
    );
    return rows[0]?.n ?? 0;
  }

  /** Sign-in's second step with a passkey, 1: options for `navigator.credentials.get`. */
  async authenticationOptions(
    tx: TenantTx,
    userId: string,
  ): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    const creds = await tx.query<{ id: string; transports: string[] }>(
      'select id, transports from core_webauthn_credential where tenant_id = $1 and user_id = $2',
      [tx.tenantId, userId],
    );
    if (!creds.length) throw new AppError('MFA_NOT_ENABLED', 'This account has no passkey', { status: 409 });
    const options = await generateAuthenticationOptions({
      rpID: this.rp.id,
      allowCredentials: creds.map((c) => ({ id: c.id, transports: c.transports })),
      userVerification: 'preferred',
    });
    return { challengeId: await this.challenge(tx, userId, 'authenticate', options.challenge), options };
  }

  /** 2: the assertion → verified (its counter moves on) or WEBAUTHN_FAILED. */
  async authenticate(
    tx: TenantTx,
    userId: string,
    input: { challengeId: string; response: AuthenticationResponseJSON },
  ): Promise<void> {
    const expectedChallenge = await this.spend(tx, userId, 'authenticate', input.challengeId);
    const rows = await tx.query<{ id: string; public_key: Buffer; counter: string; transports: string[] }>(
      `select id, public_key, counter, transports from core_webauthn_credential
       where tenant_id = $1 and user_id = $2 and id = $3 for update`,
      [tx.tenantId, userId, String(input.response.id ?? '').slice(0, 512)],
    );
    const cred = rows[0];
    if (!cred) throw refused('not a passkey of this account');
    const expectedOrigin = servedOrigin(this.rp, input.response.response?.clientDataJSON);
    let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      result = await verifyAuthenticationResponse({
        response: input.response,
        expectedChallenge,
        expectedOrigin,
        expectedRPID: this.rp.id,
        credential: {
          id: cred.id,
          publicKey: new Uint8Array(cred.public_key),
          counter: Number(cred.counter),
          transports: cred.transports,
        },
        requireUserVerification: false,
      });
    } catch (err) {
      throw refused(err instanceof Error ? err.message : 'malformed');
    }
    if (!result.verified) throw refused('not verified');
    await tx.query(
      `update core_webauthn_credential set counter = $4, backed_up = $5, last_used_at = now()
       where tenant_id = $1 and user_id = $2 and id = $3`,
      [
        tx.tenantId,
        userId,
        cred.id,
        result.authenticationInfo.newCounter,
        result.authenticationInfo.credentialBackedUp,
      ],
    );
  }
}
