import {
  type AnyAddon,
  type AnyModel,
  allows,
  type ExtensionPoint,
  ForbiddenError,
  type Logger,
  NotFoundError,
  type RecordRules,
  type RecordScope,
  type Repository,
  type RequestActor,
  type RequestContext,
  type SystemContext,
  type TenantInfo,
  type UserInfo,
  widestScope,
} from '@elevate/sdk';
import type { EntityManager } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import { audit } from '../audit/audit.ts';
import { SecretBox } from '../auth/secret-box.ts';
import { commentService } from '../comments/comments.ts';
import { CUSTOM_FIELDS_MANAGE, optedInModels } from '../custom-fields/definitions.ts';
import { customFieldsFor } from '../custom-fields/service.ts';
import type { Orm } from '../db/orm.ts';
import { type TenantDbWithScopes, tenantDb } from '../db/repository.ts';
import type { TenantTx } from '../db/tenant-tx.ts';
import { documentsFor } from '../documents/documents.ts';
import { outboxPublisher } from '../events/outbox.ts';
import { transactionalMailer } from '../mail/mailer.ts';
import { tenantMoney } from '../money/money-service.ts';
import { transactionalNotifier } from '../notifications/notifications.ts';
import type { ServiceRegistry } from '../services/service-registry.ts';

/** What a context needs from the kernel (the Runtime provides both; wakeRelay is read per call). */
export interface ContextDeps {
  addonsById: ReadonlyMap<string, AnyAddon>;
  /** Installed addons (their opted-in models take custom fields). */
  addons: readonly AnyAddon[];
  orm: Orm;
  services: ServiceRegistry;
  wakeRelay(): void;
  config: { publicUrl: string; jwtSecret: string };
}

/** One box per process secret (a kernel has one; tests may run several kernels). */
const boxes = new Map<string, SecretBox>();
function addonSecrets(processSecret: string): SecretBox {
  let box = boxes.get(processSecret);
  if (!box) {
    box = new SecretBox('elevate-addon-secret', processSecret);
    boxes.set(processSecret, box);
  }
  return box;
}

/** Which context `ctx.services` builds from, and the enabled set when the caller knows it. */
interface ServiceBinding {
  ctx: SystemContext;
  enabled: ReadonlySet<string> | null;
}
const bindings = new WeakMap<SystemContext, ServiceBinding>();

/** Context for kernel-driven work: subscribers, jobs, lifecycle hooks. */
export function systemContext(
  deps: ContextDeps,
  tx: TenantTx,
  tenant: TenantInfo,
  log: Logger,
  actorId: string | null = null,
): SystemContext & { db: TenantDbWithScopes } {
  const outbox = outboxPublisher(tx, actorId, deps.wakeRelay);
  const loaders = new Map<string, DataLoader<unknown, unknown>>();
  const db = tenantDb(tx, actorId, deps.orm);
  const binding: ServiceBinding = { ctx: null as unknown as SystemContext, enabled: null };
  let enabled: Promise<ReadonlySet<string>> | null = null;
  const services = deps.services.forContext({
    context: () => binding.ctx,
    // Read in this transaction, so a lifecycle hook sees addons enabled in the same transaction.
    enabled: () => {
      if (binding.enabled) return Promise.resolve(binding.enabled);
      enabled ??= tx
        .query<{ addon_id: string }>('select addon_id from core_tenant_addon where tenant_id = $1 and enabled', [
          tx.tenantId,
        ])
        .then((rows) => new Set(rows.map((r) => r.addon_id)));
      return enabled;
    },
    chosen: async (serviceId) => {
      const rows = await tx.query<{ addon_id: string }>(
        'select addon_id from core_tenant_service where tenant_id = $1 and service_id = $2',
        [tx.tenantId, serviceId],
      );
      return rows[0]?.addon_id ?? null;
    },
  });
  const mail = transactionalMailer(tx, outbox);
  const ctx: SystemContext & { db: TenantDbWithScopes } = {
    tenant,
    db,
    // Forked on first use: most requests never touch it.
    get em(): EntityManager {
      return db.em();
    },
    events: { publish: outbox.publish },
    jobs: { enqueue: outbox.enqueue },
    mail,
    notifications: transactionalNotifier(tx, outbox, mail, deps.config.publicUrl, tenant.slug),
    documents: documentsFor(tx, tenant, deps.config, actorId),
    // Only what an addon may say: who and when come from the transaction.
    audit: {
      record: (e) =>
        audit(tx, { action: e.action, table: e.table ?? null, recordId: e.recordId ?? null, detail: e.detail ?? null }),
    },
    services,
    secrets: {
      seal: (plain) => addonSecrets(deps.config.jwtSecret).seal(plain, `tenant:${tenant.id}`),
      open: (sealed) => addonSecrets(deps.config.jwtSecret).open(sealed, `tenant:${tenant.id}`),
    },
    money: tenantMoney(tx),
    // Kernel-driven work sees every field; a request's context narrows this to the caller's roles.
    customFields: customFieldsFor(tx, () => modelsWithCustomFields(deps.addons), { all: true }),
    log,
    async settings<T>(addonId: string): Promise<T> {
      const addon = deps.addonsById.get(addonId);
      if (!addon) throw new NotFoundError(`Addon ${addonId}`);
      const rows = await tx.query<{ settings: Record<string, unknown> }>(
        'select settings from core_tenant_addon where tenant_id = $1 and addon_id = $2',
        [tx.tenantId, addonId],
      );
      return { ...(addon.settings?.defaults ?? {}), ...(rows[0]?.settings ?? {}) } as T;
    },
    loader<K, V>(key: string, batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>) {
      let l = loaders.get(key);
      if (!l) {
        l = new DataLoader<unknown, unknown>((keys) => batch(keys as readonly K[]));
        loaders.set(key, l);
      }
      return l as unknown as DataLoader<K, V>;
    },
  };
  binding.ctx = ctx;
  bindings.set(ctx, binding);
  return ctx;
}

const optedIn = new WeakMap<readonly AnyAddon[], ReadonlyMap<string, AnyModel>>();
/** Models of the installed addons that take custom fields (computed once per addon list). */
function modelsWithCustomFields(addons: readonly AnyAddon[]): ReadonlyMap<string, AnyModel> {
  let m = optedIn.get(addons);
  if (!m) {
    m = optedInModels(addons);
    optedIn.set(addons, m);
  }
  return m;
}

/** Permission patterns held by the caller, checked only against enabled addons (and core). */
export function permissionChecker(patterns: readonly string[], enabled: ReadonlySet<string>) {
  const cache = new Map<string, boolean>();
  return (permission: string): boolean => {
    let ok = cache.get(permission);
    if (ok === undefined) {
      ok = allows(patterns, enabled, permission);
      cache.set(permission, ok);
    }
    return ok;
  };
}

export interface RequestDeps {
  requestId: string;
  user: UserInfo;
  patterns: readonly string[];
  /** The tenant's custom-field stamp as the opening read it (custom-fields/stamp.ts): definitions are reused while it holds. */
  customFieldsStamp?: string;
  enabled: ReadonlySet<string>;
  /** Installed addons in dependency order (extension point contributors). */
  addons: readonly AnyAddon[];
  /** Who acts: the user, or an API key (whose creator is `user`). */
  actor?: RequestActor;
}

export function requestContext(base: SystemContext & { db: TenantDbWithScopes }, deps: RequestDeps): RequestContext {
  const can = permissionChecker(deps.patterns, deps.enabled);
  let enabledModels: ReadonlyMap<string, AnyModel> | undefined;
  let team: Promise<readonly string[]> | null = null;
  const teamUserIds = () => {
    team ??= base.db
      .query<{ user_id: string }>(
        `select distinct m2.user_id from core_team_member m1
         join core_team_member m2 on m2.tenant_id = m1.tenant_id and m2.team_id = m1.team_id
         where m1.tenant_id = $1 and m1.user_id = $2`,
        [base.tenant.id, deps.user.id],
      )
      .then((rows) => [...new Set([deps.user.id, ...rows.map((r) => r.user_id)])]);
    return team;
  };
  const scope = (permission: string): RecordScope | null =>
    can(permission) ? widestScope(deps.patterns, permission) : null;
  const ownerIds = async (permission: string): Promise<readonly string[] | null> => {
    const s = scope(permission);
    if (!s) throw new ForbiddenError(permission);
    if (s === 'all') return null;
    return s === 'own' ? [deps.user.id] : await teamUserIds();
  };
  // The data layer asks these for every read, update and delete of an owned model through ctx.em.
  const rules: RecordRules = {
    ownerIds: (model, op) =>
      ownerIds(`${model.access}.${op === 'read' ? 'read' : op === 'update' ? 'write' : 'delete'}`),
  };
  // A plain object (not a class) so GraphQL Yoga can take its properties into its context.
  // Built from property descriptors, not `...base`: spreading would call base's lazy `em`
  // getter and fork an EntityManager for every request, used or not.
  const own = {
    get em(): EntityManager {
      return base.db.em(rules);
    },
    requestId: deps.requestId,
    enabledAddons: deps.enabled,
    user: deps.user,
    actor: deps.actor ?? { kind: 'user', id: deps.user.id },
    can,
    require(permission: string) {
      if (!can(permission)) throw new ForbiddenError(permission);
    },
    scope,
    async scoped<M extends AnyModel>(model: M, permission: string): Promise<Repository<M>> {
      const s = scope(permission);
      if (!s) throw new ForbiddenError(permission);
      if (s === 'all') return base.db.repo(model);
      const userIds = s === 'own' ? [deps.user.id] : await teamUserIds();
      return base.db.scoped(model, { userIds, permission });
    },
    ownerIds,
    teamUserIds,
    comments: {
      recent: (model: AnyModel, recordIds: readonly string[], limit: number) =>
        commentService(deps.addons).recent(rc, model, recordIds, limit),
      move: (model: AnyModel, fromId: string, toId: string) =>
        commentService(deps.addons).move(rc, model, fromId, toId),
    },
    // Values of fields limited to roles are shown to those roles and to custom-field admins.
    customFields: customFieldsFor(
      { tenantId: base.tenant.id, query: (sql, params) => base.db.query(sql, params) },
      () => (enabledModels ??= optedInModels(deps.addons.filter((a) => deps.enabled.has(a.id)))),
      can(CUSTOM_FIELDS_MANAGE)
        ? { all: true }
        : {
            all: false,
            roles: async () =>
              new Set(
                (
                  await base.db.query<{ key: string }>(
                    `select r.key from core_user_role ur join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
                     where ur.tenant_id = $1 and ur.user_id = $2`,
                    [base.tenant.id, deps.user.id],
                  )
                ).map((x) => x.key),
              ),
          },
      deps.customFieldsStamp,
    ),
    extensions: {
      async collect<I, O>(point: ExtensionPoint<I, O>, input: I) {
        const out: { addon: string; result: O }[] = [];
        for (const addon of deps.addons) {
          if (!deps.enabled.has(addon.id)) continue;
          for (const c of addon.contributes) {
            if (c.point.name !== point.name) continue;
            out.push({ addon: addon.id, result: (await c.run(input, rc)) as O });
          }
        }
        return out;
      },
    },
  };
  const rc = Object.defineProperties(
    {},
    { ...Object.getOwnPropertyDescriptors(base), ...Object.getOwnPropertyDescriptors(own) },
  ) as RequestContext;
  // Services built in this request see the request context (user, permissions, record rules).
  const binding = bindings.get(base);
  if (binding) {
    binding.ctx = rc;
    binding.enabled = deps.enabled;
  }
  return rc;
}
