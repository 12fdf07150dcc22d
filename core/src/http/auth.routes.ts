import type { JsonSchema } from '@elevate/sdk';
import Router from '@koa/router';
import { type LoginAudit, unaudited } from '../audit/login-audit.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Tenants } from '../tenancy/tenants.ts';
import type { State } from './state.ts';
import { compileBody } from './validate.ts';

const str = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });
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

/** Public endpoints: sign-up (creates a company and its owner), login, refresh, logout. */
export function authRoutes(tenants: Tenants, sessions: Sessions, audited: LoginAudit = unaudited): Router<State> {
  const r = new Router<State>({ prefix: '/api/v1/auth' });
  r.post('/signup', async (ctx) => {
    const b = signupBody(ctx.request.body) as {
      company: string;
      slug: string;
      email: string;
      password: string;
      name?: string;
    };
    const { tenant } = await tenants.create({
      slug: b.slug,
      name: b.company,
      ownerEmail: b.email,
      ownerPassword: b.password,
      ...(b.name ? { ownerName: b.name } : {}),
    });
    const session = await sessions.login(tenant.slug, b.email, b.password);
    ctx.status = 201;
    ctx.body = { tenant, ...session };
  });
  r.post('/login', async (ctx) => {
    const b = loginBody(ctx.request.body) as { tenant: string; email: string; password: string };
    const session = await audited(
      { tenant: b.tenant, email: b.email, ip: ctx.ip, requestId: ctx.state.requestId },
      () => sessions.login(b.tenant, b.email, b.password),
    );
    const tenant = { slug: b.tenant.toLowerCase() };
    ctx.body = { tenant, ...session };
  });
  r.post('/refresh', async (ctx) => {
    const b = tokenBody(ctx.request.body) as { refreshToken: string };
    ctx.body = await sessions.refresh(b.refreshToken);
  });
  r.post('/logout', async (ctx) => {
    const b = tokenBody(ctx.request.body) as { refreshToken: string };
    await sessions.logout(b.refreshToken);
    ctx.status = 204;
  });
  return r;
}
