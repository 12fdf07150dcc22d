import type { UserInfo } from '@elevate/sdk';
import { withTenant } from '../db/tenant-tx.ts';
import type { Runtime } from '../runtime.ts';
import { audit } from './audit.ts';

/** Who tried, from where: what a login entry records besides its outcome. */
export interface LoginAttempt {
  tenant: string;
  email: string;
  ip: string;
  requestId: string;
}

/** Runs a login and writes its outcome to the audit log (`login`, `login.failed`). */
export type LoginAudit = <T extends { user: UserInfo }>(attempt: LoginAttempt, login: () => Promise<T>) => Promise<T>;

/** No audit (a router built without a kernel). */
export const unaudited: LoginAudit = (_attempt, login) => login();

/**
 * Login entries go in a transaction of their own: a failed login's transaction rolls back,
 * and the entry must stay. A failure is logged only for a company that exists (the log is per
 * tenant), with the user when the email is one of its users; the password never.
 */
export function loginAudit(rt: Runtime): LoginAudit {
  return async <T extends { user: UserInfo }>(attempt: LoginAttempt, login: () => Promise<T>): Promise<T> => {
    const actor = { requestId: attempt.requestId };
    const detail = { email: attempt.email.trim().slice(0, 320), ip: attempt.ip };
    let result: T;
    try {
      result = await login();
    } catch (err) {
      if ((err as { code?: string }).code === 'INVALID_CREDENTIALS') {
        const tenant = await rt.tenantBySlug(attempt.tenant).catch(() => null);
        if (tenant) {
          await withTenant(
            rt.pools.app,
            tenant.id,
            async (tx) => {
              const [user] = await tx.query<{ id: string }>(
                'select id from core_user where tenant_id = $1 and lower(email) = lower($2)',
                [tx.tenantId, detail.email],
              );
              await audit(tx, {
                action: 'login.failed',
                table: 'core_user',
                recordId: user?.id ?? null,
                userId: user?.id ?? null,
                actor: 'anonymous',
                detail,
              });
            },
            actor,
          ).catch((e) => rt.log.warn({ err: String(e) }, 'failed login not audited'));
        }
      }
      throw err;
    }
    const tenant = await rt.tenantBySlug(attempt.tenant);
    if (tenant) {
      await withTenant(
        rt.pools.app,
        tenant.id,
        (tx) => audit(tx, { action: 'login', table: 'core_user', recordId: result.user.id, detail }),
        { ...actor, userId: result.user.id },
      );
    }
    return result;
  };
}
