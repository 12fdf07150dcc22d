import { AppError, ConflictError, NotFoundError, type UserInfo, ValidationError } from '@elevate/sdk';
import { covers } from '../admin/permission-table.ts';
import { type TenantTx, withTenant } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import { EMAIL } from '../mail/mailer.ts';
import type { Runtime } from '../runtime.ts';
import { mailerFor } from './account.ts';
import { accountCredentials, insertAccount } from './identities.ts';
import { formatToken, hashSecret, invalidToken, newSecret, parseToken, sameHash } from './one-time-tokens.ts';
import { checkPasswordPolicy } from './password-policy.ts';
import { dummyHash, hashPassword, verifyPassword } from './passwords.ts';

export const INVITATION_TTL_SEC = 7 * 86_400;
/** Ownership is not handed out by email; every other role of the company (seeded or custom) is. */
const NOT_INVITABLE = 'owner';

/** How the invitee joins: a new account (name + password), or the account they have in another company. */
export type AcceptInput = { name: string; password: string } | { existing: { tenant: string; password: string } };

export interface Invitation {
  id: string;
  email: string;
  role: string;
  invitedBy: string | null;
  expiresAt: string;
  createdAt: string;
}

const SELECT = `select i.id, i.email, r.key as role, i.invited_by as "invitedBy", i.expires_at as "expiresAt", i.created_at as "createdAt"
  from core_invitation i join core_role r on r.tenant_id = i.tenant_id and r.id = i.role_id`;

/** Invitations by email: a single-use link (hashed, 7 days) with which the invitee joins the tenant. */
export class Invitations {
  private readonly rt: Runtime;
  constructor(rt: Runtime) {
    this.rt = rt;
  }

  private async mail(tx: TenantTx, id: string, email: string, inviter: UserInfo, language?: string): Promise<void> {
    const { secret, hash } = newSecret();
    await tx.query(
      `update core_invitation set token_hash = $3, expires_at = now() + make_interval(secs => $4), updated_at = now()
       where tenant_id = $1 and id = $2`,
      [tx.tenantId, id, hash, INVITATION_TTL_SEC],
    );
    const token = formatToken(tx.tenantId, id, secret);
    await mailerFor(this.rt, tx).send({
      to: email,
      template: 'core.invitation',
      data: {
        url: `${this.rt.config.publicUrl}/accept-invitation?token=${encodeURIComponent(token)}`,
        inviter: inviter.name,
      },
      ...(language ? { language } : {}),
    });
  }

  async list(tx: TenantTx): Promise<Invitation[]> {
    return tx.query<Invitation>(
      `${SELECT} where i.tenant_id = $1 and i.accepted_at is null and i.revoked_at is null order by i.created_at desc`,
      [tx.tenantId],
    );
  }

  async create(
    tx: TenantTx,
    inviter: UserInfo,
    inviterPatterns: readonly string[],
    input: { email: string; role: string; language?: string },
  ): Promise<Invitation> {
    const email = input.email.trim();
    const details = [];
    if (!EMAIL.test(email)) details.push({ path: 'email', message: 'must be an email address' });
    const roles =
      input.role === NOT_INVITABLE
        ? []
        : await tx.query<{ permissions: string[] }>(
            'select permissions from core_role where tenant_id = $1 and key = $2',
            [tx.tenantId, input.role],
          );
    if (!roles[0]) {
      details.push({
        path: 'role',
        message: input.role === NOT_INVITABLE ? 'cannot be owner' : `no role "${input.role}" in this company`,
      });
    }
    if (input.language !== undefined && !/^[a-z]{2}$/.test(input.language)) {
      details.push({ path: 'language', message: 'must be a two-letter language code' });
    }
    if (details.length) throw new ValidationError('Invalid invitation', details);
    // Nobody hands out more than they hold (the same rule as changing a user's roles).
    const beyond = (roles[0]?.permissions ?? []).filter((p) => !covers(inviterPatterns, p));
    if (beyond.length) {
      throw new AppError(
        'PERMISSION_NOT_HELD',
        `You cannot invite into a role granting what you do not hold: ${beyond.join(', ')}`,
        {
          status: 403,
          details: [{ path: 'role', message: `you do not hold everything "${input.role}" grants` }],
        },
      );
    }
    const existing = await tx.query('select 1 from core_user where tenant_id = $1 and lower(email) = lower($2)', [
      tx.tenantId,
      email,
    ]);
    if (existing.length) throw new ConflictError('USER_EMAIL_TAKEN', `A user with the email ${email} already exists`);
    const rows = await tx.query<{ id: string }>(
      `insert into core_invitation (tenant_id, email, role_id, invited_by, language, token_hash, expires_at)
       select $1, $2, r.id, $4, $5, '', now() from core_role r where r.tenant_id = $1 and r.key = $3
       on conflict (tenant_id, lower(email)) where accepted_at is null and revoked_at is null do nothing
       returning id`,
      [tx.tenantId, email, input.role, inviter.id, input.language ?? null],
    );
    const id = rows[0]?.id;
    if (!id)
      throw new ConflictError('INVITATION_PENDING', `${email} already has a pending invitation: resend it instead`);
    await this.mail(tx, id, email, inviter, input.language);
    return this.get(tx, id);
  }

  private async get(tx: TenantTx, id: string): Promise<Invitation> {
    const rows = isUuid(id)
      ? await tx.query<Invitation>(
          `${SELECT} where i.tenant_id = $1 and i.id = $2 and i.accepted_at is null and i.revoked_at is null`,
          [tx.tenantId, id],
        )
      : [];
    if (!rows[0]) throw new NotFoundError('Invitation');
    return rows[0];
  }

  /** A new link (the old one stops working) and seven more days. */
  async resend(tx: TenantTx, inviter: UserInfo, id: string): Promise<Invitation> {
    const inv = await this.get(tx, id);
    const lang = await tx.query<{ language: string | null }>(
      'select language from core_invitation where tenant_id = $1 and id = $2',
      [tx.tenantId, id],
    );
    await this.mail(tx, id, inv.email, inviter, lang[0]?.language ?? undefined);
    return this.get(tx, id);
  }

  async revoke(tx: TenantTx, id: string): Promise<void> {
    await this.get(tx, id);
    await tx.query(
      'update core_invitation set revoked_at = now(), updated_at = now() where tenant_id = $1 and id = $2',
      [tx.tenantId, id],
    );
  }

  /** What the accept page shows before the invitee sets a password. */
  async preview(token: string): Promise<{ email: string; company: string; role: string }> {
    const { tenantId, id, secret } = parseToken(token);
    const tenant = await this.rt.tenantById(tenantId);
    if (!tenant) throw invalidToken();
    return withTenant(this.rt.pools.app, tenantId, async (tx) => {
      const row = await this.pending(tx, id, secret, false);
      return { email: row.email, company: tenant.name, role: row.role };
    });
  }

  private async pending(
    tx: TenantTx,
    id: string,
    secret: string,
    lock: boolean,
  ): Promise<{ email: string; role: string; role_id: string; language: string | null }> {
    const rows = await tx.query<{
      email: string;
      role: string;
      role_id: string;
      language: string | null;
      token_hash: string;
      ok: boolean;
    }>(
      `select i.email, r.key as role, i.role_id, i.language, i.token_hash,
         (i.accepted_at is null and i.revoked_at is null and i.expires_at > now()) as ok
       from core_invitation i join core_role r on r.tenant_id = i.tenant_id and r.id = i.role_id
       where i.tenant_id = $1 and i.id = $2${lock ? ' for update of i' : ''}`,
      [tx.tenantId, id],
    );
    const row = rows[0];
    if (!row?.ok || !sameHash(row.token_hash, hashSecret(secret))) throw invalidToken();
    return row;
  }

  /**
   * The invitee joins: an account with the invited role, email verified (they received the
   * link). With `existing`, the person signs in with the account they have in another company
   * (same email; its password): the new account shares that identity (one password, the tenant
   * switcher lists both) instead of being a second person.
   */
  async accept(token: string, input: AcceptInput): Promise<{ slug: string; email: string }> {
    const { tenantId, id, secret } = parseToken(token);
    let join: { identityId: string; name: string } | undefined;
    let passwordHash: string | undefined;
    let name = '';
    if ('existing' in input) {
      // The invitation must be real before any password is checked against it.
      const tenant = await this.rt.tenantById(tenantId);
      if (!tenant) throw invalidToken();
      const inv = await withTenant(this.rt.pools.app, tenantId, (tx) => this.pending(tx, id, secret, false));
      join = await this.existingIdentity(input.existing.tenant, inv.email, input.existing.password);
      if (input.existing.tenant.trim().toLowerCase() === tenant.slug) {
        throw new ConflictError('USER_EMAIL_TAKEN', `A user with the email ${inv.email} already exists`);
      }
      name = join.name;
    } else {
      name = input.name.trim();
      if (!name) throw new ValidationError('Invalid name', [{ path: 'name', message: 'is required' }]);
      checkPasswordPolicy(input.password);
      passwordHash = await hashPassword(input.password);
    }
    const tenant = await this.rt.tenantById(tenantId);
    if (!tenant) throw invalidToken();
    return withTenant(this.rt.pools.app, tenantId, async (tx) => {
      const inv = await this.pending(tx, id, secret, true);
      const user = await insertAccount(tx, {
        email: inv.email,
        name,
        ...(passwordHash ? { passwordHash } : {}),
        ...(join ? { identityId: join.identityId } : {}),
        language: inv.language ?? 'en',
        verified: true,
      });
      await tx.query('insert into core_user_role (tenant_id, user_id, role_id) values ($1, $2, $3)', [
        tx.tenantId,
        user.id,
        inv.role_id,
      ]);
      await tx.query(
        `update core_invitation set accepted_at = now(), accepted_user_id = $3, updated_at = now() where tenant_id = $1 and id = $2`,
        [tx.tenantId, id, user.id],
      );
      return { slug: tenant.slug, email: inv.email };
    });
  }

  /**
   * The identity of the invitee's account in another company, proven by its password (the same
   * answer for an unknown company, an unknown email, a wrong password or an inactive account).
   */
  private async existingIdentity(
    slug: string,
    email: string,
    password: string,
  ): Promise<{ identityId: string; name: string }> {
    const refused = () =>
      new AppError('INVALID_CREDENTIALS', 'No account with this email and password in that company', {
        status: 401,
        details: [{ path: 'existing/password', message: 'does not match an account with this email there' }],
      });
    const other = await this.rt.tenantBySlug(slug.trim().toLowerCase());
    if (!other) {
      await verifyPassword(await dummyHash(), password);
      throw refused();
    }
    const account = await withTenant(this.rt.pools.app, other.id, (tx) => accountCredentials(tx, { email }));
    const ok = await verifyPassword(account?.password_hash ?? (await dummyHash()), password);
    if (!account || !ok || !account.active) throw refused();
    return { identityId: account.identity_id, name: account.name };
  }
}
