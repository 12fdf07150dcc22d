import {
  type AnyAddon,
  ForbiddenError,
  type Logger,
  NotFoundError,
  permissionMatches,
  type RequestContext,
  type SystemContext,
  type TenantInfo,
  type UserInfo,
} from '@elevate/sdk';
import DataLoader from 'dataloader';
import { tenantDb } from '../db/repository.ts';
import type { TenantTx } from '../db/tenant-tx.ts';
import { outboxPublisher } from '../events/outbox.ts';

export interface ContextDeps {
  addonsById: ReadonlyMap<string, AnyAddon>;
  wakeRelay: () => void;
}

/** Context for kernel-driven work: subscribers, jobs, lifecycle hooks. */
export function systemContext(
  deps: ContextDeps,
  tx: TenantTx,
  tenant: TenantInfo,
  log: Logger,
  actorId: string | null = null,
): SystemContext {
  const outbox = outboxPublisher(tx, actorId, deps.wakeRelay);
  const loaders = new Map<string, DataLoader<unknown, unknown>>();
  return {
    tenant,
    db: tenantDb(tx, actorId),
    events: { publish: outbox.publish },
    jobs: { enqueue: outbox.enqueue },
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
}

/** Permission patterns held by the caller, checked only against enabled addons (and core). */
export function permissionChecker(patterns: readonly string[], enabled: ReadonlySet<string>) {
  const cache = new Map<string, boolean>();
  return (permission: string): boolean => {
    let ok = cache.get(permission);
    if (ok === undefined) {
      const owner = permission.split('.')[0] ?? '';
      ok = (owner === 'core' || enabled.has(owner)) && patterns.some((p) => permissionMatches(p, permission));
      cache.set(permission, ok);
    }
    return ok;
  };
}

export function requestContext(
  base: SystemContext,
  requestId: string,
  user: UserInfo,
  can: (permission: string) => boolean,
): RequestContext {
  // A plain object (not a class) so GraphQL Yoga can merge it into its context.
  return {
    ...base,
    requestId,
    user,
    can,
    require(permission: string) {
      if (!can(permission)) throw new ForbiddenError(permission);
    },
  };
}
