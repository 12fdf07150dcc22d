import { AppError, type JsonSchema, NotFoundError } from '@elevate/sdk';
import type Router from '@koa/router';
import type { ApiKeys } from '../auth/api-keys.ts';
import { identityCompanies } from '../auth/identities.ts';
import type { Mfa } from '../auth/mfa.ts';
import { listSessions, revokeSessions, type Sessions } from '../auth/sessions.ts';
import { isUuid } from '../db/uuid.ts';
import type { KernelRouteDoc } from './kernel-routes.docs.ts';
import type { State } from './state.ts';
import { clientIp, type Throttle } from './throttle.ts';
import { compileBody, compileQuery, obj, str } from './validate.ts';
import { webauthnCoreRoutes, webauthnPublicRoutes, webauthnRouteDocs } from './webauthn.routes.ts';

const CODE = { ...str(32), description: 'the 6-digit code of the authenticator app, or a backup code' };
const KEYS = 'core.apikeys.manage';
const USERS = 'core.users.manage';
const SETTINGS = 'core.settings.manage';

const API_KEY: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    prefix: { type: 'string', description: 'the first characters of the key, to tell keys apart' },
    permissions: { type: 'array', items: { type: 'string' } },
    createdBy: { type: ['object', 'null'] },
    expiresAt: { type: ['string', 'null'] },
    lastUsedAt: { type: ['string', 'null'], description: 'updated at most once a minute' },
    revokedAt: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
};
const SESSION_INFO: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    device: { type: 'string' },
    userAgent: { type: ['string', 'null'] },
    ip: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    lastUsedAt: { type: 'string', description: 'the last sign-in or token refresh' },
    current: { type: 'boolean' },
  },
};
const LIST = (item: JsonSchema) => obj(['data'], { data: { type: 'array', items: item } });

const bodies = {
  apiKey: obj(['name', 'permissions'], {
    name: str(200),
    permissions: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: { ...str(200), description: 'a permission pattern the creator holds: crm.contact.read, crm.*' },
    },
    expiresAt: { type: 'string', format: 'date-time' },
  }),
  code: obj(['code'], { code: CODE }),
  mfaLogin: obj(['mfaToken', 'code'], { mfaToken: str(400), code: CODE }),
  settings: obj(['requireMfa'], { requireMfa: { type: 'boolean' } }),
  switchTo: obj(['tenant'], { tenant: { ...str(63), description: 'the slug of another company you belong to' } }),
};
const signOutQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { others: { type: 'boolean', description: 'keep the current session' } },
};
const check = {
  apiKey: compileBody(bodies.apiKey),
  code: compileBody(bodies.code),
  mfaLogin: compileBody(bodies.mfaLogin),
  settings: compileBody(bodies.settings),
  switchTo: compileBody(bodies.switchTo),
  signOut: compileQuery(signOutQuery),
};

export const securityRouteDocs: Record<string, KernelRouteDoc> = {
  ...webauthnRouteDocs,
  'POST /api/v1/auth/mfa': {
    summary: "Sign-in's second step: the challenge of the password step and a code → the session",
    body: bodies.mfaLogin,
    public: true,
  },
  'GET /api/v1/core/api-keys': { summary: "The company's API keys (never the keys themselves)", permission: KEYS },
  'POST /api/v1/core/api-keys': {
    summary: 'Create an API key with some of your own permissions; the key is in this answer only',
    permission: KEYS,
    body: bodies.apiKey,
    responses: { 201: API_KEY },
  },
  'DELETE /api/v1/core/api-keys/:id': {
    summary: 'Revoke an API key (refused from the next request on)',
    permission: KEYS,
    responses: { 204: null },
  },
  'GET /api/v1/core/sessions': { summary: "The caller's signed-in sessions", responses: { 200: LIST(SESSION_INFO) } },
  'DELETE /api/v1/core/sessions': {
    summary: 'Sign out of every session (`?others=true`: all but this one)',
    responses: { 200: obj(['revoked'], { revoked: { type: 'integer' } }) },
  },
  'DELETE /api/v1/core/sessions/:id': { summary: 'Sign out of one session', responses: { 204: null } },
  'DELETE /api/v1/core/users/:id/sessions': {
    summary: 'Sign a user out everywhere',
    permission: USERS,
    responses: { 200: obj(['revoked'], { revoked: { type: 'integer' } }) },
  },
  'GET /api/v1/core/account/companies': {
    summary: 'The companies you belong to with the same identity (the tenant switcher), this one first',
    responses: {
      200: LIST({
        type: 'object',
        properties: {
          id: { type: 'string' },
          slug: { type: 'string' },
          name: { type: 'string' },
          current: { type: 'boolean' },
        },
      }),
    },
  },
  'POST /api/v1/core/account/switch': {
    summary:
      "Open your account in another company you belong to: a session there, or that account's MFA challenge (POST /api/v1/auth/mfa)",
    body: bodies.switchTo,
  },
  'GET /api/v1/core/account/mfa': { summary: "The caller's two-step sign-in: on, pending, backup codes left" },
  'POST /api/v1/core/account/mfa/enrol': {
    summary: 'Start two-step sign-in: a new TOTP secret as text and QR code (shown once)',
  },
  'POST /api/v1/core/account/mfa/confirm': {
    summary: 'Finish enrolment with a first code; answers 10 backup codes (shown once)',
    body: bodies.code,
  },
  'POST /api/v1/core/account/mfa/disable': { summary: 'Turn two-step sign-in off (needs a code)', body: bodies.code },
  'POST /api/v1/core/account/mfa/backup-codes': {
    summary: 'New backup codes (needs a code; the old ones stop working)',
    body: bodies.code,
  },
  'DELETE /api/v1/core/users/:id/mfa': {
    summary: "Reset a user's two-step sign-in (lost phone); they enrol again",
    permission: USERS,
    responses: { 204: null },
  },
  'GET /api/v1/core/security-settings': { summary: "The company's security settings", permission: SETTINGS },
  'PUT /api/v1/core/security-settings': {
    summary: 'Require two-step sign-in for everyone (asked to enrol at their next sign-in)',
    permission: SETTINGS,
    body: bodies.settings,
  },
};

/** The login's code step (public, beside the password step). Throttled per user. */
export function mfaPublicRoutes(r: Router<State>, sessions: Sessions, mfa: Mfa, mfaUser: Throttle): void {
  webauthnPublicRoutes(r, sessions, mfa, mfaUser);
  r.post('auth.mfa', '/mfa', async (ctx) => {
    const b = check.mfaLogin(ctx.request.body) as { mfaToken: string; code: string };
    const { tenantId, userId } = mfa.readChallenge(b.mfaToken);
    const key = `${tenantId}:${userId}`;
    await mfaUser.consume(key);
    try {
      const session = await mfa.complete(sessions, b.mfaToken, b.code, {
        ip: clientIp(ctx),
        userAgent: ctx.get('user-agent'),
      });
      await mfaUser.reset(key);
      ctx.body = session;
    } catch (err) {
      // Only a wrong code uses up the budget.
      if (!(err instanceof AppError && err.code === 'INVALID_MFA_CODE')) await mfaUser.reward(key);
      throw err;
    }
  });
}

/** API keys, sessions, MFA and security settings (under /api/v1/core, authenticated). */
export function securityCoreRoutes(r: Router<State>, deps: { apiKeys: ApiKeys; mfa: Mfa; sessions: Sessions }): void {
  const { apiKeys, mfa } = deps;
  const req = (s: State) => {
    if (!s.rc || !s.tx) throw new Error('security route without request context');
    return { rc: s.rc, tx: s.tx };
  };
  /** The caller's own sign-in matters (sessions, MFA) are for people, not integrations. */
  const person = (s: State) => {
    if (s.apiKeyId) {
      throw new AppError('NOT_FOR_API_KEYS', 'Sign in as a person for this; an API key cannot do it', { status: 403 });
    }
    return req(s);
  };
  const userId = (id: string | undefined) => {
    if (!id || !isUuid(id)) throw new NotFoundError('User');
    return id;
  };
  const userExists = async (s: State, id: string) => {
    const rows = await req(s).tx.query('select 1 from core_user where tenant_id = $2 and id = $1', [
      id,
      req(s).tx.tenantId,
    ]);
    if (!rows[0]) throw new NotFoundError('User');
  };

  r.get('apikeys.list', '/api-keys', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require(KEYS);
    ctx.body = { data: await apiKeys.list(tx) };
  });
  r.post('apikeys.create', '/api-keys', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require(KEYS);
    const b = check.apiKey(ctx.request.body) as { name: string; permissions: string[]; expiresAt?: string };
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await apiKeys.create(tx, rc.user, ctx.state.patterns ?? [], b);
  });
  r.delete('apikeys.revoke', '/api-keys/:id', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require(KEYS);
    await apiKeys.revoke(tx, ctx.params.id as string);
    ctx.status = 204;
  });

  r.get('sessions.list', '/sessions', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    ctx.body = { data: await listSessions(tx, rc.user.id, ctx.state.familyId) };
  });
  r.delete('sessions.revokeAll', '/sessions', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    const q = check.signOut({ ...ctx.query }) as { others?: boolean };
    const revoked = await revokeSessions(tx, rc.user.id, q.others ? { except: ctx.state.familyId } : {});
    ctx.body = { revoked };
  });
  r.delete('sessions.revoke', '/sessions/:id', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    const id = ctx.params.id as string;
    if (!isUuid(id) || (await revokeSessions(tx, rc.user.id, { familyId: id })) === 0) {
      throw new NotFoundError('Session');
    }
    ctx.status = 204;
  });
  r.delete('sessions.revokeUser', '/users/:id/sessions', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require(USERS);
    const id = userId(ctx.params.id);
    await userExists(ctx.state, id);
    ctx.body = { revoked: await revokeSessions(tx, id) };
  });

  r.get('account.companies', '/account/companies', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    ctx.body = { data: await identityCompanies(tx, rc.user.id) };
  });
  r.post('account.switch', '/account/switch', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    const b = check.switchTo(ctx.request.body) as { tenant: string };
    const rows = await tx.query<{ identity_id: string }>(
      'select identity_id from core_user where tenant_id = $1 and id = $2',
      [tx.tenantId, rc.user.id],
    );
    const identityId = rows[0]?.identity_id;
    if (!identityId) throw new NotFoundError('Company');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await deps.sessions.switchTo(identityId, b.tenant, {
      ip: clientIp(ctx),
      userAgent: ctx.get('user-agent'),
    });
  });
  webauthnCoreRoutes(r, mfa, person);
  r.get('mfa.status', '/account/mfa', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    ctx.body = await mfa.status(tx, rc.user.id);
  });
  r.post('mfa.enrol', '/account/mfa/enrol', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await mfa.enrol(tx, rc.user, `ElevateCRM (${rc.tenant.name})`);
  });
  r.post('mfa.confirm', '/account/mfa/confirm', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    const b = check.code(ctx.request.body) as { code: string };
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await mfa.confirm(tx, rc.user.id, b.code);
  });
  r.post('mfa.disable', '/account/mfa/disable', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    const b = check.code(ctx.request.body) as { code: string };
    await mfa.disable(tx, rc.user.id, b.code);
    ctx.status = 204;
  });
  r.post('mfa.backupCodes', '/account/mfa/backup-codes', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    const b = check.code(ctx.request.body) as { code: string };
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await mfa.regenerateBackupCodes(tx, rc.user.id, b.code);
  });
  r.delete('mfa.reset', '/users/:id/mfa', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require(USERS);
    const id = userId(ctx.params.id);
    await userExists(ctx.state, id);
    await mfa.reset(tx, id);
    ctx.status = 204;
  });
  r.get('security.settings', '/security-settings', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require(SETTINGS);
    ctx.body = await mfa.settings(tx);
  });
  r.put('security.settings.update', '/security-settings', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require(SETTINGS);
    const b = check.settings(ctx.request.body) as { requireMfa: boolean };
    ctx.body = await mfa.setSettings(tx, b, rc.user.id);
  });
}
