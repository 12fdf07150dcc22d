import { AppError, NotFoundError, ValidationError } from '@elevate/sdk';
import type { TenantTx } from '../db/tenant-tx.ts';
import type { ServiceRegistry } from './service-registry.ts';

export interface ServiceStatus {
  id: string;
  /** Installed addons that provide it, in dependency order, and whether the tenant enabled each. */
  providers: { addon: string; enabled: boolean }[];
  /** The addon the tenant chose (kept even while it is disabled; ignored until enabled again). */
  chosen: string | null;
  /** The addon `ctx.services.get` resolves to now, or null (none enabled, or several and no choice). */
  active: string | null;
}

/** Every service some installed addon provides, as this tenant sees it. */
export async function listServices(
  registry: ServiceRegistry,
  tx: TenantTx,
  enabled: ReadonlySet<string>,
): Promise<ServiceStatus[]> {
  const rows = await tx.query<{ service_id: string; addon_id: string }>(
    'select service_id, addon_id from core_tenant_service where tenant_id = $1',
    [tx.tenantId],
  );
  const chosen = new Map(rows.map((r) => [r.service_id, r.addon_id]));
  return [...registry.providers.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, list]) => {
      const providers = list.map((p) => ({ addon: p.addon.id, enabled: enabled.has(p.addon.id) }));
      const on = providers.filter((p) => p.enabled).map((p) => p.addon);
      const choice = chosen.get(id) ?? null;
      const active = on.length === 1 ? (on[0] ?? null) : choice && on.includes(choice) ? choice : null;
      return { id, providers, chosen: choice, active };
    });
}

/** The tenant chooses which enabled addon implements a service. */
export async function chooseService(
  registry: ServiceRegistry,
  tx: TenantTx,
  enabled: ReadonlySet<string>,
  serviceId: string,
  body: unknown,
): Promise<void> {
  const list = registry.providers.get(serviceId);
  if (!list) throw new NotFoundError(`Service "${serviceId}"`, { code: 'SERVICE_NOT_FOUND' });
  const addon = (body as { addon?: unknown } | null)?.addon;
  if (typeof addon !== 'string') {
    throw new ValidationError('addon is required', [{ path: 'addon', message: 'must be an addon id (string)' }]);
  }
  if (!list.some((p) => p.addon.id === addon)) {
    throw new ValidationError(`Addon "${addon}" does not provide the service "${serviceId}"`, [
      { path: 'addon', message: `must be one of ${list.map((p) => p.addon.id).join(', ')}` },
    ]);
  }
  if (!enabled.has(addon)) {
    throw new AppError('ADDON_NOT_ENABLED', `Addon "${addon}" is not enabled`, { status: 409 });
  }
  await tx.query(
    `insert into core_tenant_service (tenant_id, service_id, addon_id) values ($1, $2, $3)
     on conflict (tenant_id, service_id) do update set addon_id = excluded.addon_id, updated_at = now()`,
    [tx.tenantId, serviceId, addon],
  );
}
