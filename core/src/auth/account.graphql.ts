import { AppError, type ElevateSchemaTypes, NotFoundError, type RequestContext } from '@elevate/sdk';
import type SchemaBuilder from '@pothos/core';
import type { TenantTx } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import type { State } from '../http/state.ts';
import type { ApiKeyInfo, ApiKeys } from './api-keys.ts';
import { identityCompanies } from './identities.ts';
import type { Enrolment, Mfa, MfaStatus } from './mfa.ts';
import { listSessions, revokeSessions, type SessionInfo } from './sessions.ts';
import type { Passkey } from './webauthn.ts';

type Builder = InstanceType<typeof SchemaBuilder<ElevateSchemaTypes>>;

/** What the account fields use: the same services as the REST routes (security.routes.ts). */
export interface AccountGraphqlDeps {
  mfa: Mfa;
  apiKeys: ApiKeys;
}

const KEYS = 'core.apikeys.manage';
const USERS = 'core.users.manage';

/** The request's state behind a resolver's context (Yoga's server context carries it). */
function stateOf(ctx: RequestContext): State {
  const state = (ctx as unknown as { state?: State }).state;
  if (!state?.tx) throw new Error('GraphQL account field without a request transaction');
  return state;
}
const txOf = (ctx: RequestContext): TenantTx => stateOf(ctx).tx as TenantTx;
/** Sessions, MFA and passkeys are a person's (REST answers the same: 403 NOT_FOR_API_KEYS). */
function person(ctx: RequestContext): { tx: TenantTx; state: State } {
  const state = stateOf(ctx);
  if (state.apiKeyId) {
    throw new AppError('NOT_FOR_API_KEYS', 'Sign in as a person for this; an API key cannot do it', { status: 403 });
  }
  return { tx: state.tx as TenantTx, state };
}
async function userInCompany(tx: TenantTx, id: string): Promise<string> {
  const rows = isUuid(id)
    ? await tx.query('select 1 from core_user where tenant_id = $1 and id = $2', [tx.tenantId, id])
    : [];
  if (!rows[0]) throw new NotFoundError('User');
  return id;
}

/**
 * The caller's API keys, sessions, two-step sign-in and passkeys on GraphQL: the reads and
 * mutations REST has (docs/security.md), with the same permissions and refusals.
 */
export function accountGraphql(b: Builder, deps: AccountGraphqlDeps): void {
  const { mfa, apiKeys } = deps;
  const Creator = b.objectRef<{ id: string; name: string }>('ApiKeyCreator').implement({
    fields: (t) => ({ id: t.exposeID('id'), name: t.exposeString('name') }),
  });
  const ApiKey = b.objectRef<ApiKeyInfo>('ApiKey').implement({
    description: 'An API key as its list shows it (never the key itself)',
    fields: (t) => ({
      id: t.exposeID('id'),
      name: t.exposeString('name'),
      prefix: t.exposeString('prefix'),
      permissions: t.exposeStringList('permissions'),
      createdBy: t.field({ type: Creator, nullable: true, resolve: (k) => k.createdBy }),
      expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (k) => k.expiresAt }),
      lastUsedAt: t.field({ type: 'DateTime', nullable: true, resolve: (k) => k.lastUsedAt }),
      revokedAt: t.field({ type: 'DateTime', nullable: true, resolve: (k) => k.revokedAt }),
      createdAt: t.field({ type: 'DateTime', resolve: (k) => k.createdAt }),
    }),
  });
  const CreatedKey = b.objectRef<ApiKeyInfo & { key: string }>('CreatedApiKey').implement({
    fields: (t) => ({
      key: t.exposeString('key', { description: 'the key: shown in this answer only' }),
      apiKey: t.field({ type: ApiKey, resolve: (k) => k }),
    }),
  });
  const Session = b.objectRef<SessionInfo>('Session').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      device: t.exposeString('device'),
      userAgent: t.exposeString('userAgent', { nullable: true }),
      ip: t.exposeString('ip', { nullable: true }),
      createdAt: t.field({ type: 'DateTime', resolve: (s) => s.createdAt }),
      lastUsedAt: t.field({ type: 'DateTime', resolve: (s) => s.lastUsedAt }),
      current: t.exposeBoolean('current'),
    }),
  });
  const MfaStatusRef = b.objectRef<MfaStatus>('MfaStatus').implement({
    fields: (t) => ({
      enabled: t.exposeBoolean('enabled', { description: 'the authenticator app (TOTP) is on' }),
      pending: t.exposeBoolean('pending'),
      backupCodesLeft: t.exposeInt('backupCodesLeft'),
      passkeys: t.exposeInt('passkeys'),
      required: t.exposeBoolean('required', { description: 'the company requires two-step sign-in' }),
    }),
  });
  const EnrolmentRef = b.objectRef<Enrolment>('MfaEnrolment').implement({
    fields: (t) => ({
      secret: t.exposeString('secret'),
      otpauthUrl: t.exposeString('otpauthUrl'),
      qr: t.exposeString('qr', { description: 'the otpauth URL as a PNG data URL' }),
    }),
  });
  const PasskeyRef = b.objectRef<Passkey>('Passkey').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      name: t.exposeString('name'),
      deviceType: t.exposeString('deviceType', { nullable: true }),
      backedUp: t.exposeBoolean('backedUp'),
      createdAt: t.field({ type: 'DateTime', resolve: (p) => p.createdAt }),
      lastUsedAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.lastUsedAt }),
    }),
  });
  const Company = b.objectRef<{ id: string; slug: string; name: string; current: boolean }>('MyCompany').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      slug: t.exposeString('slug'),
      name: t.exposeString('name'),
      current: t.exposeBoolean('current'),
    }),
  });

  b.queryFields((t) => ({
    apiKeys: t.field({
      type: [ApiKey],
      description: "The company's API keys (core.apikeys.manage)",
      resolve: (_r, _a, ctx) => {
        ctx.require(KEYS);
        return apiKeys.list(txOf(ctx));
      },
    }),
    mySessions: t.field({
      type: [Session],
      description: 'Where you are signed in, most recently used first',
      resolve: (_r, _a, ctx) => {
        const { tx, state } = person(ctx);
        return listSessions(tx, ctx.user.id, state.familyId);
      },
    }),
    myMfa: t.field({
      type: MfaStatusRef,
      resolve: (_r, _a, ctx) => mfa.status(person(ctx).tx, ctx.user.id),
    }),
    myPasskeys: t.field({
      type: [PasskeyRef],
      resolve: (_r, _a, ctx) => mfa.passkeys.list(person(ctx).tx, ctx.user.id),
    }),
    myCompanies: t.field({
      type: [Company],
      description: 'The companies you belong to with the same identity, this one first',
      resolve: (_r, _a, ctx) => identityCompanies(person(ctx).tx, ctx.user.id),
    }),
  }));

  b.mutationFields((t) => ({
    createApiKey: t.field({
      type: CreatedKey,
      description: 'An API key with some of your own permissions; the key is in this answer only',
      args: {
        name: t.arg.string({ required: true }),
        permissions: t.arg.stringList({ required: true }),
        expiresAt: t.arg({ type: 'DateTime' }),
      },
      resolve: (_r, args, ctx) => {
        ctx.require(KEYS);
        const state = stateOf(ctx);
        return apiKeys.create(txOf(ctx), ctx.user, state.patterns ?? [], {
          name: args.name,
          permissions: args.permissions,
          ...(args.expiresAt ? { expiresAt: args.expiresAt } : {}),
        });
      },
    }),
    revokeApiKey: t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, args, ctx) => {
        ctx.require(KEYS);
        await apiKeys.revoke(txOf(ctx), String(args.id));
        return true;
      },
    }),
    signOutSession: t.boolean({
      description: 'Ends one of your sessions',
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, args, ctx) => {
        const { tx } = person(ctx);
        const id = String(args.id);
        if (!isUuid(id) || (await revokeSessions(tx, ctx.user.id, { familyId: id })) === 0) {
          throw new NotFoundError('Session');
        }
        return true;
      },
    }),
    signOutSessions: t.int({
      description: 'Ends all your sessions (others: all but this one); answers how many ended',
      args: { others: t.arg.boolean() },
      resolve: (_r, args, ctx) => {
        const { tx, state } = person(ctx);
        return revokeSessions(tx, ctx.user.id, args.others ? { except: state.familyId } : {});
      },
    }),
    signOutUser: t.int({
      description: 'Signs a user of the company out everywhere (core.users.manage)',
      args: { userId: t.arg.id({ required: true }) },
      resolve: async (_r, args, ctx) => {
        ctx.require(USERS);
        const tx = txOf(ctx);
        return revokeSessions(tx, await userInCompany(tx, String(args.userId)));
      },
    }),
    startMfaEnrolment: t.field({
      type: EnrolmentRef,
      resolve: (_r, _a, ctx) => mfa.enrol(person(ctx).tx, ctx.user, `ElevateCRM (${ctx.tenant.name})`),
    }),
    confirmMfa: t.stringList({
      description: 'Turns the authenticator app on with a first code; answers 10 backup codes (shown once)',
      args: { code: t.arg.string({ required: true }) },
      resolve: async (_r, args, ctx) => (await mfa.confirm(person(ctx).tx, ctx.user.id, args.code)).backupCodes,
    }),
    disableMfa: t.boolean({
      args: { code: t.arg.string({ required: true }) },
      resolve: async (_r, args, ctx) => {
        await mfa.disable(person(ctx).tx, ctx.user.id, args.code);
        return true;
      },
    }),
    regenerateBackupCodes: t.stringList({
      args: { code: t.arg.string({ required: true }) },
      resolve: async (_r, args, ctx) =>
        (await mfa.regenerateBackupCodes(person(ctx).tx, ctx.user.id, args.code)).backupCodes,
    }),
    resetUserMfa: t.boolean({
      description: "Removes a user's authenticator app (lost phone; core.users.manage)",
      args: { userId: t.arg.id({ required: true }) },
      resolve: async (_r, args, ctx) => {
        ctx.require(USERS);
        const tx = txOf(ctx);
        await mfa.reset(tx, await userInCompany(tx, String(args.userId)));
        return true;
      },
    }),
    removePasskey: t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, args, ctx) => {
        await mfa.passkeys.remove(person(ctx).tx, ctx.user.id, String(args.id).slice(0, 1024));
        return true;
      },
    }),
  }));
}
