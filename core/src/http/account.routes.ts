import { AppError, type JsonSchema, ValidationError } from '@elevate/sdk';
import Router from '@koa/router';
import type Koa from 'koa';
import { type Account, RESET_REQUEST_JOB } from '../auth/account.ts';
import type { Invitations } from '../auth/invitations.ts';
import type { Sessions } from '../auth/sessions.ts';
import { withTenant } from '../db/tenant-tx.ts';
import { bounded, type Queues } from '../jobs/queues.ts';
import type { Runtime } from '../runtime.ts';
import type { KernelRouteDoc } from './kernel-routes.docs.ts';
import type { State } from './state.ts';
import { clientIp, type Throttle } from './throttle.ts';
import { compileBody, compileQuery, obj, str } from './validate.ts';

const TOKEN = str(600);
const PASSWORD = { ...str(256), description: 'at least 10 characters, not only spaces, not a common password' };
const INVITATION: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
    invitedBy: { type: ['string', 'null'] },
    expiresAt: { type: 'string' },
    createdAt: { type: 'string' },
  },
};
const TENANT: JsonSchema = obj(['tenant'], { tenant: obj(['slug'], { slug: { type: 'string' } }) });
const OK: JsonSchema = obj(['status'], { status: { type: 'string', enum: ['ok'] } });

const bodies = {
  forgot: obj(['tenant', 'email'], { tenant: str(63), email: str(320) }),
  reset: obj(['token', 'password'], { token: TOKEN, password: PASSWORD }),
  verify: obj(['token'], { token: TOKEN }),
  accept: {
    type: 'object',
    required: ['token'],
    additionalProperties: false,
    description: 'either name and password (a new account), or existing (your account in another company)',
    properties: {
      token: TOKEN,
      name: str(200),
      password: PASSWORD,
      existing: obj(['tenant', 'password'], { tenant: str(63), password: str(256) }),
    },
  } as JsonSchema,
  change: obj(['currentPassword', 'password'], { currentPassword: str(256), password: PASSWORD }),
  invite: obj(['email', 'role'], {
    email: str(320),
    role: { ...str(64), description: "the key of one of the company's roles (not owner)" },
    language: { type: 'string', minLength: 2, maxLength: 2 },
  }),
};
const tokenQuery: JsonSchema = obj(['token'], { token: TOKEN });
const check = {
  forgot: compileBody(bodies.forgot),
  reset: compileBody(bodies.reset),
  verify: compileBody(bodies.verify),
  accept: compileBody(bodies.accept),
  change: compileBody(bodies.change),
  invite: compileBody(bodies.invite),
  tokenQuery: compileQuery(tokenQuery),
};

/**
 * The account routes, for the route table and the OpenAPI document. Every route has a name
 * (`account.*`, the first argument of `r.post`): the hook for per-route throttling.
 */
export const accountRouteDocs: Record<string, KernelRouteDoc> = {
  'POST /api/v1/auth/password/forgot': {
    summary: 'Ask for a password reset link by email (the same answer whether or not the account exists)',
    body: bodies.forgot,
    public: true,
    responses: { 202: OK },
  },
  'POST /api/v1/auth/password/reset': {
    summary: 'Set a new password with a reset link; signs the user out everywhere',
    body: bodies.reset,
    public: true,
    responses: { 200: TENANT },
  },
  'POST /api/v1/auth/email/verify': {
    summary: 'Confirm an email address with the link sent on sign-up',
    body: bodies.verify,
    public: true,
    responses: { 200: TENANT },
  },
  'GET /api/v1/auth/invitations/preview': {
    summary: 'What an invitation link is for (email, company, role)',
    public: true,
  },
  'POST /api/v1/auth/invitations/accept': {
    summary:
      'Accept an invitation: set a name and password, or join with your account of another company (its password); get a session',
    body: bodies.accept,
    public: true,
  },
  'POST /api/v1/core/account/password': {
    summary: "Change the signed-in user's password (needs the current one); revokes their sessions",
    body: bodies.change,
    responses: { 204: null },
  },
  'POST /api/v1/core/account/verify-email': {
    summary: 'Send the signed-in user a new email verification link',
    responses: { 202: OK },
  },
  'GET /api/v1/core/invitations': {
    summary: 'Pending invitations',
    permission: 'core.users.manage',
    responses: { 200: obj(['data'], { data: { type: 'array', items: INVITATION } }) },
  },
  'POST /api/v1/core/invitations': {
    summary: 'Invite someone by email into a role',
    permission: 'core.users.manage',
    body: bodies.invite,
    responses: { 201: INVITATION },
  },
  'POST /api/v1/core/invitations/:id/resend': {
    summary: 'Send an invitation again with a new link (the old one stops working)',
    permission: 'core.users.manage',
    responses: { 200: INVITATION },
  },
  'DELETE /api/v1/core/invitations/:id': {
    summary: 'Revoke a pending invitation',
    permission: 'core.users.manage',
    responses: { 204: null },
  },
  'GET /api/v1/core/mail/log': {
    summary: "The tenant's mail delivery log (newest first, 100 at most)",
    permission: 'core.settings.manage',
  },
};

/** Public: forgot/reset password, email verification, invitation preview and accept. */
export function accountPublicRoutes(
  queues: Queues,
  account: Account,
  invitations: Invitations,
  sessions: Sessions,
  limits: { ip: Throttle; key: Throttle },
): Router<State> {
  const r = new Router<State>({ prefix: '/api/v1/auth' });
  /**
   * Every call counts, per address and per account or link (mail bombing, floods; the link
   * secrets themselves are 256 bits and cannot be guessed). Checked after the body (a 400 costs
   * nothing) and before any work.
   */
  const limit = async (ctx: Koa.Context, key: string) => {
    await limits.ip.consume(clientIp(ctx));
    await limits.key.consume(key);
  };
  /** A link's key: its tenant and token id (`<tenant>.<id>.<secret>`), never the secret. */
  const link = (token: string) => `link:${token.split('.').slice(0, 2).join('.').slice(0, 80)}`;
  r.post('account.password.forgot', '/password/forgot', async (ctx) => {
    const b = check.forgot(ctx.request.body) as { tenant: string; email: string };
    await limit(ctx, `forgot:${b.tenant.trim().toLowerCase()}:${b.email.trim().toLowerCase()}`);
    // The same work for every address: one job queued; the lookup happens in the job.
    try {
      await bounded(
        queues.jobs.add(
          RESET_REQUEST_JOB,
          { tenantId: null, data: { tenant: b.tenant.trim().toLowerCase(), email: b.email.trim() }, actorId: null },
          {
            attempts: 3,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: true,
            removeOnFail: { age: 86_400 },
          },
        ),
        3000,
        'queue password reset',
      );
    } catch {
      throw new AppError('UNAVAILABLE', 'Password reset is unavailable right now; try again shortly', { status: 503 });
    }
    ctx.status = 202;
    ctx.body = { status: 'ok' };
  });
  r.post('account.password.reset', '/password/reset', async (ctx) => {
    const b = check.reset(ctx.request.body) as { token: string; password: string };
    await limit(ctx, link(b.token));
    const { slug } = await account.resetPassword(b.token, b.password);
    ctx.body = { tenant: { slug } };
  });
  r.post('account.email.verify', '/email/verify', async (ctx) => {
    const b = check.verify(ctx.request.body) as { token: string };
    await limit(ctx, link(b.token));
    const { slug } = await account.verifyEmail(b.token);
    ctx.body = { tenant: { slug } };
  });
  r.get('account.invitation.preview', '/invitations/preview', async (ctx) => {
    const q = check.tokenQuery({ ...ctx.query }) as { token: string };
    await limit(ctx, link(q.token));
    ctx.body = await invitations.preview(q.token);
  });
  r.post('account.invitation.accept', '/invitations/accept', async (ctx) => {
    const b = check.accept(ctx.request.body) as {
      token: string;
      name?: string;
      password?: string;
      existing?: { tenant: string; password: string };
    };
    if (!b.existing) {
      const missing = (['name', 'password'] as const).filter((k) => b[k] === undefined);
      if (missing.length) {
        throw new ValidationError(
          'Invalid request body',
          missing.map((path) => ({ path, message: 'is required (or send existing)' })),
        );
      }
    } else if (b.name !== undefined || b.password !== undefined) {
      throw new ValidationError('Invalid request body', [
        { path: b.name !== undefined ? 'name' : 'password', message: 'must not be sent with existing' },
      ]);
    }
    await limit(ctx, link(b.token));
    const password = b.existing?.password ?? b.password ?? '';
    const joined = await invitations.accept(
      b.token,
      b.existing ? { existing: b.existing } : { name: b.name ?? '', password },
    );
    // The same password either way: joining shares the identity of the other account.
    const session = await sessions.login(joined.slug, joined.email, password, {
      ip: clientIp(ctx),
      userAgent: ctx.get('user-agent'),
    });
    ctx.status = 201;
    ctx.body = { tenant: { slug: joined.slug }, ...session };
  });
  return r;
}

/** Authenticated (mounted behind `authenticate`, beside the core routes). */
export function accountCoreRoutes(account: Account, invitations: Invitations): Router<State> {
  const r = new Router<State>({ prefix: '/api/v1/core' });
  const req = (s: State) => {
    if (!s.rc || !s.tx) throw new Error('account route without request context');
    return { rc: s.rc, tx: s.tx };
  };
  r.post('account.password.change', '/account/password', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    // A person's own password, not an integration's business (docs/security.md#api-keys).
    if (ctx.state.apiKeyId) {
      throw new AppError('NOT_FOR_API_KEYS', 'Sign in as a person for this; an API key cannot do it', { status: 403 });
    }
    const b = check.change(ctx.request.body) as { currentPassword: string; password: string };
    await account.changePassword(tx, rc.user.id, b.currentPassword, b.password);
    ctx.status = 204;
  });
  r.post('account.email.resend', '/account/verify-email', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    await account.sendVerification(tx, rc.user.id);
    ctx.status = 202;
    ctx.body = { status: 'ok' };
  });
  r.get('account.invitations.list', '/invitations', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require('core.users.manage');
    ctx.body = { data: await invitations.list(tx) };
  });
  r.post('account.invitations.create', '/invitations', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require('core.users.manage');
    const b = check.invite(ctx.request.body) as { email: string; role: string; language?: string };
    ctx.status = 201;
    ctx.body = await invitations.create(tx, rc.user, ctx.state.patterns ?? [], b);
  });
  r.post('account.invitations.resend', '/invitations/:id/resend', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require('core.users.manage');
    ctx.body = await invitations.resend(tx, rc.user, ctx.params.id as string);
  });
  r.delete('account.invitations.revoke', '/invitations/:id', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require('core.users.manage');
    await invitations.revoke(tx, ctx.params.id as string);
    ctx.status = 204;
  });
  r.get('account.mail.log', '/mail/log', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require('core.settings.manage');
    ctx.body = {
      data: await tx.query(
        `select id, to_address as "to", template, language, status, attempts, last_error as "error",
           created_at as "createdAt", sent_at as "sentAt"
         from core_mail_log where tenant_id = $1 order by created_at desc limit 100`,
        [tx.tenantId],
      ),
    };
  });
  return r;
}

/** After a successful sign-up (POST /api/v1/auth/signup answered 201): mail the owner a verification link. */
export function verifyAfterSignup(rt: Runtime, account: Account): Koa.Middleware<State> {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/api/v1/auth/signup') return next();
    await next();
    const body = ctx.body as { tenant?: { id?: string }; user?: { id?: string } } | undefined;
    const tenantId = body?.tenant?.id;
    const userId = body?.user?.id;
    if (ctx.status !== 201 || !tenantId || !userId) return;
    try {
      await withTenant(rt.pools.app, tenantId, (tx) => account.sendVerification(tx, userId));
    } catch (err) {
      // The company exists; the owner can ask for a new link (POST /api/v1/core/account/verify-email).
      ctx.state.log.warn({ err: String(err) }, 'verification mail not queued after sign-up');
    }
  };
}
