import type { Mailer } from '@elevate/sdk';
import { ValidationError } from '@elevate/sdk';
import { type TenantTx, withTenant } from '../db/tenant-tx.ts';
import { outboxPublisher } from '../events/outbox.ts';
import { transactionalMailer } from '../mail/mailer.ts';
import type { KernelJob, Runtime } from '../runtime.ts';
import { accountCredentials, setIdentityPassword } from './identities.ts';
import { formatToken, hashSecret, invalidToken, newSecret, parseToken, sameHash } from './one-time-tokens.ts';
import { checkPasswordPolicy } from './password-policy.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

/** Reset and verification links are valid this long, once. */
export const TOKEN_TTL_SEC = 30 * 60;
export const RESET_REQUEST_JOB = 'core.account.reset-request';

type Purpose = 'reset' | 'verify';

/** A mailer on this transaction (rows go out with its COMMIT). */
export function mailerFor(rt: Runtime, tx: TenantTx): Mailer {
  return transactionalMailer(
    tx,
    outboxPublisher(tx, null, () => rt.wakeRelay()),
  );
}

/** Password reset, email verification and password change for the users of a tenant. */
export class Account {
  private readonly rt: Runtime;
  constructor(rt: Runtime) {
    this.rt = rt;
  }

  private link(path: string, token: string): string {
    return `${this.rt.config.publicUrl}${path}?token=${encodeURIComponent(token)}`;
  }

  /** A new single-use token for the user; earlier unused ones of the same purpose stop working. */
  private async issue(tx: TenantTx, userId: string, purpose: Purpose): Promise<string> {
    const { secret, hash } = newSecret();
    await tx.query(
      `update core_user_token set used_at = now() where tenant_id = $1 and user_id = $2 and purpose = $3 and used_at is null`,
      [tx.tenantId, userId, purpose],
    );
    const rows = await tx.query<{ id: string }>(
      `insert into core_user_token (tenant_id, user_id, purpose, token_hash, expires_at)
       values ($1, $2, $3, $4, now() + make_interval(secs => $5)) returning id`,
      [tx.tenantId, userId, purpose, hash, TOKEN_TTL_SEC],
    );
    return formatToken(tx.tenantId, (rows[0] as { id: string }).id, secret);
  }

  /** Spends a token: returns its user, or throws the one "invalid, used or expired" error. */
  private async spend(tx: TenantTx, id: string, secret: string, purpose: Purpose): Promise<string> {
    const rows = await tx.query<{ user_id: string; token_hash: string; ok: boolean }>(
      `select t.user_id, t.token_hash, (t.used_at is null and t.expires_at > now() and u.active) as ok
       from core_user_token t join core_user u on u.tenant_id = t.tenant_id and u.id = t.user_id
       where t.tenant_id = $1 and t.id = $2 and t.purpose = $3 for update of t`,
      [tx.tenantId, id, purpose],
    );
    const row = rows[0];
    if (!row || !sameHash(row.token_hash, hashSecret(secret)) || !row.ok) throw invalidToken();
    await tx.query('update core_user_token set used_at = now() where tenant_id = $1 and id = $2', [tx.tenantId, id]);
    return row.user_id;
  }

  /**
   * The job behind "forgot password": the request only queues it (the same work whatever the
   * address), so neither the answer nor its timing tells whether the account exists.
   */
  resetRequestJob(): KernelJob {
    return {
      name: RESET_REQUEST_JOB,
      attempts: 3,
      backoffMs: 1000,
      run: async (data) => {
        const { tenant: slug, email } = data as { tenant: string; email: string };
        const tenant = await this.rt.tenantBySlug(slug);
        if (!tenant) return { sent: false };
        return withTenant(this.rt.pools.app, tenant.id, async (tx) => {
          const users = await tx.query<{ id: string; email: string }>(
            'select id, email from core_user where tenant_id = $1 and lower(email) = lower($2) and active',
            [tx.tenantId, email.trim()],
          );
          const user = users[0];
          if (!user) return { sent: false };
          const token = await this.issue(tx, user.id, 'reset');
          await mailerFor(this.rt, tx).send({
            to: user.email,
            template: 'core.password-reset',
            data: { url: this.link('/reset-password', token) },
          });
          return { sent: true };
        });
      },
    };
  }

  /** Sets a new password from a reset link and signs the user out everywhere. */
  async resetPassword(token: string, password: string): Promise<{ slug: string }> {
    checkPasswordPolicy(password);
    const { tenantId, id, secret } = parseToken(token);
    const tenant = await this.rt.tenantById(tenantId);
    if (!tenant) throw invalidToken();
    const passwordHash = await hashPassword(password);
    await withTenant(this.rt.pools.app, tenantId, async (tx) => {
      const userId = await this.spend(tx, id, secret, 'reset');
      await this.setPassword(tx, userId, passwordHash);
    });
    return { slug: tenant.slug };
  }

  private async setPassword(tx: TenantTx, userId: string, passwordHash: string): Promise<void> {
    // The person's one password, in every company they belong to; signed out everywhere.
    await setIdentityPassword(tx, this.rt.pools.app, userId, passwordHash);
    // A reset link still in someone's inbox must not work after the password changed.
    await tx.query(
      `update core_user_token set used_at = now() where tenant_id = $1 and user_id = $2 and purpose = 'reset' and used_at is null`,
      [tx.tenantId, userId],
    );
  }

  /** Mails a verification link to the user (in the caller's transaction). */
  async sendVerification(tx: TenantTx, userId: string): Promise<boolean> {
    const rows = await tx.query<{ email: string; verified: boolean }>(
      'select email, email_verified_at is not null as verified from core_user where tenant_id = $1 and id = $2',
      [tx.tenantId, userId],
    );
    const user = rows[0];
    if (!user || user.verified) return false;
    const token = await this.issue(tx, userId, 'verify');
    await mailerFor(this.rt, tx).send({
      to: user.email,
      template: 'core.verify-email',
      data: { url: this.link('/verify-email', token) },
    });
    return true;
  }

  async verifyEmail(token: string): Promise<{ slug: string }> {
    const { tenantId, id, secret } = parseToken(token);
    const tenant = await this.rt.tenantById(tenantId);
    if (!tenant) throw invalidToken();
    await withTenant(this.rt.pools.app, tenantId, async (tx) => {
      const userId = await this.spend(tx, id, secret, 'verify');
      await tx.query(
        'update core_user set email_verified_at = coalesce(email_verified_at, now()) where tenant_id = $1 and id = $2',
        [tx.tenantId, userId],
      );
    });
    return { slug: tenant.slug };
  }

  /** The signed-in user changes their password; every session of theirs is revoked. */
  async changePassword(tx: TenantTx, userId: string, current: string, password: string): Promise<void> {
    const account = await accountCredentials(tx, { userId });
    const ok = await verifyPassword(account?.password_hash ?? '', current);
    if (!ok) {
      throw new ValidationError('The current password is not correct', [
        { path: 'currentPassword', message: 'is not correct' },
      ]);
    }
    checkPasswordPolicy(password);
    await this.setPassword(tx, userId, await hashPassword(password));
  }
}
