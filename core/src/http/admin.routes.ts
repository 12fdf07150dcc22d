import type { JsonSchema } from '@elevate/sdk';
import type Router from '@koa/router';
import type { Roles } from '../admin/roles.ts';
import type { Teams } from '../admin/teams.ts';
import type { Users } from '../admin/users.ts';
import type { TenantTx } from '../db/tenant-tx.ts';
import type { KernelRouteDoc } from './kernel-routes.docs.ts';
import type { State } from './state.ts';
import { compileBody, obj, str } from './validate.ts';

const MANAGE = 'core.users.manage';
const uuid = { type: 'string', format: 'uuid' };
const PATTERNS: JsonSchema = {
  type: 'array',
  maxItems: 500,
  items: { type: 'string', minLength: 1, maxLength: 200 },
  description: 'permission keys, optionally with a record scope (`crm.contact.read@own`), or `<addon>.*`',
};
const bodies = {
  roles: obj(['roles'], { roles: { type: 'array', minItems: 1, maxItems: 50, items: str(64) } }),
  reassign: obj(['to'], { to: uuid }),
  roleCreate: obj(['name'], {
    key: str(63),
    name: str(200),
    description: { type: ['string', 'null'], maxLength: 500 },
    permissions: PATTERNS,
  }),
  roleUpdate: obj([], {
    key: str(63),
    name: str(200),
    description: { type: ['string', 'null'], maxLength: 500 },
    permissions: PATTERNS,
  }),
  teamCreate: obj(['name'], {
    name: str(200),
    managerId: { type: ['string', 'null'], format: 'uuid' },
    memberIds: { type: 'array', maxItems: 1000, items: uuid },
  }),
  teamUpdate: obj([], {
    name: str(200),
    managerId: { type: ['string', 'null'], format: 'uuid' },
    memberIds: { type: 'array', maxItems: 1000, items: uuid },
  }),
};
const check = Object.fromEntries(Object.entries(bodies).map(([k, s]) => [k, compileBody(s)])) as Record<
  keyof typeof bodies,
  (b: unknown) => unknown
>;

const USER: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    active: { type: 'boolean' },
    roles: { type: 'array', items: { type: 'string' } },
    lastLoginAt: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
};
const ROLE: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    key: { type: 'string' },
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    permissions: { type: 'array', items: { type: 'string' } },
    seeded: { type: 'boolean' },
    editable: { type: 'boolean' },
    userCount: { type: 'integer' },
  },
};
const TEAM: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    managerId: { type: ['string', 'null'] },
    memberIds: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'string' },
  },
};
const list = (item: JsonSchema): JsonSchema => obj(['data'], { data: { type: 'array', items: item } });
const doc = (summary: string, extra: Partial<KernelRouteDoc> = {}): KernelRouteDoc => ({
  summary,
  permission: MANAGE,
  ...extra,
});

/** The users, roles and teams routes, for the route table and the OpenAPI document. */
export const adminRouteDocs: Record<string, KernelRouteDoc> = {
  'GET /api/v1/core/users': doc('The company’s users with their roles and last login', {
    responses: { 200: list(USER) },
  }),
  'PUT /api/v1/core/users/:id/roles': doc("Replace a user's roles (by key)", {
    body: bodies.roles,
    responses: { 200: USER },
  }),
  'POST /api/v1/core/users/:id/deactivate': doc('Deactivate a user: their tokens stop working at once', {
    responses: { 200: USER },
  }),
  'POST /api/v1/core/users/:id/reactivate': doc('Reactivate a user (they sign in again)', { responses: { 200: USER } }),
  'POST /api/v1/core/users/:id/reassign': doc(
    "Hand every record the user owns (every enabled addon's owned models) to another user, in one transaction",
    { body: bodies.reassign },
  ),
  'GET /api/v1/core/permissions': doc('The permission table of the enabled addons: key, title, record scopes'),
  'GET /api/v1/core/roles': doc('Roles: the seeded defaults and custom ones', { responses: { 200: list(ROLE) } }),
  'POST /api/v1/core/roles': doc('Create a custom role', { body: bodies.roleCreate, responses: { 201: ROLE } }),
  'PATCH /api/v1/core/roles/:id': doc("Change a role's name, description or permissions", {
    body: bodies.roleUpdate,
    responses: { 200: ROLE },
  }),
  'DELETE /api/v1/core/roles/:id': doc('Delete a custom role nobody holds', { responses: { 204: null } }),
  'GET /api/v1/core/teams': doc('Teams with their manager and members', { responses: { 200: list(TEAM) } }),
  'POST /api/v1/core/teams': doc('Create a team', { body: bodies.teamCreate, responses: { 201: TEAM } }),
  'PATCH /api/v1/core/teams/:id': doc("Change a team's name, manager or members (memberIds replaces the list)", {
    body: bodies.teamUpdate,
    responses: { 200: TEAM },
  }),
  'DELETE /api/v1/core/teams/:id': doc('Delete a team', { responses: { 204: null } }),
};

/** Users, roles and teams under /api/v1/core; every route needs `core.users.manage`. */
export function adminRoutes(
  r: Router<State>,
  svc: {
    users: Users;
    roles: Roles;
    teams: Teams;
    /** These users' access changed (null: maybe anyone's): runs once the transaction commits. */
    accessChanged(tx: TenantTx, userIds: string[] | null): void;
  },
): void {
  // The permission is checked before the body is looked at: a member learns nothing but 403.
  const req = (s: State) => {
    if (!s.rc || !s.tx || !s.enabled) throw new Error('admin route without request context');
    s.rc.require(MANAGE);
    return {
      tx: s.tx,
      enabled: s.enabled,
      caller: { userId: s.rc.user.id, patterns: s.patterns ?? [], enabled: s.enabled },
    };
  };
  const id = (p: Record<string, string | undefined>) => p.id ?? '';

  r.get('/users', async (ctx) => {
    ctx.body = { data: await svc.users.list(req(ctx.state).tx) };
  });
  r.put('/users/:id/roles', async (ctx) => {
    const { tx, caller } = req(ctx.state);
    const b = check.roles(ctx.request.body) as { roles: string[] };
    ctx.body = await svc.users.setRoles(tx, caller, id(ctx.params), b.roles);
    svc.accessChanged(tx, [id(ctx.params)]);
  });
  r.post('/users/:id/deactivate', async (ctx) => {
    const { tx, caller } = req(ctx.state);
    ctx.body = await svc.users.setActive(tx, caller, id(ctx.params), false);
    svc.accessChanged(tx, [id(ctx.params)]);
  });
  r.post('/users/:id/reactivate', async (ctx) => {
    const { tx, caller } = req(ctx.state);
    ctx.body = await svc.users.setActive(tx, caller, id(ctx.params), true);
  });
  r.post('/users/:id/reassign', async (ctx) => {
    const { tx, enabled } = req(ctx.state);
    const b = check.reassign(ctx.request.body) as { to: string };
    ctx.body = await svc.users.reassign(tx, enabled, id(ctx.params), b.to);
  });

  r.get('/permissions', (ctx) => {
    ctx.body = { data: svc.roles.table(req(ctx.state).enabled, ctx.state.rc?.user.language) };
  });
  r.get('/roles', async (ctx) => {
    ctx.body = { data: await svc.roles.list(req(ctx.state).tx, ctx.state.rc?.user.language) };
  });
  r.post('/roles', async (ctx) => {
    const { tx, caller } = req(ctx.state);
    const b = check.roleCreate(ctx.request.body) as Parameters<Roles['create']>[2];
    ctx.status = 201;
    ctx.body = await svc.roles.create(tx, caller, b);
  });
  r.patch('/roles/:id', async (ctx) => {
    const { tx, caller } = req(ctx.state);
    const b = check.roleUpdate(ctx.request.body) as Parameters<Roles['update']>[3];
    ctx.body = await svc.roles.update(tx, caller, id(ctx.params), b);
    svc.accessChanged(tx, null);
  });
  r.delete('/roles/:id', async (ctx) => {
    await svc.roles.remove(req(ctx.state).tx, id(ctx.params));
    ctx.status = 204;
  });

  r.get('/teams', async (ctx) => {
    ctx.body = { data: await svc.teams.list(req(ctx.state).tx) };
  });
  r.post('/teams', async (ctx) => {
    const { tx } = req(ctx.state);
    const b = check.teamCreate(ctx.request.body) as Parameters<Teams['create']>[1];
    ctx.status = 201;
    ctx.body = await svc.teams.create(tx, b);
    svc.accessChanged(tx, null);
  });
  r.patch('/teams/:id', async (ctx) => {
    const { tx } = req(ctx.state);
    const b = check.teamUpdate(ctx.request.body) as Parameters<Teams['update']>[2];
    ctx.body = await svc.teams.update(tx, id(ctx.params), b);
    svc.accessChanged(tx, null);
  });
  r.delete('/teams/:id', async (ctx) => {
    const { tx } = req(ctx.state);
    await svc.teams.remove(tx, id(ctx.params));
    svc.accessChanged(tx, null);
    ctx.status = 204;
  });
}
