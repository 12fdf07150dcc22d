import { AppError, type JsonSchema } from '@elevate/sdk';
import type Router from '@koa/router';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Mfa } from '../auth/mfa.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { KernelRouteDoc } from './kernel-routes.docs.ts';
import type { State } from './state.ts';
import { clientIp, type Throttle } from './throttle.ts';
import { compileBody, obj, str } from './validate.ts';

/** What @simplewebauthn/browser's startRegistration / startAuthentication answer (checked by the library). */
const CREDENTIAL: JsonSchema = {
  type: 'object',
  required: ['id', 'rawId', 'response', 'type'],
  properties: {
    id: str(1024),
    rawId: str(1024),
    type: { type: 'string', enum: ['public-key'] },
    response: {
      type: 'object',
      required: ['clientDataJSON'],
      properties: { clientDataJSON: str(8192) },
    },
  },
  description: "the browser's credential, as @simplewebauthn/browser returns it",
};
const CHALLENGE_ID = { type: 'string', minLength: 1, maxLength: 64 };
const PASSKEY: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    deviceType: { type: ['string', 'null'] },
    backedUp: { type: 'boolean' },
    createdAt: { type: 'string' },
    lastUsedAt: { type: ['string', 'null'] },
  },
};
const bodies = {
  register: obj(['challengeId', 'response'], {
    challengeId: CHALLENGE_ID,
    name: { type: 'string', maxLength: 200 },
    response: CREDENTIAL,
  }),
  loginOptions: obj(['mfaToken'], { mfaToken: str(400) }),
  login: obj(['mfaToken', 'challengeId', 'response'], {
    mfaToken: str(400),
    challengeId: CHALLENGE_ID,
    response: CREDENTIAL,
  }),
};
const check = {
  register: compileBody(bodies.register),
  loginOptions: compileBody(bodies.loginOptions),
  login: compileBody(bodies.login),
};

export const webauthnRouteDocs: Record<string, KernelRouteDoc> = {
  'GET /api/v1/core/account/webauthn': {
    summary: 'Your passkeys',
    responses: { 200: obj(['data'], { data: { type: 'array', items: PASSKEY } }) },
  },
  'POST /api/v1/core/account/webauthn/register/options': {
    summary: 'Start adding a passkey: options for navigator.credentials.create (startRegistration)',
  },
  'POST /api/v1/core/account/webauthn/register': {
    summary: "Finish adding a passkey with the browser's answer",
    body: bodies.register,
    responses: { 201: PASSKEY },
  },
  'DELETE /api/v1/core/account/webauthn/:id': { summary: 'Remove one of your passkeys', responses: { 204: null } },
  'POST /api/v1/auth/mfa/webauthn/options': {
    summary: "Sign-in's second step with a passkey: options for navigator.credentials.get (startAuthentication)",
    body: bodies.loginOptions,
    public: true,
  },
  'POST /api/v1/auth/mfa/webauthn': {
    summary: "Sign-in's second step with a passkey: the browser's answer → the session",
    body: bodies.login,
    public: true,
  },
};

/** The sign-in's passkey step (public, beside the code step; the same per-user limit on failures). */
export function webauthnPublicRoutes(r: Router<State>, sessions: Sessions, mfa: Mfa, mfaUser: Throttle): void {
  r.post('auth.mfa.webauthn.options', '/mfa/webauthn/options', async (ctx) => {
    const b = check.loginOptions(ctx.request.body) as { mfaToken: string };
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await mfa.secondStep(b.mfaToken, async (tx, userId) => {
      const options = await mfa.passkeys.authenticationOptions(tx, userId);
      return async () => options;
    });
  });
  r.post('auth.mfa.webauthn', '/mfa/webauthn', async (ctx) => {
    const b = check.login(ctx.request.body) as {
      mfaToken: string;
      challengeId: string;
      response: AuthenticationResponseJSON;
    };
    const { tenantId, userId } = mfa.readChallenge(b.mfaToken);
    const key = `${tenantId}:${userId}`;
    await mfaUser.consume(key);
    try {
      const session = await mfa.secondStep(b.mfaToken, async (tx, uid) => {
        await mfa.passkeys.authenticate(tx, uid, b);
        return (u) => sessions.start(tx, u, { ip: clientIp(ctx), userAgent: ctx.get('user-agent') });
      });
      await mfaUser.reset(key);
      ctx.body = session;
    } catch (err) {
      // Only a passkey that failed to verify uses up the budget.
      if (!(err instanceof AppError && err.code === 'WEBAUTHN_FAILED')) await mfaUser.reward(key);
      throw err;
    }
  });
}

/** The signed-in person's passkeys (under /api/v1/core; `person` refuses API keys). */
export function webauthnCoreRoutes(
  r: Router<State>,
  mfa: Mfa,
  person: (s: State) => { rc: NonNullable<State['rc']>; tx: NonNullable<State['tx']> },
): void {
  r.get('webauthn.list', '/account/webauthn', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    ctx.body = { data: await mfa.passkeys.list(tx, rc.user.id) };
  });
  r.post('webauthn.register.options', '/account/webauthn/register/options', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await mfa.passkeys.registrationOptions(tx, rc.user);
  });
  r.post('webauthn.register', '/account/webauthn/register', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    const b = check.register(ctx.request.body) as {
      challengeId: string;
      name?: string;
      response: RegistrationResponseJSON;
    };
    ctx.status = 201;
    ctx.body = await mfa.passkeys.register(tx, rc.user.id, { ...b, name: b.name ?? '' });
  });
  r.delete('webauthn.remove', '/account/webauthn/:id', async (ctx) => {
    const { rc, tx } = person(ctx.state);
    await mfa.passkeys.remove(tx, rc.user.id, String(ctx.params.id ?? '').slice(0, 1024));
    ctx.status = 204;
  });
}
