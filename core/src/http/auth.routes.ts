import { AppError, type JsonSchema } from '@elevate/sdk';
import Router from '@koa/router';
import { type LoginAudit, unaudited } from '../audit/login-audit.ts';
import { checkPasswordPolicy } from '../auth/password-policy.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Tenants } from '../tenancy/tenants.ts';
import type { State } from './state.ts';
import { clientIp, type Throttle } from './throttle.ts';
import { compileBody, str } from './validate.ts';

const token: JsonSchema = {
  type: 'object',
  required: ['refreshToken'],
  additionalProperties: false,
  properties: { refreshToken: str(512) },
};
/** The bodies of the auth routes, by path (also listed in the kernel's route table). */
export const authBodies: Record<string, JsonSchema> = {
  '/signup': {
    type: 'object',
    required: ['company', 'slug', 'email', 'password'],
    additionalProperties: false,
    properties: { company: str(200), slug: str(63), email: str(320), password: str(256), name: str(200) },
  },
  '/login': {
    type: 'object',
    required: ['tenant', 'email', 'password'],
    additionalProperties: false,
    properties: { tenant: str(63), email: str(320), password: str(256) },
  },
  '/refresh': token,
  '/logout': token,
};
const signupBody = compileBody(authBodies['/signup']);
const loginBody = compileBody(authBodies['/login']);
const tokenBody = compileBody(token);

/** The limits of the public auth endpoints (docs/security.md#throttling). */
export interface AuthThrottles {
  /** Failed logins per account (tenant + email). */
  loginAccount: Throttle;
  /** Failed logins per client address. */
  loginIp: Throttle;
  signupIp: Throttle;
  refreshIp: Throttle;
}

export interface AuthRouteOptions {
  throttles: AuthThrottles;
  /** SIGNUP=closed: companies are created by the operator only (`elevate tenant create`). */
  signup: 'open' | 'closed';
  /** Writes each login's outcome to the audit log (core/src/audit/login-audit.ts). */
  audited?: LoginAudit;
}

const isInvalidCredentials = (err: unknown) => err instanceof AppError && err.code === 'INVALID_CREDENTIALS';

/** Public endpoints: sign-up (creates a company and its owner), login, refresh, logout. */
export function authRoutes(tenants: Tenants, sessions: Sessions, opts: AuthRouteOptions): Router<State> {
  const { throttles: t } = opts;
  const r = new Router<State>({ prefix: '/api/v1/auth' });

  /**
   * Counts the attempt first (so parallel guesses cannot slip past the limit), then gives the
   * points back when the password was right: only failures use up the budgets, and a success
   * clears the account's count.
   */
  const login = async (ip: string, userAgent: string, tenant: string, email: string, password: string) => {
    const account = `${tenant.trim().toLowerCase()}:${email.trim().toLowerCase()}`;
    await t.loginIp.consume(ip);
    try {
      await t.loginAccount.consume(account);
    } catch (err) {
      await t.loginIp.reward(ip);
      throw err;
    }
    try {
      const session = await sessions.login(tenant, email, password, { ip, userAgent });
      await Promise.all([t.loginAccount.reset(account), t.loginIp.reward(ip)]);
      return session;
    } catch (err) {
      // Only a wrong password counts; a database outage or bad input does not lock anybody out.
      if (!isInvalidCredentials(err)) await Promise.all([t.loginAccount.reward(account), t.loginIp.reward(ip)]);
      throw err;
    }
  };

  r.post('/signup', async (ctx) => {
    if (opts.signup === 'closed') {
      throw new AppError('SIGNUP_CLOSED', 'Sign-up is closed on this server; ask its operator for an account', {
        status: 403,
      });
    }
    const b = signupBody(ctx.request.body) as {
      company: string;
      slug: string;
      email: string;
      password: string;
      name?: string;
    };
    await t.signupIp.consume(clientIp(ctx));
    checkPasswordPolicy(b.password);
    const { tenant } = await tenants.create({
      slug: b.slug,
      name: b.company,
      ownerEmail: b.email,
      ownerPassword: b.password,
      ...(b.name ? { ownerName: b.name } : {}),
    });
    const session = await sessions.login(tenant.slug, b.email, b.password, {
      ip: clientIp(ctx),
      userAgent: ctx.get('user-agent'),
    });
    ctx.status = 201;
    ctx.body = { tenant, ...session };
  });
  r.post('/login', async (ctx) => {
    const b = loginBody(ctx.request.body) as { tenant: string; email: string; password: string };
    const session = await (opts.audited ?? unaudited)(
      { tenant: b.tenant, email: b.email, ip: clientIp(ctx), requestId: ctx.state.requestId },
      () => login(clientIp(ctx), ctx.get('user-agent'), b.tenant, b.email, b.password),
    );
    const tenant = { slug: b.tenant.toLowerCase() };
    ctx.body = { tenant, ...session };
  });
  r.post('/refresh', async (ctx) => {
    await t.refreshIp.consume(clientIp(ctx));
    const b = tokenBody(ctx.request.body) as { refreshToken: string };
    ctx.body = await sessions.refresh(b.refreshToken, { ip: clientIp(ctx), userAgent: ctx.get('user-agent') });
  });
  r.post('/logout', async (ctx) => {
    const b = tokenBody(ctx.request.body) as { refreshToken: string };
    await sessions.logout(b.refreshToken);
    ctx.status = 204;
  });
  return r;
}
